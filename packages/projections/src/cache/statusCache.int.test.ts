import { afterAll } from '@jest/globals';
import { Redis } from 'ioredis';
import { describeWith, redisUrl } from '@strata/test-env';
import { redisStatusStore } from '../redis.js';
import { runStatusCacheContract } from '../testing/statusCache.contract.js';

describeWith('REDIS', 'order status cache on Redis', () => {
  const redis = new Redis(redisUrl(), { lazyConnect: true });
  const prefixes: string[] = [];
  afterAll(async () => {
    for (const p of prefixes) {
      const keys = await redis.keys(`${p}*`);
      if (keys.length > 0) await redis.del(...keys);
    }
    redis.disconnect();
  });
  runStatusCacheContract('Redis', async () => {
    const prefix = `strata_t_${Math.random().toString(36).slice(2, 10)}:`;
    prefixes.push(prefix);
    const store = redisStatusStore(redis, { ttlMs: 60_000, prefix });
    // Expiry by deleting the keys: what Redis does when the TTL passes, without waiting for it.
    const expire = async () => {
      const keys = await redis.keys(`${prefix}order:*`);
      if (keys.length > 0) await redis.del(...keys);
    };
    return { store, expire };
  });
});
