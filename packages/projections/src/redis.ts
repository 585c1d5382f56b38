/** `@strata/projections/redis`: the order-status cache on Redis (ElastiCache on AWS). */
import { Redis } from 'ioredis';
import type { OrderStatusEntry } from './queries.js';
import type { StatusStore } from './cache/statusCache.js';

// Compare-and-set by version in one round trip: a replayed or late write never moves an entry back.
const PUT_IF_NEWER = `
local cur = redis.call('GET', KEYS[1])
if cur then
  local ok, doc = pcall(cjson.decode, cur)
  if ok and tonumber(doc.version) >= tonumber(ARGV[2]) then return 0 end
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[3])
return 1`;

/** A status store on Redis: one JSON value per order under `<prefix>order:<id>`, with a TTL. */
export const redisStatusStore = (redis: Redis, options: { ttlMs: number; prefix?: string }): StatusStore => {
  const prefix = options.prefix ?? 'strata:status:';
  const key = (orderId: string) => `${prefix}order:${orderId}`;
  return {
    async getMany(ids) {
      const out = new Map<string, OrderStatusEntry>();
      if (ids.length === 0) return out;
      const values = await redis.mget(...ids.map(key));
      ids.forEach((id, i) => {
        const v = values[i];
        if (typeof v === 'string') out.set(id, JSON.parse(v) as OrderStatusEntry);
      });
      return out;
    },
    async putIfNewer(entries) {
      if (entries.length === 0) return;
      const pipeline = redis.pipeline();
      for (const e of entries) pipeline.eval(PUT_IF_NEWER, 1, key(e.orderId), JSON.stringify(e), String(e.version), String(options.ttlMs));
      const results = await pipeline.exec();
      const failed = results?.find(([err]) => err !== null);
      if (failed !== undefined) throw failed[0];
    },
    async getCheckpoint(projection) {
      return (await redis.get(`${prefix}checkpoint:${projection}`)) ?? undefined;
    },
    async setCheckpoint(projection, position) {
      await redis.set(`${prefix}checkpoint:${projection}`, position);
    },
  };
};

/** Keys deleted per UNLINK (and asked for per SCAN step). */
const PURGE_BATCH = 1000;

/** `*`, `?`, `[`, `]` and `\` are glob syntax in MATCH; a prefix is matched literally. */
const globLiteral = (s: string): string => s.replace(/[*?[\]\\]/g, (ch) => `\\${ch}`);

/**
 * Deletes every key under `prefix` and returns how many it deleted. SCAN (not KEYS, which blocks
 * a shared Redis for the whole keyspace walk) and UNLINK in batches of at most `PURGE_BATCH`
 * arguments (a bench leaves 40,000+ keys: one call with that many arguments overflows the stack,
 * and DEL of that many values blocks the server while it frees them).
 */
export const purgePrefix = async (redis: Redis, prefix: string, batch = PURGE_BATCH): Promise<number> => {
  let deleted = 0;
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${globLiteral(prefix)}*`, 'COUNT', batch);
    cursor = next;
    for (let i = 0; i < keys.length; i += batch) deleted += await redis.unlink(...keys.slice(i, i + batch));
  } while (cursor !== '0');
  return deleted;
};

/** A status store on its own Redis connection (for the composition root and the bench); `close` ends it. */
export const connectRedisStatusStore = (
  url: string,
  options: { ttlMs: number; prefix?: string },
): { store: StatusStore; close: () => Promise<void>; purge: () => Promise<void> } => {
  const redis = new Redis(url);
  const store = redisStatusStore(redis, options);
  const prefix = options.prefix ?? 'strata:status:';
  return {
    store,
    async close() {
      await redis.quit();
    },
    /** Deletes every key under the prefix: throw-away runs (bench, tests) leave nothing behind. */
    purge: async () => {
      await purgePrefix(redis, prefix);
    },
  };
};
