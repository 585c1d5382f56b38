import { afterAll, expect, it, jest } from '@jest/globals';
import { Redis } from 'ioredis';
import { describeWith, redisUrl } from '@strata/test-env';
import { connectRedisStatusStore, purgePrefix } from './redis.js';

/*
 * `purge` must survive the key count a benchmark leaves behind: with KEYS + one DEL of every key
 * as arguments, 40,000 keys overflowed the call stack. It now SCANs and UNLINKs in batches.
 */
// Writing 40,000 keys takes a second on an idle machine, several on a loaded one.
jest.setTimeout(60_000);

describeWith('REDIS', 'Redis status cache purge', () => {
  const redis = new Redis(redisUrl(), { lazyConnect: true });
  const run = Math.random().toString(36).slice(2, 10);
  afterAll(async () => {
    await purgePrefix(redis, `strata_t_${run}`);
    redis.disconnect();
  });

  const fill = async (prefix: string, n: number): Promise<void> => {
    for (let from = 0; from < n; from += 5000) {
      const pipeline = redis.pipeline();
      for (let i = from; i < Math.min(n, from + 5000); i++) pipeline.set(`${prefix}order:${i}`, '{"version":1}', 'PX', 600_000);
      await pipeline.exec();
    }
  };
  // SCAN may return a key more than once (while the keyspace rehashes): count distinct keys.
  const count = async (pattern: string): Promise<number> => {
    const seen = new Set<string>();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      cursor = next;
      for (const k of keys) seen.add(k);
    } while (cursor !== '0');
    return seen.size;
  };

  it('deletes 40,001 keys under the prefix and nothing else', async () => {
    const prefix = `strata_t_${run}:big:`;
    const neighbour = `strata_t_${run}:bigger:`;
    await fill(prefix, 40_001);
    await fill(neighbour, 3);
    const cache = connectRedisStatusStore(redisUrl(), { ttlMs: 60_000, prefix });
    try {
      await cache.purge();
    } finally {
      await cache.close();
    }
    expect(await count(`${prefix}*`)).toBe(0);
    expect(await count(`${neighbour}*`)).toBe(3);
  });

  it('matches the prefix literally: glob characters in it select nothing else', async () => {
    const prefix = `strata_t_${run}:g[a]*?:`;
    const lookalike = `strata_t_${run}:ga-x:`;
    await fill(prefix, 5);
    await fill(lookalike, 5);
    expect(await purgePrefix(redis, prefix, 2)).toBe(5);
    expect(await count(`strata_t_${run}:ga-x:*`)).toBe(5);
  });
});
