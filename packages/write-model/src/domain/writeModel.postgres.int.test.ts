import { afterAll, beforeAll, expect, it } from '@jest/globals';
import * as E from 'fp-ts/lib/Either.js';
import pg from 'pg';
import { paymentStream, type Money } from '@strata/events';
import { databaseUrl, describeWith } from '@strata/test-env';
import { createPostgresEventStore } from '../adapters/eventStore.postgres.js';
import type { CommandResult } from './commandHandler.js';
import { ctx, placeOrderCmd } from './testing/fixtures.js';
import { createWriteModel } from './writeModel.js';

const schema = `strata_t_${Math.random().toString(36).slice(2, 10)}`;
const usd = (amount: number) => ({ amount, currency: 'USD' }) as Money;
const outcome = (r: CommandResult) => {
  if (E.isLeft(r)) throw new Error(`expected success, got ${r.left._tag}: ${r.left.message}`);
  return r.right;
};

describeWith('POSTGRES', 'write model over PostgreSQL', () => {
  let pool: pg.Pool;
  beforeAll(() => {
    pool = new pg.Pool({ connectionString: databaseUrl(), max: 10 });
  });
  afterAll(async () => {
    await pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await pool.end();
  });
  /** A fresh process's view: its own pool and store, nothing shared in memory. */
  const boot = async () => {
    const eventStore = await createPostgresEventStore({ connectionString: databaseUrl(), schema, maxConnections: 8 });
    return { eventStore, wm: createWriteModel({ eventStore, maxConflictRetries: 20 }) };
  };

  it('returns the first outcome for a retried command id after a restart, and rejects a reused one', async () => {
    const orderId = `o-${Math.random().toString(36).slice(2)}`;
    const before = await boot();
    const first = outcome(await before.wm.placeOrder({ ...placeOrderCmd, orderId }, ctx(`place-${orderId}`)));
    await before.eventStore.close();

    const after = await boot();
    try {
      expect(await after.wm.placeOrder({ ...placeOrderCmd, orderId }, ctx(`place-${orderId}`))).toEqual(E.right({ ...first, duplicate: true }));
      const reused = await after.wm.placeOrder({ ...placeOrderCmd, orderId, customerId: 'c-2' }, ctx(`place-${orderId}`));
      expect(E.isLeft(reused) ? reused.left._tag : 'accepted').toBe('CommandIdReused');
      expect((await after.wm.loadOrder(orderId)).version).toBe(1);
    } finally {
      await after.eventStore.close();
    }
  });

  it('resolves concurrent conflicting commands by retry: refunds never exceed the capture', async () => {
    const id = `p-${Math.random().toString(36).slice(2)}`;
    const { eventStore, wm } = await boot();
    try {
      outcome(await wm.requestPayment({ paymentId: id, orderId: id, customerId: 'c-1', amount: usd(1000) }, ctx(`req-${id}`)));
      outcome(await wm.authorizePayment({ paymentId: id, providerRef: 'ref', amount: usd(1000), expiresAt: '2026-01-08T00:00:00Z' }, ctx(`auth-${id}`)));
      outcome(await wm.capturePayment({ paymentId: id }, ctx(`cap-${id}`)));
      // 8 writers race on one stream for 250 each out of a capture of 1000: exactly 4 fit.
      const results = await Promise.all(Array.from({ length: 8 }, (_, i) => wm.refundPayment({ paymentId: id, amount: usd(250) }, ctx(`refund-${id}-${i}`))));
      expect(results.filter(E.isRight)).toHaveLength(4);
      expect(results.flatMap((r) => (E.isLeft(r) ? [r.left._tag] : []))).toEqual(Array(4).fill('RefundExceedsCaptured'));
      expect((await wm.loadPayment(id)).state).toMatchObject({ status: 'refunded', refunded: 1000 });
      const history = await wm.readHistory(paymentStream(id));
      expect([history.events.length, history.chain.ok]).toEqual([7, true]);
    } finally {
      await eventStore.close();
    }
  });
});
