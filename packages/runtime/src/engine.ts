/**
 * The composition root: wiring only. Turns a `Config` into running parts — stores (`stores.ts`),
 * the read side (`readSide.ts`), the side-effect half (`workflows.ts`), identity (`identity.ts`)
 * and the HTTP app — and, per the process's roles, the leased consumers (`consumers.ts`).
 */
import { join, resolve } from 'node:path';
import type { Hono } from 'hono';
import type { ChangeFeed, EventStore } from '@strata/events';
import { createWriteModel, type WriteModel } from '@strata/write-model';
import {
  ENGINE_SCHEMA,
  fileCheckpoint,
  orderVersionsOf,
  lagToPrometheus,
  measureLag,
  migrateEngineSchema,
  partitionFeed,
  sideEffectSink,
  sqlCheckpoint,
  sqlLeaseStore,
  createCatchUpConsumer,
  type CatchUpConsumer,
  type CheckpointStore,
  type LeaseGrant,
  type LeaseRow,
  type ProjectionSink,
  type SqlExecutor,
  type SqlReadModel,
} from '@strata/projections';
import { createApi, createMemoryIdempotencyStore, createMemoryRateLimiter, createSqlIdempotencyStore, type ApiDeps, type ApiEnv, type ReadinessReport } from '@strata/api';
import { createSqlOutboxNotifier } from '@strata/workflows/notifications/notifier.sql';
import { createPgSignals } from '@strata/projections/signals.postgres';
import type { Config, Role } from './config.js';
import type { Logger } from './logger.js';
import { createWorkflows, type Workflows } from './workflows.js';
import { coalesceReads } from './feed.js';
import { openStores } from './stores.js';
import { openReadSide } from './readSide.js';
import { createIdentity } from './identity.js';
import { newHolderId, runConsumers, type ConsumerSpec, type RunningConsumers } from './consumers.js';
import { createAdminOperations } from './admin.js';
import { localWarehouse } from './web.js';
import { startTelemetry, type Telemetry } from './telemetry/telemetry.js';

export interface Engine {
  readonly config: Config;
  readonly app: Hono<ApiEnv>;
  readonly eventStore: EventStore;
  readonly feed: ChangeFeed;
  readonly writeModel: WriteModel;
  readonly readModel: SqlReadModel;
  /** The relational read model's database (rebuilds write a shadow schema in it). */
  readonly readDb: SqlExecutor;
  /** Every consumer of the change feed, unleased (tests, the CLI, the Streams Lambda): read models first, then the bus. */
  readonly consumers: readonly { readonly name: string; readonly consumer: CatchUpConsumer; readonly sink: ProjectionSink }[];
  readonly workflows: Workflows;
  /** Sign-up, sign-in and role grants (operators: `strata grant`). */
  readonly identity: ApiDeps['identity'];
  /** The roles this process runs. */
  readonly roles: ReadonlySet<Role>;
  /** One line per part: what runs where (for the start-up banner). */
  readonly parts: readonly string[];
  /** Spans and counters (issue 17): the wrappers applied to this engine's ports. */
  readonly telemetry: Telemetry;
  /** This process's leases (empty until `startBackground`) and every lease in the database. */
  leases(): Promise<{ readonly holder?: string; readonly held: readonly string[]; readonly all: readonly LeaseRow[] }>;
  /** Starts the consumers of this process's roles (leased when shared), the saga and the sweep. */
  startBackground(): Promise<void>;
  /** Drains every consumer once, unleased (tests, CLI). */
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
  /** Where counters go: prom-client for `/metrics` by default; CloudWatch EMF on Lambda. */
  readonly telemetry?: Telemetry;
}

const FEED_SIGNAL = 'strata_feed';
const READ_SIGNAL = 'strata_read';

/** How long a command waits for the read model while it replays events from before start. */
const STARTUP_WAIT_MS = 30_000;

/** Whether this engine is one of several processes sharing the database. */
const sharedDeployment = (config: Config): boolean => config.processes > 1 || config.workers > 0 || config.roles.size < 2;

export const buildEngine = async (config: Config, logger: Logger, options: EngineOptions = {}): Promise<Engine> => {
  const closers: Array<() => Promise<void>> = [];
  const stores = await openStores(config);
  closers.push(stores.close);
  const parts = [...stores.describe];
  const feed = coalesceReads(stores.feed);
  const roles = config.roles;
  const single = !sharedDeployment(config);

  // Several processes on PostgreSQL wake each other with LISTEN/NOTIFY instead of polling fast:
  // a commit wakes the workers' consumers, a read-model page wakes the api processes' waiters.
  const signals = !single && config.store.kind === 'postgres' ? await createPgSignals(config.store.url, (err) => logger.warn('signal connection failed', { err })) : undefined;
  if (signals) closers.push(() => signals.close());
  // Every commit made in this process wakes its consumers at once (instead of at their next poll).
  let pokeConsumers = (): void => undefined;
  const eventStore: EventStore = {
    append: async (request) => {
      const result = await stores.store.append(request);
      if (!result.duplicate) {
        pokeConsumers();
        signals?.notify(FEED_SIGNAL);
      }
      return result;
    },
    readStream: (streamId, opts) => stores.store.readStream(streamId, opts),
    close: () => stores.store.close(),
  };
  const telemetry = options.telemetry ?? (await startTelemetry());
  const obs = telemetry.instruments;
  const writeModel = obs.writeModel(createWriteModel({ eventStore: obs.eventStore(eventStore) }));

  // Leases and the checkpoints of consumers without a table of their own (strata_engine schema).
  await migrateEngineSchema(stores.readDb);
  const leaseStore = sqlLeaseStore(stores.readDb);
  // The last grant of a lease is kept (never cleared): a write after the lease moved on is refused
  // by the database because the token is stale. Before any grant (CLI, Lambda) nothing is fenced.
  const grants = new Map<string, LeaseGrant>();
  const fenceFor = (name: string) => async (tx: SqlExecutor) => {
    const grant = grants.get(name);
    if (grant !== undefined) await leaseStore.fence(tx, grant);
  };

  const persistent = config.store.kind !== 'memory';
  const read = await openReadSide(config, stores.readDb, { fence: fenceFor('relational'), lake: persistent && options.lake !== false && roles.has('workers'), feed, singleProcess: single, ...(signals ? { pollMs: 500 } : {}) });
  closers.push(() => read.close());
  parts.push(...read.describe);
  const { readModel } = read;
  // The dashboards' warehouse: DuckDB over the lake folder (an api-only process reads what the workers wrote).
  const warehouse = persistent && options.lake !== false ? localWarehouse(resolve(config.lakeDir), read.lake ?? { flush: async () => undefined }) : undefined;
  if (warehouse) closers.push(() => warehouse.close());
  const deadLetters = obs.deadLetters(readModel.deadLetters);

  const notifier =
    config.store.kind === 'postgres' ? { notifier: await createSqlOutboxNotifier(stores.readDb, ENGINE_SCHEMA), describe: `outbox table ${ENGINE_SCHEMA}.outbox` } : undefined;
  const workflowsOn = (options.workflows ?? true) && roles.has('workers');
  const workflows = await createWorkflows({
    config,
    logger,
    writeModel,
    enabled: workflowsOn,
    unsettledOrders: () => readModel.unsettledOrders(),
    expiredHolds: (now, limit) => readModel.expiredHolds(now, limit),
    ...(notifier ? { notifier } : {}),
    instruments: obs,
  });
  closers.push(workflows.close);
  parts.push(...workflows.describe);

  // Consumers: read models first; the bus last (its side effects never run in a replay). The bus
  // is split into partitions by stream hash, each leased on its own, so workers share the saga.
  const legacyBus = persistent ? fileCheckpoint(join(resolve(config.dataDir), 'bus.checkpoint')) : undefined;
  const busCheckpoint = (name: string): CheckpointStore => {
    const inDb = sqlCheckpoint(stores.readDb, name, { fence: fenceFor(name) });
    // A data folder from before checkpoints moved into the database resumes where its file says.
    return { get: async () => (await inDb.get()) ?? (await legacyBus?.get()), set: (p) => inDb.set(p) };
  };
  const partitions = single ? 1 : config.partitions;
  const busSpecs: ConsumerSpec[] = workflowsOn
    ? Array.from({ length: partitions }, (_, i) => {
        const name = partitions === 1 ? 'bus' : `bus-${i + 1}-of-${partitions}`;
        return { name, leased: true, feed: partitionFeed(feed, i, partitions), sink: sideEffectSink(name, (events) => workflows.publish(events), busCheckpoint(name)) };
      })
    : [];
  let lakeTimer: NodeJS.Timeout | undefined;
  const lake = read.lake;
  // The relational page tells the other processes which order versions it applied.
  const relationalSink: ProjectionSink = signals
    ? {
        name: readModel.sink.name,
        checkpoint: () => readModel.sink.checkpoint(),
        async apply(events, checkpoint) {
          await readModel.sink.apply(events, checkpoint);
          const versions = orderVersionsOf(events);
          if (versions.size > 0) signals.notify(READ_SIGNAL, [...versions].map(([id, v]) => `${id}:${v}`).join(','));
        },
      }
    : readModel.sink;
  const specs: ConsumerSpec[] = ([
    { name: 'relational', leased: true, feed, sink: relationalSink },
    ...(read.statusSink ? [{ name: read.statusSink.sink.name, leased: read.statusSink.shared, feed, sink: read.statusSink.sink }] : []),
    ...(lake
      ? [{
          name: 'lake',
          leased: true,
          feed,
          sink: lake.sink,
          // Lake files are flushed on a timer too, so analysts see recent events without waiting for 500 rows.
          onAcquired: () => {
            lakeTimer = setInterval(() => void lake.flush().catch((err: unknown) => logger.error('lake flush failed', { err })), 5_000);
            lakeTimer.unref();
          },
          onLost: () => clearInterval(lakeTimer),
        } satisfies ConsumerSpec]
      : []),
    ...busSpecs,
  ] as ConsumerSpec[]).map((s) => ({ ...s, sink: obs.sink(s.sink) }));
  const consumers = specs.map((s) => ({
    name: s.name,
    sink: s.sink,
    consumer: createCatchUpConsumer({ feed: s.feed, sink: s.sink, deadLetters, idleMs: 20 }),
  }));

  const identity = await createIdentity(config, stores.readDb, options.issuer ?? config.publicUrl ?? `http://localhost:${config.port}`);
  parts.push(identity.describe);

  // Readiness: the store answers, and the read model that commands wait on has caught up with the
  // events that existed when this process started (so a 201 is never followed by a 404).
  const startedAt = new Date().toISOString();
  let caughtUpAtStart = false;
  const relationalCaughtUp = async (): Promise<{ ok: boolean; detail: string }> => {
    if (caughtUpAtStart) return { ok: true, detail: 'caught up with the store as of start' };
    const page = await feed.readFeed(await readModel.sink.checkpoint(), 1);
    const next = page.events[0];
    caughtUpAtStart = next === undefined || next.occurredAt >= startedAt;
    return caughtUpAtStart ? { ok: true, detail: 'caught up with the store as of start' } : { ok: false, detail: `replaying events from before start (at ${next?.occurredAt ?? "?"})` };
  };
  let running: RunningConsumers | undefined;
  const ready = async (): Promise<ReadinessReport> => {
    const checks: Record<string, { ok: boolean; detail?: string }> = {};
    try {
      await eventStore.readStream('Health-probe', { limit: 1 });
      checks.eventStore = { ok: true };
    } catch (e) {
      checks.eventStore = { ok: false, detail: (e as Error).name };
    }
    try {
      checks['read-model'] = await relationalCaughtUp();
      const lags = await measureLag(feed, specs.map((s) => s.sink), { probeLimit: 1000 });
      for (const l of lags) checks[`projection:${l.projection}`] = { ok: true, detail: `${l.eventsBehind}${l.capped ? '+' : ''} events, ${l.msBehind} ms behind` };
    } catch (e) {
      checks.projections = { ok: false, detail: (e as Error).name };
    }
    checks.process = { ok: true, detail: `roles ${[...roles].join(',')}; pid ${process.pid}; leases held: ${running?.held().join(', ') || 'none'}` };
    return { ok: Object.values(checks).every((c) => c.ok), checks };
  };

  // Until the read model has caught up with the events from before start, a command waits for it
  // (bounded) instead of answering 201 for an order the next GET would not find.
  const queries = {
    ...readModel.queries,
    awaitOrderVersion: async (orderId: string, version: number, timeoutMs: number) =>
      readModel.queries.awaitOrderVersion(orderId, version, caughtUpAtStart || (await relationalCaughtUp()).ok ? timeoutMs : Math.max(timeoutMs, STARTUP_WAIT_MS)),
  };
  const app = createApi({
    writeModel,
    queries,
    products: readModel.products,
    statusCache: read.statusReader,
    ...identity.deps,
    // Several processes: a retry may land on another one, so the replies are shared.
    idempotency: single ? createMemoryIdempotencyStore({ clock: () => new Date() }) : await createSqlIdempotencyStore(stores.readDb),
    rateLimiter: createMemoryRateLimiter({ capacity: config.rateLimitPerMinute, refillPerSecond: config.rateLimitPerMinute / 60, clock: () => new Date() }),
    ready,
    admin: createAdminOperations({
      config,
      feed,
      readDb: stores.readDb,
      readModel,
      sinks: () => consumers.map((c) => c.sink),
      identity: identity.deps.identity,
      leases: async () => ({ process: { pid: process.pid, roles: [...roles], holder: running?.holder, held: running?.held() ?? [] }, leases: await leaseStore.list() }),
    }),
    ...(warehouse ? { warehouse } : {}),
    metrics: async () => {
      const lags = await measureLag(feed, specs.map((s) => s.sink));
      return telemetry.metrics ? telemetry.metrics(lags) : lagToPrometheus(lags);
    },
    instrument: obs.http(),
    clock: () => new Date(),
    newId: () => crypto.randomUUID(),
    logger,
    options: { corsOrigins: config.corsOrigins, readYourWritesTimeoutMs: config.readYourWritesMs, ...(options.clientIp ? { clientIp: options.clientIp } : {}) },
  });

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
    identity: identity.deps.identity,
    roles,
    parts,
    telemetry,
    async leases() {
      return { ...(running ? { holder: running.holder } : {}), held: running?.held() ?? [], all: await leaseStore.list() };
    },
    async startBackground() {
      if (running !== undefined) return;
      // An api-only process runs no consumer; its read-your-writes waits poll the shared model.
      const mine = roles.has('workers') ? specs : [];
      const tracked = mine.map((s) =>
        s.leased
          ? {
              ...s,
              onAcquired: (lease: Parameters<NonNullable<ConsumerSpec['onAcquired']>>[0]) => {
                grants.set(s.name, lease.grant);
                s.onAcquired?.(lease);
              },
            }
          : s,
      );
      if (signals && roles.has('workers')) await signals.listen(FEED_SIGNAL, () => running?.poke());
      if (signals && roles.has('api'))
        await signals.listen(READ_SIGNAL, (payload) => {
          if (payload.includes('*')) return readModel.noteAppliedElsewhere(undefined);
          const versions = new Map<string, number>();
          for (const part of payload.split(',')) {
            const at = part.lastIndexOf(':');
            if (at > 0) versions.set(part.slice(0, at), Math.max(versions.get(part.slice(0, at)) ?? 0, Number(part.slice(at + 1))));
          }
          readModel.noteAppliedElsewhere(versions);
        });
      running = runConsumers(tracked, {
        idleMs: signals ? 500 : 20,
        store: leaseStore,
        holder: newHolderId(),
        ttlMs: config.leaseTtlMs,
        deadLetters,
        logger,
        tasks: workflowsOn ? [{ name: 'saga-recovery-and-sweep', start: () => workflows.start(), stop: () => workflows.stopSweeps() }] : [],
      });
      pokeConsumers = () => running?.poke();
    },
    async catchUp() {
      for (const c of consumers) await c.consumer.runUntilCaughtUp();
    },
    async close() {
      if (lakeTimer) clearInterval(lakeTimer);
      await running?.stop();
      closers.push(() => telemetry.flush());
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
