import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type * as E from 'fp-ts/lib/Either.js';
import { FEED_START, decodeEnvelope, paymentStream, type ChangeFeed, type DomainEnvelope, type EventStore } from '@strata/events';
import { databaseUrl, describeWith } from '@strata/test-env';
import { createPostgresEventStore } from '@strata/write-model/postgres';
import { createCatchUpConsumer } from './consumer.js';
import { toOrderView } from './domain/docs.js';
import { applyToReadModel, emptyReadModel } from './domain/readModel.js';
import { pgExecutor } from './postgres.js';
import type { SqlExecutor } from './relational/executor.js';
import { createSqlReadModel } from './relational/sqlReadModel.js';
import { eventWriter, orderHistory } from './testing.js';

const root = join(__dirname, '..', '..', '..');

describeWith('POSTGRES', 'consumer killed mid-run', () => {
  const tag = Math.random().toString(36).slice(2, 10);
  const eventsSchema = `strata_t_kev_${tag}`;
  const readSchema = `strata_t_krm_${tag}`;
  let store: EventStore & ChangeFeed;
  let db: SqlExecutor;

  beforeAll(async () => {
    store = await createPostgresEventStore({ connectionString: databaseUrl(), schema: eventsSchema, maxConnections: 2 });
    db = pgExecutor(databaseUrl(), { max: 2 });
  });
  afterAll(async () => {
    await store.close();
    await db.query(`drop schema if exists ${eventsSchema} cascade`);
    await db.query(`drop schema if exists ${readSchema} cascade`);
    await db.close();
  });

  it('loses nothing and duplicates nothing visible after a SIGKILL and a restart', async () => {
    const write = eventWriter();
    for (let i = 0; i < 40; i++)
      for (const e of orderHistory(write, { orderId: `k${i}`, customerId: 'c1', lifecycle: 'refunded', lines: [{ productId: 'p', quantity: 2, unitPrice: 300 }], rating: 4 })) {
        const { eventId, type, schemaVersion, data, streamId, occurredAt, actor, causationId, correlationId, commandId, commandFingerprint } = e;
        await store.append({ streamId, expected: { kind: 'any' }, events: [{ eventId, type, schemaVersion, data }], meta: { occurredAt, actor, causationId, correlationId, commandId, commandFingerprint } });
      }
    const rm = createSqlReadModel({ db, schema: readSchema });
    await rm.migrate();

    const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'testing', 'consumerProcess.child.test.ts'), databaseUrl(), eventsSchema, readSchema], {
      cwd: root,
      env: { ...process.env, TSX_TSCONFIG_PATH: join(root, 'tsconfig.check.json') },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
    // Kill it once it has made some progress but not all: somewhere in the middle of its work.
    const deadline = Date.now() + 60_000;
    while ((await rm.sink.checkpoint()) === FEED_START && Date.now() < deadline && child.exitCode === null) await new Promise((r) => setTimeout(r, 5));
    child.kill('SIGKILL');
    await exited;
    expect(stderr).toBe('');
    const [progress] = await db.query<{ n: unknown }>(`select count(*) as n from ${readSchema}.orders`);
    expect(Number(progress!.n)).toBeGreaterThan(0);
    expect(Number(progress!.n)).toBeLessThan(40);

    await createCatchUpConsumer({ feed: store, sink: rm.sink, deadLetters: rm.deadLetters, batchSize: 7 }).runUntilCaughtUp();

    const all: DomainEnvelope[] = [];
    for (let after = FEED_START; ; ) {
      const page = await store.readFeed(after, 500);
      all.push(...page.events.map(({ position: _p, ...e }) => (decodeEnvelope(e) as E.Right<DomainEnvelope>).right));
      after = page.next;
      if (page.caughtUp) break;
    }
    const expected = applyToReadModel(emptyReadModel(), all);
    expect(expected.orders.size).toBe(40);
    for (const doc of expected.orders.values())
      expect(await rm.queries.getOrder(doc.orderId)).toEqual(toOrderView(doc, expected.payments.get(paymentStream(doc.orderId))));
    const [lines] = await db.query<{ n: unknown }>(`select count(*) as n from ${readSchema}.order_lines`);
    expect(Number(lines!.n)).toBe(40);
    const summary = await rm.queries.analyticsDetailed({});
    expect(summary.payments.requested).toBe(40);
    expect(summary.feedback.count).toBe(40);
  }, 90_000);
});
