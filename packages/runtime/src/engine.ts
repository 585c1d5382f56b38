/**
 * The composition root: turns a `Config` into running parts — event store and change feed, read
 * models and their consumers, the bus and the payment saga, identity, and the HTTP app.
 */
import { mkdir, readFile, writeFile, rename } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { PGlite } from '@electric-sql/pglite';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { Redis } from 'ioredis';
import type { Hono } from 'hono';
import { FEED_START, type ChangeFeed, type EventStore } from '@strata/events';
import { createMemoryEventStore, createWriteModel, type WriteModel } from '@strata/write-model';
import { createPostgresEventStore } from '@strata/write-model/postgres';
import { createDynamoEventStore, createDynamoStreamsFeed, ensureEventTable } from '@strata/write-model/dynamodb';
import {
  createCatchUpConsumer,
  createSqlReadModel,
  createStatusCache,
  lagToPrometheus,
  measureLag,
  memoryStatusStore,
  type CatchUpConsumer,
  type ProjectionSink,
  type SqlExecutor,
  type SqlReadModel,
} from '@strata/projections';
import { pgExecutor } from '@strata/projections/postgres';
import { redisStatusStore } from '@strata/projections/redis';
import type { LakeWriter } from '@strata/projections/lake';
import {
  createApi,
  createFileUserStore,
  createLocalIdentity,
  createMemoryIdempotencyStore,
  createMemoryRateLimiter,
  loadOrCreateSigningKeys,
  type ApiDeps,
  type ApiEnv,
  type ReadinessReport,
} from '@strata/api';
import { createCognitoIdentityProvider, createCognitoVerifier } from '@strata/api/identity/cognito';
import type { Config } from './config.js';
import { redact } from './config.js';
import type { Logger } from './logger.js';
import { createWorkflows, type Workflows } from './workflows.js';
import { coalesceReads } from './feed.js';
import { deadLetterRoutes, localWarehouse } from './web.js';

export interface Engine {
  readonly config: Config;
  readonly app: Hono<ApiEnv>;
  readonly eventStore: EventStore;
  readonly feed: ChangeFeed;
  readonly writeModel: WriteModel;
  readonly readModel: SqlReadModel;
  /** The relational read model's database (rebuilds write a shadow schema in it). */
  readonly readDb: SqlExecutor;
  /** Every consumer of the change feed: read models first, then the bus (side effects). */
  readonly consumers: readonly { readonly name: string; readonly consumer: CatchUpConsumer; readonly sink: ProjectionSink }[];
  readonly workflows: Workflows;
  /** Sign-up, sign-in and role grants (operators: `strata grant`). */
  readonly identity: ApiDeps['identity'];
  /** One line per part: what runs where (for the start-up banner). */
  readonly parts: readonly string[];
  /** Starts polling the change feed, the saga and the simulated provider. */
  startBackground(): Promise<void>;
  /** Drains every consumer once (tests, CLI). */
  catchUp(): Promise<void>;
  close(): Promise<void>;
}

export interface EngineOptions {
  /** Issuer of local tokens; the runtime passes its public URL. */
  readonly issuer?: string;
  /** Start the saga, the bus and the simulated provider (false for one-shot CLI commands). */
  readonly workflows?: boolean;
  /** Write the local Parquet lake (false on Lambda, where Firehose writes S3). */
  readonly lake?: boolean;
  /** The caller's address for rate limiting without a token (the Node host passes the socket's). */
  readonly clientIp?: NonNullable<ApiDeps['options']>['clientIp'];
}

interface StoreParts {
  readonly store: EventStore;
  readonly feed: ChangeFeed;
  readonly readDb: SqlExecutor;
  readonly describe: string[];
  readonly close: () => Promise<void>;
}

/** Event store, change feed and the relational read model's database, per configuration. */
const openStores = async (config: Config): Promise<StoreParts> => {
  const c = config.store;
  if (c.kind === 'pglite' || (c.kind !== 'postgres' && config.readModel.kind === 'pglite')) await mkdir(resolve(config.dataDir), { recursive: true });
  // PGlite is one embedded session: the event store and the read model share it when both live there.
  let lite: PGlite | undefined;
  const sharedLite = async (): Promise<PGlite> => {
    // Imported on demand: only the embedded configuration loads PGlite (WASM). The Lambda bundles
    // mark PGlite and DuckDB external (infra/src/strataFunction.ts); on AWS these paths never run.
    const { PGlite } = await import('@electric-sql/pglite');
    lite ??= await PGlite.create(config.readModel.kind === 'memory' ? undefined : join(resolve(config.dataDir), 'pg'));
    return lite;
  };
  const readDb = async (): Promise<SqlExecutor> =>
    config.readModel.kind === 'postgres' ? pgExecutor(config.readModel.url) : (await import('@strata/projections/pglite')).pgliteExecutor(await sharedLite());
  const readDesc = config.readModel.kind === 'postgres' ? `read model: PostgreSQL ${redact(config.readModel.url)}` : config.readModel.kind === 'pglite' ? `read model: PGlite in ${join(config.dataDir, 'pg')}` : 'read model: PGlite in memory';

  switch (c.kind) {
    case 'pglite': {
      const db = await sharedLite();
      const { createPgliteEventStore } = await import('@strata/write-model/pglite');
      const store = await createPgliteEventStore({ db });
      const r = await readDb();
      return { store, feed: store, readDb: r, describe: [`event store: PGlite in ${join(config.dataDir, 'pg')}`, readDesc], close: async () => { await r.close(); await store.close(); await db.close(); } };
    }
    case 'postgres': {
      const store = await createPostgresEventStore({ connectionString: c.url });
      const r = await readDb();
      return { store, feed: store, readDb: r, describe: [`event store: PostgreSQL ${redact(c.url)}`, readDesc], close: async () => { await r.close(); await store.close(); await lite?.close(); } };
    }
    case 'memory': {
      const store = createMemoryEventStore();
      const r = await readDb();
      return { store, feed: store, readDb: r, describe: ['event store: memory (lost on exit)', readDesc], close: async () => { await r.close(); await lite?.close(); } };
    }
    case 'dynamodb': {
      const clientConfig = { region: c.region, ...(c.endpoint ? { endpoint: c.endpoint } : {}) };
      const client = new DynamoDBClient(clientConfig);
      // On AWS the CDK app owns the table (the functions may not create tables): only look it up.
      // Against DynamoDB Local (an endpoint), create it when missing.
      const streamArn = c.endpoint
        ? (await ensureEventTable(client, c.tableName)).streamArn
        : (await client.send(new DescribeTableCommand({ TableName: c.tableName }))).Table?.LatestStreamArn;
      if (!streamArn) throw new Error(`DynamoDB table ${c.tableName} has no stream; enable Streams (NEW_IMAGE)`);
      // The command handler has just read the stream it appends to, so the store may trust the
      // expected hash: one conditional PutItem per command (decision 0001).
      const store = createDynamoEventStore({ client, tableName: c.tableName, trustExpectedHash: true });
      const streamsClient = new DynamoDBStreamsClient(clientConfig);
      const feed = createDynamoStreamsFeed({ streamsClient, streamArn });
      const r = await readDb();
      return {
        store,
        feed,
        readDb: r,
        describe: [`event store: DynamoDB table ${c.tableName}${c.endpoint ? ` at ${c.endpoint}` : ''} (Streams feed)`, readDesc],
        close: async () => { await r.close(); await store.close(); client.destroy(); streamsClient.destroy(); await lite?.close(); },
      };
    }
  }
};

/** A feed checkpoint in a small file, written atomically (for sinks that have no table of their own). */
const fileCheckpoint = (file: string) => ({
  async get(): Promise<string> {
    try {
      return (await readFile(file, 'utf8')).trim();
    } catch {
      return FEED_START;
    }
  },
  async set(position: string): Promise<void> {
    const tmp = `${file}.${randomUUID()}.tmp`;
    await writeFile(tmp, position);
    await rename(tmp, file);
  },
});

export const buildEngine = async (config: Config, logger: Logger, options: EngineOptions = {}): Promise<Engine> => {
  const closers: Array<() => Promise<void>> = [];
  const stores = await openStores(config);
  closers.push(stores.close);
  const parts = [...stores.describe];
  const feed = coalesceReads(stores.feed);
  // Every commit made in this process wakes the consumers at once (instead of waiting for their
  // next poll), so read-your-writes and the saga see new events within a page read.
  let pokeConsumers = (): void => undefined;
  const eventStore: EventStore = {
    append: async (request) => {
      const result = await stores.store.append(request);
      if (!result.duplicate) pokeConsumers();
      return result;
    },
    readStream: (streamId, opts) => stores.store.readStream(streamId, opts),
    close: () => stores.store.close(),
  };
  const writeModel = createWriteModel({ eventStore });

  const readModel = createSqlReadModel({ db: stores.readDb });
  await readModel.migrate();

  // Order-status cache (the seed's "cache check" route).
  const ttlMs = 15 * 60_000;
  let statusStore = memoryStatusStore({ ttlMs });
  if (config.cache.kind === 'redis') {
    const redis = new Redis(config.cache.url, { lazyConnect: true, maxRetriesPerRequest: 2 });
    await redis.connect();
    closers.push(async () => void redis.disconnect());
    statusStore = redisStatusStore(redis, { ttlMs, prefix: 'strata:' });
    parts.push(`cache: Redis ${redact(config.cache.url)}`);
  } else parts.push('cache: in memory');
  const statusCache = createStatusCache({ store: statusStore, fallback: readModel.queries });

  // Data lake: Parquet files in the local lake folder (Firehose → S3 on AWS).
  const persistent = config.store.kind !== 'memory';
  let lake: LakeWriter | undefined;
  if (persistent && options.lake !== false) {
    const { createLakeWriter } = await import('@strata/projections/lake');
    await mkdir(resolve(config.lakeDir), { recursive: true });
    lake = await createLakeWriter({ root: resolve(config.lakeDir), flushRows: 500 });
    closers.push(async () => { await lake?.flush(); await lake?.close(); });
    parts.push(`lake: Parquet in ${config.lakeDir} (DuckDB warehouse)`);
  }
  const warehouse = lake ? localWarehouse(resolve(config.lakeDir), lake) : undefined;
  if (warehouse) closers.push(() => warehouse.close());

  const workflows = await createWorkflows({
    config,
    logger,
    writeModel,
    enabled: options.workflows ?? true,
    unsettledOrders: async () => {
      const s = `"${readModel.schema}"`;
      const rows = await stores.readDb.query<{ order_id: string }>(
        `select o.order_id from ${s}.orders o left join ${s}.payments p on p.order_id = o.order_id
          where o.status <> 'cancelled' and (p.status is null or p.status in ('requested', 'authorized'))
             or o.status = 'cancelled' and p.status in ('requested', 'authorized')`,
      );
      return rows.map((r) => r.order_id);
    },
    expiredHolds: (now, limit) => readModel.expiredHolds(now, limit),
  });
  closers.push(workflows.close);
  parts.push(...workflows.describe);

  // Consumers: read models first; the bus last (its side effects never run in a replay).
  const busCheckpoint = persistent ? fileCheckpoint(join(resolve(config.dataDir), 'bus.checkpoint')) : undefined;
  let busPosition: string = FEED_START;
  const busSink: ProjectionSink = {
    name: 'bus',
    async apply(events, checkpoint) {
      await workflows.publish(events);
      if (checkpoint !== undefined) {
        busPosition = checkpoint;
        await busCheckpoint?.set(checkpoint);
      }
    },
    async checkpoint() {
      return busCheckpoint ? busCheckpoint.get() : busPosition;
    },
  };
  const sinks: ProjectionSink[] = [readModel.sink, statusCache.sink, ...(lake ? [lake.sink] : []), ...(options.workflows === false ? [] : [busSink])];
  const consumers = sinks.map((sink) => ({
    name: sink.name,
    sink,
    consumer: createCatchUpConsumer({
      feed,
      sink,
      deadLetters: readModel.deadLetters,
      idleMs: 20,
      onError: (err) => logger.error('projection batch failed; retrying from its checkpoint', { projection: sink.name, err }),
      onBatch: (r) => {
        if (r.deadLettered > 0) logger.warn('events dead-lettered', { projection: sink.name, count: r.deadLettered });
      },
    }),
  }));
  pokeConsumers = () => {
    for (const c of consumers) c.consumer.poke();
  };
  // Lake files are flushed on a timer too, so analysts see recent events without waiting for 500.
  let lakeTimer: NodeJS.Timeout | undefined;

  // Identity: the local issuer (keys and users in the data folder) or Cognito.
  let identityDeps: Pick<ApiDeps, 'identity' | 'verifier' | 'jwks'>;
  if (config.identity.kind === 'cognito') {
    identityDeps = {
      identity: createCognitoIdentityProvider({
        client: new CognitoIdentityProviderClient({ region: config.identity.region }),
        userPoolId: config.identity.userPoolId,
        clientId: config.identity.clientId,
      }),
      verifier: createCognitoVerifier({ userPoolId: config.identity.userPoolId, clientId: config.identity.clientId }),
    };
    parts.push(`identity: Cognito ${config.identity.userPoolId}`);
  } else {
    const dir = join(resolve(config.dataDir), 'identity');
    await mkdir(dir, { recursive: true });
    const local = createLocalIdentity({
      users: await createFileUserStore(join(dir, 'users.json')),
      keys: await loadOrCreateSigningKeys(dir),
      issuer: options.issuer ?? `http://localhost:${config.port}`,
      audience: 'strata',
      clock: () => new Date(),
      newId: randomUUID,
    });
    identityDeps = { identity: local.provider, verifier: local.verifier, jwks: local.jwks };
    parts.push(`identity: local issuer (keys and users in ${join(config.dataDir, 'identity')})`);
  }

  const ready = async (): Promise<ReadinessReport> => {
    const checks: Record<string, { ok: boolean; detail?: string }> = {};
    try {
      await eventStore.readStream('Health-probe', { limit: 1 });
      checks.eventStore = { ok: true };
    } catch (e) {
      checks.eventStore = { ok: false, detail: (e as Error).name };
    }
    try {
      const lags = await measureLag(feed, sinks, { probeLimit: 1000 });
      for (const l of lags) checks[`projection:${l.projection}`] = { ok: true, detail: `${l.eventsBehind}${l.capped ? '+' : ''} events, ${l.msBehind} ms behind` };
    } catch (e) {
      checks.projections = { ok: false, detail: (e as Error).name };
    }
    return { ok: Object.values(checks).every((c) => c.ok), checks };
  };

  const app = createApi({
    writeModel,
    queries: readModel.queries,
    statusCache: statusCache.reader,
    ...identityDeps,
    idempotency: createMemoryIdempotencyStore({ clock: () => new Date() }),
    rateLimiter: createMemoryRateLimiter({ capacity: config.rateLimitPerMinute, refillPerSecond: config.rateLimitPerMinute / 60, clock: () => new Date() }),
    ready,
    ...(warehouse ? { warehouse } : {}),
    clock: () => new Date(),
    newId: randomUUID,
    logger,
    options: { corsOrigins: config.corsOrigins, readYourWritesTimeoutMs: config.readYourWritesMs, ...(options.clientIp ? { clientIp: options.clientIp } : {}) },
  });
  app.get('/metrics', async (c) => c.text(lagToPrometheus(await measureLag(feed, sinks)), 200, { 'content-type': 'text/plain; version=0.0.4' }));
  deadLetterRoutes(app, { deadLetters: readModel.deadLetters, sinks: () => sinks });

  let started = false;
  return {
    config,
    app,
    eventStore,
    feed,
    writeModel,
    readModel,
    readDb: stores.readDb,
    consumers,
    workflows,
    identity: identityDeps.identity,
    parts,
    async startBackground() {
      if (started) return;
      started = true;
      await workflows.start();
      for (const c of consumers) c.consumer.start();
      if (lake) {
        lakeTimer = setInterval(() => void lake?.flush().catch((err: unknown) => logger.error('lake flush failed', { err })), 5_000);
        lakeTimer.unref();
      }
    },
    async catchUp() {
      for (const c of consumers) await c.consumer.runUntilCaughtUp();
    },
    async close() {
      if (lakeTimer) clearInterval(lakeTimer);
      await Promise.all(consumers.map((c) => c.consumer.stop()));
      for (const close of closers.reverse()) {
        try {
          await close();
        } catch (err) {
          logger.warn('error while closing', { err });
        }
      }
    },
  };
};
