import { afterAll, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { describeWith, redisUrl } from '@strata/test-env';
import { redisSentLedger } from './notifier.sns.js';

describeWith('REDIS', 'the notification ledger in Redis', () => {
  const redis = new Redis(redisUrl(), { lazyConnect: true });
  const prefix = `strata_t_${Math.random().toString(36).slice(2, 10)}:`;
  afterAll(async () => {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  });

  it('lets one claimant of an id through, with a TTL, and gives the id back on release', async () => {
    const ledger = redisSentLedger(redis, { prefix, ttlSeconds: 60 });
    const claims = await Promise.all([ledger.claim('evt-1'), ledger.claim('evt-1'), ledger.claim('evt-1')]);
    expect(claims.filter(Boolean)).toHaveLength(1);
    expect(await redis.ttl(`${prefix}notified:evt-1`)).toBeGreaterThan(0);
    await ledger.release('evt-1');
    expect(await ledger.claim('evt-1')).toBe(true);
  });
});
