/**
 * The read side of one process: the relational read model, the order-status cache and the local
 * lake writer, each with the sink that keeps it current from the change feed.
 */
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Redis } from 'ioredis';
import type { ChangeFeed } from '@strata/events';
import { createSqlReadModel, createStatusCache, memoryStatusStore, type OrderStatusCache, type ProjectionSink, type SqlExecutor, type SqlReadModel, type StatusStore } from '@strata/projections';
import { redisStatusStore } from '@strata/projections/redis';
import type { LakeWriter } from '@strata/projections/lake';
import type { Config } from './config.js';
import { redact } from './config.js';

export interface ReadSide {
  readonly readModel: SqlReadModel;
  /** What `GET /cached/…` reads: the cache, falling back to (and refilling from) the relational model. */
  readonly statusReader: OrderStatusCache;
  /** The cache's sink when this process keeps one; `shared` when every process reads the same (Redis). */
  readonly statusSink?: { readonly sink: ProjectionSink; readonly shared: boolean };
  readonly lake?: LakeWriter;
  readonly describe: readonly string[];
  close(): Promise<void>;
}

const CACHE_TTL_MS = 15 * 60_000;

export const openReadSide = async (
  config: Config,
  readDb: SqlExecutor,
  o: { readonly fence?: (tx: SqlExecutor) => Promise<void>; readonly lake: boolean; readonly feed: ChangeFeed; readonly singleProcess: boolean; readonly pollMs?: number },
): Promise<ReadSide> => {
  const closers: Array<() => Promise<void>> = [];
  const describe: string[] = [];
  const readModel = createSqlReadModel({ db: readDb, ...(o.fence ? { fence: o.fence } : {}), ...(o.pollMs === undefined ? {} : { pollMs: o.pollMs }) });
  await readModel.migrate();

  // The order-status cache (the seed's "cache check" route). Redis is shared by every process and
  // kept by one leased consumer. An in-memory cache belongs to one process: it starts empty and at
  // the feed's head (a miss falls back to the relational model and refills), never by replaying
  // the history. With several processes and no Redis there is no cache: reads go to the model.
  let statusReader: OrderStatusCache;
  let statusSink: ReadSide['statusSink'];
  if (config.cache.kind === 'redis') {
    const redis = new Redis(config.cache.url, { lazyConnect: true, maxRetriesPerRequest: 2 });
    await redis.connect();
    closers.push(async () => void redis.disconnect());
    const cache = createStatusCache({ store: redisStatusStore(redis, { ttlMs: CACHE_TTL_MS, prefix: 'strata:' }), fallback: readModel.queries });
    statusReader = cache.reader;
    statusSink = { sink: cache.sink, shared: true };
    describe.push(`cache: Redis ${redact(config.cache.url)}`);
  } else if (o.singleProcess) {
    const store = memoryStatusStore({ ttlMs: CACHE_TTL_MS });
    const head = await o.feed.head?.();
    if (head !== undefined) await store.setCheckpoint('status-cache', head);
    const cache = createStatusCache({ store, fallback: readModel.queries });
    statusReader = cache.reader;
    statusSink = { sink: cache.sink, shared: false };
    describe.push('cache: in memory (starts at the feed head; misses read the relational model)');
  } else {
    const noStore: StatusStore = { getMany: async () => new Map(), putIfNewer: async () => undefined, getCheckpoint: async () => undefined, setCheckpoint: async () => undefined };
    statusReader = createStatusCache({ store: noStore, fallback: readModel.queries }).reader;
    describe.push('cache: none (several processes and no REDIS_URL: status reads go to the relational model)');
  }

  // Data lake: Parquet files in the lake folder (Firehose → S3 on AWS).
  let lake: LakeWriter | undefined;
  if (o.lake) {
    const { createLakeWriter } = await import('@strata/projections/lake');
    await mkdir(resolve(config.lakeDir), { recursive: true });
    lake = await createLakeWriter({ root: resolve(config.lakeDir), flushRows: 500 });
    closers.push(async () => {
      await lake?.flush();
      await lake?.close();
    });
    describe.push(`lake: Parquet in ${config.lakeDir} (DuckDB warehouse)`);
  }

  return {
    readModel,
    statusReader,
    ...(statusSink ? { statusSink } : {}),
    ...(lake ? { lake } : {}),
    describe,
    async close() {
      for (const c of closers.reverse()) await c();
    },
  };
};
