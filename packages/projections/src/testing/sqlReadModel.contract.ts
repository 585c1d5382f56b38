import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as E from 'fp-ts/lib/Either.js';
import { decodeEnvelope, orderStream, paymentStream, type DomainEnvelope, type DomainEvent, type EventEnvelope } from '@strata/events';
import { createCatchUpConsumer, redriveDeadLetters } from '../consumer.js';
import { toOrderView } from '../domain/docs.js';
import { applyToReadModel, emptyReadModel, memoryProductQueries } from '../domain/readModel.js';
import type { SqlExecutor } from '../relational/executor.js';
import type { ProductQueries } from '../queries.js';
import { createSqlReadModel, InvalidCursorError } from '../relational/sqlReadModel.js';
import { rebuildRelational, type RebuildProgress } from '../relational/rebuild.js';
import { measureLag } from '../lag.js';
import { customerRegistered, eventWriter, memoryFeed, orderHistory, productHistory, type Lifecycle } from '../testing.js';

const decodeAll = (events: readonly EventEnvelope[]): DomainEnvelope[] =>
  events.map((e) => {
    const d = decodeEnvelope(e);
    if (E.isLeft(d)) throw new Error(d.left.message);
    return d.right;
  });

/** A deterministic shop: three customers, orders in every lifecycle, feedback, two currencies. */
export const sampleHistory = (orderCount = 30): EventEnvelope[] => {
  const write = eventWriter();
  const events: EventEnvelope[] = ['c1', 'c2', 'c3'].map((c) => customerRegistered(write, c));
  const lifecycles: Lifecycle[] = ['placed', 'confirmed', 'shipped', 'delivered', 'cancelled', 'declined', 'refunded'];
  for (let i = 0; i < orderCount; i++)
    events.push(
      ...orderHistory(write, {
        orderId: `o${String(i).padStart(3, '0')}`,
        customerId: `c${(i % 3) + 1}`,
        currency: i % 4 === 0 ? 'EUR' : 'USD',
        lifecycle: lifecycles[i % lifecycles.length]!,
        lines: [{ productId: `p${i % 5}`, quantity: (i % 3) + 1, unitPrice: 1000 + i }, { productId: 'p9', quantity: 1, unitPrice: 250 }],
        day: `2026-11-${String(10 + (i % 5)).padStart(2, '0')}`,
        rating: (i % 5) + 1,
        category: i % 2 === 0 ? 'delivery' : 'product',
      }),
    );
  // A catalogue: names that sort apart from their ids, a repriced one, a retired one, search hits.
  const names = ['Fresh Product', 'Another Item', 'fresh bread', 'Zebra Mug', 'apple', 'Cheese 100%', 'Under_score', 'Ünïcode Tea'];
  names.forEach((productName, i) =>
    events.push(...productHistory(write, { productId: `NEWPROD${String(i + 1).padStart(3, '0')}`, name: productName, price: 1000 + i, currency: i === 3 ? 'EUR' : 'USD', reprices: i % 3, retired: i === 4 })),
  );
  return events;
};

/** Real databases on a busy machine are slow, never wrong: a case gets a minute (as in the event store's contract). */
const SLOW = 60_000;

/**
 * The relational read model's contract, run over every executor (PGlite in the unit tier,
 * PostgreSQL in the int tier). `makeDb` returns a fresh executor; `schema` isolates the test data.
 */
export const runSqlReadModelContract = (name: string, makeDb: () => Promise<SqlExecutor>): void => {
  describe(`relational read model (${name})`, () => {
    const schema = `strata_t_${Math.random().toString(36).slice(2, 10)}`;
    const holdsSchema = schema.replace('strata_t_', 'strata_h_');
    let db: SqlExecutor;
    const history = sampleHistory();
    const expected = applyToReadModel(emptyReadModel(), decodeAll(history));

    beforeAll(async () => {
      db = await makeDb();
    });
    afterAll(async () => {
      await db.query(`drop schema if exists ${schema} cascade`);
      await db.query(`drop schema if exists ${schema}_b cascade`);
      await db.query(`drop schema if exists ${schema}_c cascade`);
      await db.query(`drop schema if exists ${holdsSchema} cascade`);
      await db.close();
    });

    it('projects a feed into views equal to the in-memory reference, and migrations are idempotent', async () => {
      const rm = createSqlReadModel({ db, schema });
      await rm.migrate();
      await rm.migrate();
      const { feed } = memoryFeed(history);
      const consumer = createCatchUpConsumer({ feed, sink: rm.sink, deadLetters: rm.deadLetters, batchSize: 7 });
      const r = await consumer.runUntilCaughtUp();
      expect(r).toEqual({ applied: history.length, deadLettered: 0 });
      for (const [streamId, doc] of expected.orders) {
        const view = await rm.queries.getOrder(doc.orderId);
        expect(view).toEqual(toOrderView(doc, expected.payments.get(paymentStream(doc.orderId))));
        expect(streamId).toBe(orderStream(doc.orderId));
      }
      expect(await rm.queries.getOrder('nope')).toBeUndefined();
    }, SLOW);

    it('is idempotent: replaying the whole feed again from the start changes nothing', async () => {
      const rm = createSqlReadModel({ db, schema });
      const before = await rm.queries.analyticsDetailed({});
      await rm.sink.apply(decodeAll(history).reverse());
      await rm.sink.apply(decodeAll(history));
      const after = await rm.queries.analyticsDetailed({});
      expect({ ...after, generatedAt: '' }).toEqual({ ...before, generatedAt: '' });
      expect(await rm.queries.getOrder('o003')).toEqual(toOrderView(expected.orders.get(orderStream('o003'))!, expected.payments.get(paymentStream('o003'))));
    }, SLOW);

    it('serves the catalogue like the in-memory reference: by id (retired too), listed only, by name, paged, searched', async () => {
      const rm = createSqlReadModel({ db, schema });
      const reference = memoryProductQueries(() => expected.products.values());
      expect(expected.products.size).toBeGreaterThan(0);
      for (const doc of expected.products.values()) expect(await rm.products.getProduct(doc.productId)).toEqual(await reference.getProduct(doc.productId));
      expect(await rm.products.getProduct('NOPE')).toBeUndefined();
      const all = async (q: ProductQueries, query?: string) => {
        const seen: string[] = [];
        let cursor: string | undefined;
        do {
          const page = await q.listProducts({ limit: 3, ...(cursor === undefined ? {} : { cursor }), ...(query === undefined ? {} : { q: query }) });
          expect(page.items.length).toBeLessThanOrEqual(3);
          seen.push(...page.items.map((v) => v.productId));
          cursor = page.nextCursor;
        } while (cursor !== undefined);
        return seen;
      };
      const listed = await all(rm.products);
      expect(listed).toEqual(await all(reference));
      expect(listed).not.toContain('NEWPROD005');
      expect(listed.length).toBe(expected.products.size - 1);
      for (const query of ['fresh', 'FRESH', '100%', '_', 'ünï', 'zzz']) expect(await all(rm.products, query)).toEqual(await all(reference, query));
      // Case-insensitive, by lower-cased name: "fresh bread" before "Fresh Product".
      expect(await all(rm.products, 'fresh')).toEqual(['NEWPROD003', 'NEWPROD001']);
      expect(await all(rm.products, '100%')).toEqual(['NEWPROD006']);
      await expect(rm.products.listProducts({ limit: 3, cursor: 'garbage' })).rejects.toBeInstanceOf(InvalidCursorError);
    }, SLOW);

    it('pages a customer’s orders newest first with a cursor, and rejects a bad cursor', async () => {
      const rm = createSqlReadModel({ db, schema });
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await rm.queries.listOrders('c1', cursor === undefined ? { limit: 4 } : { limit: 4, cursor });
        expect(page.items.length).toBeLessThanOrEqual(4);
        seen.push(...page.items.map((v) => v.orderId));
        cursor = page.nextCursor;
      } while (cursor !== undefined);
      const mine = [...expected.orders.values()].filter((d) => d.customerId === 'c1');
      const newestFirst = [...mine].sort((a, b) => (a.createdAt === b.createdAt ? b.orderId.localeCompare(a.orderId) : b.createdAt.localeCompare(a.createdAt)));
      expect(seen).toEqual(newestFirst.map((d) => d.orderId));
      await expect(rm.queries.listOrders('c1', { limit: 4, cursor: 'garbage' })).rejects.toBeInstanceOf(InvalidCursorError);
    }, SLOW);

    it('computes analytics per scope', async () => {
      const rm = createSqlReadModel({ db, schema });
      const all = await rm.queries.analyticsDetailed({});
      const docs = [...expected.orders.values()];
      expect(all.orders).toBe(docs.length);
      const paid = docs.filter((d) => ['confirmed', 'shipped', 'delivered'].includes(d.status));
      const usd = paid.filter((d) => d.currency === 'USD');
      expect(all.revenue).toContainEqual({ currency: 'USD', amount: usd.reduce((s, d) => s + d.total, 0) });
      expect(all.averageOrderValue).toContainEqual({ currency: 'USD', amount: Math.round(usd.reduce((s, d) => s + d.total, 0) / usd.length) });
      expect(all.ordersByStatus.cancelled).toBe(docs.filter((d) => d.status === 'cancelled').length);
      expect(all.feedback.count).toBe(expected.feedback.size);
      expect(all.payments.requested).toBe(expected.payments.size);
      expect(all.payments.declined).toBe([...expected.payments.values()].filter((p) => p.status === 'declined').length);
      expect(all.topProducts[0]).toMatchObject({ productId: 'p9', quantity: paid.length });
      expect(all.revenueByDay.reduce((s, r) => s + r.orders, 0)).toBe(paid.length);
      const mine = await rm.queries.analyticsSummary({ customerId: 'c2' });
      expect(mine.orders).toBe(docs.filter((d) => d.customerId === 'c2').length);
    }, SLOW);

    it('dead-letters a poison event, moves on, and redrives it', async () => {
      const rm = createSqlReadModel({ db, schema: `${schema}_b` });
      await rm.migrate();
      const write = eventWriter();
      const good = customerRegistered(write, 'c7');
      const poison: EventEnvelope = { ...customerRegistered(write, 'c8'), type: 'CustomerRenamed' };
      const after = customerRegistered(write, 'c9');
      const { feed } = memoryFeed([good, poison, after]);
      const consumer = createCatchUpConsumer({ feed, sink: rm.sink, deadLetters: rm.deadLetters });
      expect(await consumer.runUntilCaughtUp()).toEqual({ applied: 2, deadLettered: 1 });
      const letters = await rm.deadLetters.list();
      expect(letters.map((l) => [l.envelope.eventId, l.projection])).toEqual([[poison.eventId, 'relational']]);
      expect(letters[0]!.error).toMatch(/EventDecodeError/);
      await rm.deadLetters.add([{ projection: 'relational', envelope: poison, error: 'again', failedAt: 'x' }]);
      expect(await rm.deadLetters.list('relational')).toHaveLength(1);
      expect(await redriveDeadLetters(rm.deadLetters, [rm.sink])).toEqual({ redriven: 0, failed: 1 });
      expect(await rm.deadLetters.list()).toHaveLength(1);
    }, SLOW);

    it('awaits an order version: true once reached, false on timeout', async () => {
      const rm = createSqlReadModel({ db, schema });
      const v = expected.orders.get(orderStream('o001'))!.version;
      expect(await rm.queries.awaitOrderVersion('o001', v, 50)).toBe(true);
      expect(await rm.queries.awaitOrderVersion('o001', v + 1, 60)).toBe(false);
    }, SLOW);

    it('wakes a read-your-writes waiter from its own sink without polling, and finds other writers by polling', async () => {
      const statements: string[] = [];
      const counting: SqlExecutor = { ...db, query: (sql, params) => (statements.push(sql), db.query(sql, params)) };
      // A schema of its own: the orders written here are not in the shared history.
      const own = `ryw_${schema}`;
      const quiet = createSqlReadModel({ db: counting, schema: own, pollMs: 60_000 });
      await quiet.migrate();
      statements.length = 0;
      const write = eventWriter();
      const placed = decodeAll(orderHistory(write, { orderId: 'o-wake', customerId: 'c1', currency: 'USD', lifecycle: 'placed', lines: [{ productId: 'p1', quantity: 1, unitPrice: 100 }], day: '2026-11-20' }).filter((e) => e.streamId === orderStream('o-wake')));
      const waiting = quiet.queries.awaitOrderVersion('o-wake', 1, 30_000);
      await quiet.sink.apply(placed);
      expect(await waiting).toBe(true);
      expect(statements.filter((q) => q.includes('select version from'))).toEqual([]);

      // Another process's sink: this instance never sees the write, only its poll does.
      const polling = createSqlReadModel({ db, schema: own, pollMs: 10 });
      const other = createSqlReadModel({ db, schema: own });
      const later = decodeAll(orderHistory(write, { orderId: 'o-poll', customerId: 'c1', currency: 'USD', lifecycle: 'placed', lines: [{ productId: 'p1', quantity: 1, unitPrice: 100 }], day: '2026-11-20' }).filter((e) => e.streamId === orderStream('o-poll')));
      const polled = polling.queries.awaitOrderVersion('o-poll', 1, 30_000);
      await other.sink.apply(later);
      expect(await polled).toBe(true);
    }, SLOW);

    it('finds the authorized holds past their expiry, oldest first, at most the limit (the hold-expiry sweep)', async () => {
      const rm = createSqlReadModel({ db, schema: holdsSchema });
      await rm.migrate();
      const write = eventWriter();
      const usd = { amount: 500, currency: 'USD' };
      const hold = (id: string, expiresAt: string, then?: 'PaymentCaptured' | 'PaymentVoided') => [
        write(paymentStream(id), { type: 'PaymentRequested', data: { paymentId: id, orderId: id, customerId: 'c1', amount: usd } } as DomainEvent, '2026-11-01T10:00:00.000Z'),
        write(paymentStream(id), { type: 'PaymentAuthorized', data: { paymentId: id, orderId: id, amount: usd, providerRef: `ref-${id}`, expiresAt } } as DomainEvent, '2026-11-01T10:00:01.000Z'),
        ...(then === undefined ? [] : [write(paymentStream(id), { type: then, data: then === 'PaymentVoided' ? { paymentId: id, orderId: id, reason: 'x' } : { paymentId: id, orderId: id, amount: usd } } as DomainEvent, '2026-11-02T10:00:00.000Z')]),
      ];
      await rm.sink.apply(decodeAll([
        ...hold('h1', '2026-11-08T10:00:00.000Z'),
        // A provider's own notation (UTC+1) of 09:30Z: before h1 in time, after it as text.
        ...hold('h2', '2026-11-08T10:30:00+01:00'),
        ...hold('h3', '2026-11-09T10:00:00.000Z'),
        ...hold('h4', '2026-11-01T10:00:00.000Z', 'PaymentCaptured'),
        ...hold('h5', '2026-11-01T10:00:00.000Z', 'PaymentVoided'),
      ]));
      expect(await rm.expiredHolds('2026-11-08T09:29:59.999Z', 100)).toEqual([]);
      expect(await rm.expiredHolds('2026-11-08T09:45:00.000Z', 100)).toEqual([{ paymentId: 'h2', orderId: 'h2', expiresAt: '2026-11-08T10:30:00+01:00' }]);
      expect((await rm.expiredHolds('2026-12-01T00:00:00.000Z', 100)).map((h) => h.paymentId)).toEqual(['h2', 'h1', 'h3']);
      expect((await rm.expiredHolds('2026-12-01T00:00:00.000Z', 2)).map((h) => h.paymentId)).toEqual(['h2', 'h1']);
    }, SLOW);

    it('survives a crash mid-batch: nothing lost, nothing applied twice', async () => {
      let commits = 0;
      // The third batch fails after its writes, before its commit: the transaction rolls back.
      const crashing: SqlExecutor = {
        ...db,
        query: (sql, params) => db.query(sql, params),
        transaction: (fn) =>
          db.transaction(async (tx) => {
            const r = await fn(tx);
            if (++commits === 3) throw new Error('killed mid-batch');
            return r;
          }),
      };
      const c = `${schema}_c`;
      const { feed } = memoryFeed(history);
      const first = createSqlReadModel({ db: crashing, schema: c });
      await first.migrate();
      const doomed = createCatchUpConsumer({ feed, sink: first.sink, deadLetters: first.deadLetters, batchSize: 10 });
      await expect(doomed.runUntilCaughtUp()).rejects.toThrow('killed mid-batch');
      const rm = createSqlReadModel({ db, schema: c });
      expect(await rm.sink.checkpoint()).toBe(String(10).padStart(12, '0'));
      await createCatchUpConsumer({ feed, sink: rm.sink, deadLetters: rm.deadLetters, batchSize: 10 }).runUntilCaughtUp();
      for (const doc of expected.orders.values())
        expect(await rm.queries.getOrder(doc.orderId)).toEqual(toOrderView(doc, expected.payments.get(paymentStream(doc.orderId))));
      const [lines] = await db.query<{ n: unknown }>(`select count(*) as n from ${c}.order_lines`);
      expect(Number(lines!.n)).toBe([...expected.orders.values()].reduce((n, d) => n + d.items.length, 0));
    }, SLOW);

    it('reports lag per projection and reaches zero once caught up', async () => {
      const { feed, append } = memoryFeed(history);
      const rm = createSqlReadModel({ db, schema });
      const write = eventWriter();
      append([customerRegistered(write, 'late', '2026-11-24T10:00:00.000Z')]);
      const [lag] = await measureLag(feed, [rm.sink], { now: () => Date.parse('2026-11-24T10:00:02.000Z') });
      expect(lag).toEqual({ projection: 'relational', eventsBehind: 1, capped: false, msBehind: 2000 });
      await createCatchUpConsumer({ feed, sink: rm.sink, deadLetters: rm.deadLetters }).runUntilCaughtUp();
      expect((await measureLag(feed, [rm.sink]))[0]).toMatchObject({ eventsBehind: 0, msBehind: 0 });
    }, SLOW);

    it('rebuilds into a shadow schema and swaps it in: the rebuilt model equals the live one', async () => {
      const { feed, append } = memoryFeed(history);
      const write = eventWriter();
      append([customerRegistered(write, 'late', '2026-11-24T10:00:00.000Z')]);
      const live = createSqlReadModel({ db, schema });
      const ids = [...expected.orders.values()].map((d) => d.orderId);
      const before = await Promise.all(ids.map((id) => live.queries.getOrder(id)));
      const analyticsBefore = await live.queries.analyticsDetailed({});
      const dry = await rebuildRelational({ db, feed, schema, dryRun: true, assumedEventsPerSecond: 100 });
      expect(dry).toMatchObject({ events: history.length + 1, swapped: false, seconds: (history.length + 1) / 100 });
      const progress: RebuildProgress[] = [];
      const r = await rebuildRelational({ db, feed, schema, batchSize: 50, onProgress: (p) => progress.push(p) });
      expect(r).toMatchObject({ events: history.length + 1, swapped: true, deadLettered: 0 });
      expect(progress.at(-1)).toMatchObject({ applied: history.length + 1, total: history.length + 1 });
      expect(await Promise.all(ids.map((id) => live.queries.getOrder(id)))).toEqual(before);
      expect({ ...(await live.queries.analyticsDetailed({})), generatedAt: '' }).toEqual({ ...analyticsBefore, generatedAt: '' });
      expect(await live.sink.checkpoint()).toBe(String(history.length + 1).padStart(12, '0'));
      const schemas = await db.query<{ n: string }>(`select nspname as n from pg_namespace where nspname like $1`, [`${schema}%`]);
      expect(schemas.map((x) => x.n).sort()).toEqual([schema, `${schema}_b`, `${schema}_c`]);
    }, SLOW);
  });
};
