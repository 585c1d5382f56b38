import { afterAll, beforeAll, expect, it } from '@jest/globals';
import * as E from 'fp-ts/lib/Either.js';
import type { ChangeFeed, EventStore } from '@strata/events';
import { databaseUrl, describeWith } from '@strata/test-env';
import { createWriteModel } from '@strata/write-model';
import { createPostgresEventStore } from '@strata/write-model/postgres';
import { createCatchUpConsumer } from './consumer.js';
import { createStatusCache, memoryStatusStore } from './cache/statusCache.js';
import { pgExecutor } from './postgres.js';
import { createSqlReadModel } from './relational/sqlReadModel.js';
import type { SqlExecutor } from './relational/executor.js';

describeWith('POSTGRES', 'write model on PostgreSQL → change feed → read models', () => {
  const tag = Math.random().toString(36).slice(2, 10);
  const eventsSchema = `strata_t_ev_${tag}`;
  const readSchema = `strata_t_rm_${tag}`;
  let store: EventStore & ChangeFeed;
  let db: SqlExecutor;

  beforeAll(async () => {
    store = await createPostgresEventStore({ connectionString: databaseUrl(), schema: eventsSchema, maxConnections: 4 });
    db = pgExecutor(databaseUrl(), { max: 4 });
  });
  afterAll(async () => {
    await store.close();
    await db.query(`drop schema if exists ${eventsSchema} cascade`);
    await db.query(`drop schema if exists ${readSchema} cascade`);
    await db.close();
  });

  it('projects committed commands; a client can read its own write', async () => {
    const wm = createWriteModel({ eventStore: store });
    const rm = createSqlReadModel({ db, schema: readSchema });
    await rm.migrate();
    const consumer = createCatchUpConsumer({ feed: store, sink: rm.sink, deadLetters: rm.deadLetters, idleMs: 10 });
    const cache = createStatusCache({ store: memoryStatusStore({ ttlMs: 60_000 }), fallback: rm.queries });
    consumer.start();
    try {
      const ctx = { commandId: `cmd-${tag}`, actor: { kind: 'user', id: 'c1', roles: ['customer'] }, correlationId: `req-${tag}`, now: '2026-11-24T12:00:00.000Z' } as const;
      const placed = await wm.placeOrder(
        {
          orderId: `o-${tag}`,
          customerId: 'c1',
          currency: 'USD',
          items: [{ productId: 'p1', productName: 'Widget', quantity: 2, unitPrice: 1250 }],
          shippingAddress: { street: '1 Main St', city: 'Springfield', zipCode: '12345', country: 'US' },
        },
        ctx,
      );
      if (E.isLeft(placed)) throw new Error(placed.left.message);
      expect(await rm.queries.awaitOrderVersion(`o-${tag}`, placed.right.version, 10_000)).toBe(true);
      expect(await rm.queries.getOrder(`o-${tag}`)).toMatchObject({ status: 'placed', total: 2500, customerId: 'c1', items: [{ productId: 'p1', quantity: 2 }] });
      expect(await cache.reader.get(`o-${tag}`)).toMatchObject({ status: 'placed', total: 2500, version: placed.right.version });
    } finally {
      await consumer.stop();
    }
  });
});
