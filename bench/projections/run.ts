/**
 * Read-side benchmark (issue 4), against PostgreSQL (DATABASE_URL, required) and Redis (REDIS_URL, optional):
 *
 * - lag: the PostgreSQL write model's append capacity is measured (8 writers, 3 s), then commands run
 *   at half of it for --seconds; a catch-up consumer per read model follows the change feed and
 *   records, per event, the time from sending the command to the event being applied;
 * - rebuild: events/s replaying --events events into the relational read model, beside the raw
 *   batched-insert rate of the same rows (one row per event, same batch size) in the same run.
 *
 *   DATABASE_URL=postgres://… tsx bench/projections/run.ts [--events N] [--seconds S]
 *   (defaults 200000 events and 30 s; --seconds 0 skips the lag case; the rebuild figure is for 1000000 events)
 *
 * Prints progress, then one JSON line per case. Uses throw-away schemas and keys, dropped at the end.
 */
import { FEED_START } from '@strata/events';
import { createCatchUpConsumer, createSqlReadModel, createStatusCache, memoryStatusStore, rebuildRelational } from '@strata/projections';
import { pgExecutor } from '@strata/projections/postgres';
import { connectRedisStatusStore } from '@strata/projections/redis';
import { createWriteModel } from '@strata/write-model';
import { createPostgresEventStore } from '@strata/write-model/postgres';
import { customerRegistered, eventWriter, memoryFeed, orderHistory, type Lifecycle } from '@strata/projections/testing';

const flag = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const target = flag('events', 200_000);
const seconds = flag('seconds', 30);
const url = process.env.DATABASE_URL;
if (url === undefined || url === '') {
  console.error('DATABASE_URL is required (the rebuild runs against PostgreSQL)');
  process.exit(2);
}
const BATCH = Number(process.env.BENCH_BATCH ?? 5_000);

if (seconds > 0) await lagBench(url, seconds);

const write = eventWriter();
const { feed, append, log } = memoryFeed();
const lifecycles: Lifecycle[] = ['placed', 'confirmed', 'shipped', 'delivered', 'cancelled', 'declined', 'refunded'];
for (let c = 0; c < 1_000; c++) append([customerRegistered(write, `c${c}`)]);
for (let i = 0; log.length < target; i++)
  append(orderHistory(write, { orderId: `o${i}`, customerId: `c${i % 1_000}`, lifecycle: lifecycles[i % 7]!, lines: [{ productId: `p${i % 50}`, quantity: 1 + (i % 3), unitPrice: 100 + i }], rating: 1 + (i % 5) }));
const events = log.length;
console.error(`generated ${events} events; rebuilding the relational read model on PostgreSQL in batches of ${BATCH}`);

const db = pgExecutor(url, { max: 4 });
const schema = `strata_bench_${Math.random().toString(36).slice(2, 8)}`;
try {
  let last = 0;
  const r = await rebuildRelational({
    db,
    feed,
    schema,
    batchSize: BATCH,
    onProgress: (p) => {
      if (p.applied - last >= 50_000 || p.applied === p.total) {
        last = p.applied;
        console.error(`  ${p.applied}/${p.total} events, ${Math.round(p.eventsPerSecond)} events/s, ETA ${Math.round(p.etaSeconds ?? 0)} s`);
      }
    },
  });

  await db.query(`create table ${schema}.raw_rows (event_id text primary key, stream_id text not null, version integer not null, payload jsonb not null)`);
  const started = performance.now();
  for (let after = FEED_START; ; ) {
    const page = await feed.readFeed(after, BATCH);
    if (page.events.length === 0) break;
    await db.query(
      `insert into ${schema}.raw_rows select * from jsonb_to_recordset($1::jsonb) as x(event_id text, stream_id text, version integer, payload jsonb)`,
      [JSON.stringify(page.events.map((e) => ({ event_id: e.eventId, stream_id: e.streamId, version: e.streamVersion, payload: e.data })))],
    );
    after = page.next;
  }
  const rawPerSecond = events / ((performance.now() - started) / 1000);
  console.error(`rebuild: ${Math.round(r.eventsPerSecond)} events/s; raw batched insert: ${Math.round(rawPerSecond)} rows/s`);
  console.log(
    JSON.stringify({
      bench: 'rebuild',
      read_model: 'postgres',
      events,
      events_per_s: Math.round(r.eventsPerSecond),
      raw_rows_per_s: Math.round(rawPerSecond),
      ratio: Number((r.eventsPerSecond / rawPerSecond).toFixed(2)),
    }),
  );
} finally {
  await db.query(`drop schema if exists ${schema} cascade`);
  await db.query(`drop schema if exists ${schema}_shadow cascade`);
  await db.close();
}

async function lagBench(databaseUrl: string, loadSeconds: number): Promise<void> {
  const tag = Math.random().toString(36).slice(2, 8);
  const store = await createPostgresEventStore({ connectionString: databaseUrl, schema: `strata_bench_ev_${tag}`, maxConnections: 8 });
  const rdb = pgExecutor(databaseUrl, { max: 4 });
  const rm = createSqlReadModel({ db: rdb, schema: `strata_bench_rm_${tag}` });
  await rm.migrate();
  const redis = process.env.REDIS_URL ? connectRedisStatusStore(process.env.REDIS_URL, { ttlMs: 600_000, prefix: `strata_bench_${tag}:` }) : undefined;
  const statusStore = redis?.store ?? memoryStatusStore({ ttlMs: 600_000 });
  const cache = createStatusCache({ store: statusStore, fallback: rm.queries });
  const wm = createWriteModel({ eventStore: store });
  let n = 0;
  const place = () => {
    n++;
    return wm.placeOrder(
      {
        orderId: `b${tag}-${n}`,
        customerId: `c${n % 100}`,
        currency: 'USD',
        items: [{ productId: 'p1', productName: 'Widget', quantity: 1, unitPrice: 100 }],
        shippingAddress: { street: '1 Main St', city: 'Springfield', zipCode: '12345', country: 'US' },
      },
      { commandId: `cmd-${tag}-${n}`, actor: { kind: 'system', id: 'bench' }, correlationId: `req-${tag}-${n}`, now: new Date().toISOString() },
    );
  };
  try {
    // Append capacity: 8 concurrent writers for 3 s.
    const capStart = performance.now();
    let done = 0;
    await Promise.all(Array.from({ length: 8 }, async () => {
      while (performance.now() - capStart < 3_000) {
        await place();
        done++;
      }
    }));
    const capacity = done / ((performance.now() - capStart) / 1000);
    const rate = capacity / 2;
    console.error(`append capacity ≈ ${Math.round(capacity)} commands/s; load at ${Math.round(rate)}/s for ${loadSeconds} s`);

    // Start the consumers at the head, so only the load's events are measured.
    let loadStartIso = '9999';
    const consumers = [rm.sink, cache.sink].map((sink) => {
      const lags: number[] = [];
      const c = createCatchUpConsumer({
        feed: store,
        sink,
        deadLetters: rm.deadLetters,
        idleMs: 5,
        onBatch: (_r, events) => {
          const now = Date.now();
          for (const e of events) if (e.occurredAt >= loadStartIso) lags.push(now - Date.parse(e.occurredAt));
        },
      });
      return { sink, c, lags };
    });
    for (const { c } of consumers) await c.runUntilCaughtUp();
    loadStartIso = new Date().toISOString();
    for (const { c } of consumers) c.start();
    const loadStart = performance.now();
    const inflight: Array<Promise<unknown>> = [];
    let sent = 0;
    while (performance.now() - loadStart < loadSeconds * 1000) {
      const due = Math.floor(((performance.now() - loadStart) / 1000) * rate);
      while (sent < due) {
        inflight.push(place());
        sent++;
      }
      await new Promise((r) => setTimeout(r, 2));
    }
    await Promise.all(inflight);
    const loadRate = sent / ((performance.now() - loadStart) / 1000);
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline && consumers.some((x) => x.lags.length < sent)) await new Promise((r) => setTimeout(r, 20));
    for (const { c } of consumers) await c.stop();
    for (const { sink, lags } of consumers) {
      lags.sort((a, b) => a - b);
      const pct = (p: number) => lags[Math.min(lags.length - 1, Math.floor((p / 100) * lags.length))] ?? NaN;
      const readModel = sink.name === 'relational' ? 'postgres' : redis === undefined ? 'cache-memory' : 'redis';
      console.error(`lag ${readModel}: ${lags.length}/${sent} events seen, p50 ${pct(50)} ms, p99 ${pct(99)} ms`);
      console.log(JSON.stringify({ bench: 'projection-lag', read_model: readModel, p50_ms: pct(50), p99_ms: pct(99), load_commands_per_s: Math.round(loadRate) }));
    }
  } finally {
    await store.close();
    await rdb.query(`drop schema if exists strata_bench_ev_${tag} cascade`);
    await rdb.query(`drop schema if exists strata_bench_rm_${tag} cascade`);
    await rdb.close();
    await redis?.purge();
    await redis?.close();
  }
}
