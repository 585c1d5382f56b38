import { describe, expect, it } from '@jest/globals';
import * as E from 'fp-ts/lib/Either.js';
import { orderStream, paymentStream, type EventStore, type Money } from '@strata/events';
import { createMemoryEventStore } from '../adapters/eventStore.memory.js';
import { UnreadableEventError, eventIdFor, type CommandResult } from './commandHandler.js';
import { ctx, placeOrderCmd } from './testing/fixtures.js';
import { createWriteModel } from './writeModel.js';

const usd = (amount: number) => ({ amount, currency: 'USD' }) as Money;
const outcome = (r: CommandResult) => {
  if (E.isLeft(r)) throw new Error(`expected success, got ${r.left._tag}: ${r.left.message}`);
  return r.right;
};
const rejection = (r: CommandResult) => (E.isLeft(r) ? r.left : undefined);

/** A paid order: placed, payment requested, authorized, captured, order confirmed. */
const paidOrder = async (store: EventStore) => {
  const wm = createWriteModel({ eventStore: store });
  outcome(await wm.placeOrder(placeOrderCmd, ctx('place')));
  outcome(await wm.requestPayment({ paymentId: 'o-1', orderId: 'o-1', customerId: 'c-1', amount: usd(9950) }, ctx('request')));
  outcome(await wm.authorizePayment({ paymentId: 'o-1', providerRef: 'prov-1', amount: usd(9950), expiresAt: '2026-01-08T00:00:00.000Z' }, ctx('authorize')));
  outcome(await wm.capturePayment({ paymentId: 'o-1' }, ctx('capture')));
  outcome(await wm.confirmOrder({ orderId: 'o-1', paymentId: 'o-1' }, ctx('confirm')));
  return wm;
};

describe('createWriteModel over the memory store', () => {
  it('runs the seed flow and records who, when and why on every event', async () => {
    const store = createMemoryEventStore();
    const wm = createWriteModel({ eventStore: store });
    const registered = outcome(await wm.registerCustomer({ customerId: 'c-1', email: 'ada@example.com', firstName: 'Ada', lastName: 'L', phoneNumber: '1' }, ctx('register', { causationId: 'http-1' })));
    expect(registered.events[0]).toMatchObject({
      eventId: eventIdFor('Customer-c-1', 'register', 0),
      type: 'CustomerRegistered',
      occurredAt: '2026-01-01T00:00:00.000Z',
      actor: { kind: 'user', id: 'c-1' },
      causationId: 'http-1',
      correlationId: 'corr-register',
      commandId: 'register',
    });
    await paidOrder(store);
    const { state, version } = await wm.loadOrder('o-1');
    expect(state).toMatchObject({ status: 'confirmed', paymentId: 'o-1', total: 9950 });
    expect(version).toBe(2);
    expect((await wm.loadPayment('o-1')).state).toMatchObject({ status: 'captured', captured: usd(9950) });
    const history = await wm.readHistory(paymentStream('o-1'));
    expect(history.events.map((e) => [e.type, e.causationId])).toEqual([
      ['PaymentRequested', 'request'],
      ['PaymentAuthorized', 'authorize'],
      ['PaymentCaptured', 'capture'],
    ]);
    expect(history.chain).toEqual({ ok: true, events: 3 });
  });

  it('decides on a stream the caller already loaded, and reloads when it went stale', async () => {
    const store = createMemoryEventStore();
    let reads = 0;
    const counted: EventStore = { ...store, readStream: (id, o) => ((reads += 1), store.readStream(id, o)) };
    const wm = createWriteModel({ eventStore: counted });
    outcome(await wm.placeOrder(placeOrderCmd, ctx('place')));
    expect(reads).toBe(0); // a new order is decided without reading its stream
    // Its id taken, the append loses; the handler reads the stream and decides as usual.
    expect(outcome(await wm.placeOrder(placeOrderCmd, ctx('place-again'))).events).toEqual([]);
    expect(rejection(await wm.placeOrder({ ...placeOrderCmd, currency: 'EUR' }, ctx('place-other')))).toMatchObject({ _tag: 'OrderAlreadyExists' });
    expect(outcome(await wm.placeOrder(placeOrderCmd, ctx('place'))).duplicate).toBe(true);
    reads = 0;
    const loaded = await wm.loadOrder('o-1');
    outcome(await wm.confirmOrder({ orderId: 'o-1', paymentId: 'o-1' }, ctx('confirm'), { loaded }));
    expect(reads).toBe(1); // the load above, none for the command
    // `loaded` is stale now (version 1): the append conflicts, the handler reloads and decides again.
    expect(rejection(await wm.cancelOrder({ orderId: 'o-1', reason: 'x' }, ctx('cancel'), { loaded }))).toBeUndefined();
    expect((await wm.loadOrder('o-1')).state.status).toBe('cancelled');
    // A stream loaded for another aggregate is ignored.
    const other = await wm.loadOrder('o-1');
    outcome(await wm.requestPayment({ paymentId: 'p-9', orderId: 'o-1', customerId: 'c-1', amount: usd(1) }, ctx('request-9'), { loaded: other as never }));
    expect((await wm.loadPayment('p-9')).version).toBe(1);
  });

  it('derives event ids from stream, command id and index, as UUIDv8', () => {
    expect(eventIdFor('Order-1', 'cmd', 0)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(eventIdFor('Order-1', 'cmd', 0)).toBe(eventIdFor('Order-1', 'cmd', 0));
    expect(new Set([eventIdFor('Order-1', 'cmd', 0), eventIdFor('Order-1', 'cmd', 1), eventIdFor('Order-2', 'cmd', 0)]).size).toBe(3);
  });

  describe('idempotency by command id', () => {
    it('returns the first outcome and appends nothing, also from a new instance (after a restart)', async () => {
      const store = createMemoryEventStore();
      const first = outcome(await createWriteModel({ eventStore: store }).placeOrder(placeOrderCmd, ctx('place')));
      const again = outcome(await createWriteModel({ eventStore: store }).placeOrder(placeOrderCmd, ctx('place')));
      expect(again).toEqual({ ...first, duplicate: true });
      expect((await store.readStream(orderStream('o-1'))).version).toBe(1);
    });

    it('returns the original outcome even when the stream has moved on', async () => {
      const store = createMemoryEventStore();
      const wm = await paidOrder(store);
      const retried = outcome(await wm.capturePayment({ paymentId: 'o-1' }, ctx('capture')));
      expect(retried).toMatchObject({ version: 3, duplicate: true, events: [{ type: 'PaymentCaptured', streamVersion: 3 }] });
      // A refund is additive: only the command id keeps its retry from refunding twice.
      const refund = outcome(await wm.refundPayment({ paymentId: 'o-1', amount: usd(100) }, ctx('refund')));
      expect(outcome(await wm.refundPayment({ paymentId: 'o-1', amount: usd(100) }, ctx('refund')))).toEqual({ ...refund, duplicate: true });
      expect((await wm.loadPayment('o-1')).state).toMatchObject({ status: 'refunded', refunded: 100 });
    });

    it('rejects the same command id with a different payload', async () => {
      const store = createMemoryEventStore();
      const wm = createWriteModel({ eventStore: store });
      outcome(await wm.placeOrder(placeOrderCmd, ctx('place')));
      const reused = await wm.placeOrder({ ...placeOrderCmd, currency: 'EUR' }, ctx('place'));
      expect(rejection(reused)).toMatchObject({ _tag: 'CommandIdReused', kind: 'conflict' });
      expect((await store.readStream(orderStream('o-1'))).version).toBe(1);
    });

    it('answers a duplicate that only the store detects (the handler read a stale stream)', async () => {
      const store = createMemoryEventStore();
      const first = outcome(await createWriteModel({ eventStore: store }).placeOrder(placeOrderCmd, ctx('place')));
      const stale: EventStore = { ...store, readStream: (streamId) => Promise.resolve({ streamId, version: 0, events: [] }) };
      const again = outcome(await createWriteModel({ eventStore: stale }).placeOrder(placeOrderCmd, ctx('place')));
      expect(again).toEqual({ ...first, duplicate: true });
      expect(rejection(await createWriteModel({ eventStore: stale }).placeOrder({ ...placeOrderCmd, customerId: 'c-2' }, ctx('place')))).toMatchObject({
        _tag: 'CommandIdReused',
      });
    });

    it('appends nothing for a decision with no events and reports the current version', async () => {
      const store = createMemoryEventStore();
      const wm = await paidOrder(store);
      expect(outcome(await wm.confirmOrder({ orderId: 'o-1', paymentId: 'o-1' }, ctx('confirm-again')))).toEqual({
        streamId: orderStream('o-1'), version: 2, events: [], duplicate: false,
      });
    });
  });

  describe('concurrency', () => {
    it('resolves conflicting commands by reloading and deciding again', async () => {
      const store = createMemoryEventStore();
      await paidOrder(store);
      const wm = createWriteModel({ eventStore: store, maxConflictRetries: 20 });
      // 10 refunds of 1000 race for a capture of 9950: exactly 9 fit.
      const results = await Promise.all(Array.from({ length: 10 }, (_, i) => wm.refundPayment({ paymentId: 'o-1', amount: usd(1000) }, ctx(`refund-${i}`))));
      expect(results.filter(E.isRight)).toHaveLength(9);
      expect(results.map(rejection).filter((e) => e !== undefined)).toEqual([expect.objectContaining({ _tag: 'RefundExceedsCaptured' })]);
      const history = await wm.readHistory(paymentStream('o-1'));
      expect(history.events.map((e) => e.streamVersion)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
      expect(history.chain.ok).toBe(true);
    });

    it('gives up with a conflict after the bounded retries', async () => {
      const store = createMemoryEventStore();
      await paidOrder(store);
      const wm = createWriteModel({ eventStore: store, maxConflictRetries: 0 });
      const results = await Promise.all([1, 2, 3].map((i) => wm.refundPayment({ paymentId: 'o-1', amount: usd(10) }, ctx(`r-${i}`))));
      expect(results.filter(E.isRight)).toHaveLength(1);
      expect(results.map(rejection).filter((e) => e !== undefined).map((e) => [e._tag, e.kind])).toEqual([
        ['ConcurrencyConflict', 'conflict'],
        ['ConcurrencyConflict', 'conflict'],
      ]);
    });
  });

  describe('feedback', () => {
    it('is accepted from the order owner only, once per order', async () => {
      const wm = createWriteModel({ eventStore: createMemoryEventStore() });
      const feedback = { feedbackId: 'f-1', orderId: 'o-1', customerId: 'c-1', rating: 5, comment: 'ok', category: 'delivery' };
      expect(rejection(await wm.submitFeedback(feedback, ctx('f0')))).toMatchObject({ _tag: 'OrderNotFound', kind: 'not-found' });
      outcome(await wm.placeOrder(placeOrderCmd, ctx('place')));
      expect(rejection(await wm.submitFeedback({ ...feedback, customerId: 'c-2' }, ctx('f1')))).toMatchObject({ _tag: 'NotOrderOwner', kind: 'forbidden' });
      expect(outcome(await wm.submitFeedback(feedback, ctx('f2'))).version).toBe(1);
      expect(rejection(await wm.submitFeedback({ ...feedback, rating: 1 }, ctx('f3')))).toMatchObject({ _tag: 'FeedbackAlreadySubmitted' });
    });
  });

  it('fails loudly, as an infrastructure fault, on a stored event it cannot read', async () => {
    const store = createMemoryEventStore();
    await store.append({
      streamId: orderStream('o-9'),
      expected: { kind: 'no-stream' },
      events: [{ eventId: 'e1', type: 'OrderPlaced', schemaVersion: 2, data: { orderId: 'o-9' } }],
      meta: { occurredAt: 'now', actor: { kind: 'system', id: 't' }, causationId: 'c', correlationId: 'c', commandId: 'c', commandFingerprint: 'f' },
    });
    await expect(createWriteModel({ eventStore: store }).loadOrder('o-9')).rejects.toMatchObject({
      constructor: UnreadableEventError,
      code: 'UNREADABLE_EVENT',
      streamVersion: 1,
      cause: { _tag: 'EventDecodeError', type: 'OrderPlaced' },
    });
  });

  describe('creation commands (NEW_STREAM)', () => {
    /** The memory store, counting whole-stream reads. */
    const countingStore = () => {
      const store = createMemoryEventStore();
      const reads: string[] = [];
      const counted: EventStore = { ...store, append: (r) => store.append(r), readStream: (id, o) => (reads.push(id), store.readStream(id, o)) };
      return { store: counted, reads };
    };

    it('registers a customer and places an order without reading the new streams first', async () => {
      const { store, reads } = countingStore();
      const wm = createWriteModel({ eventStore: store });
      expect(outcome(await wm.placeOrder(placeOrderCmd, ctx('place'))).version).toBe(1);
      expect(outcome(await wm.registerCustomer({ customerId: 'c-1', email: 'ada@example.com', firstName: 'Ada', lastName: 'L', phoneNumber: '1' }, ctx('register'))).version).toBe(1);
      expect(reads).toEqual([]);
    });

    it('falls back to load → decide when the stream exists: a retry is the duplicate, another command is decided on the real state', async () => {
      const { store, reads } = countingStore();
      const wm = createWriteModel({ eventStore: store });
      const first = outcome(await wm.placeOrder(placeOrderCmd, ctx('place')));
      expect(outcome(await wm.placeOrder(placeOrderCmd, ctx('place')))).toEqual({ ...first, duplicate: true });
      expect(outcome(await wm.placeOrder(placeOrderCmd, ctx('place-again')))).toMatchObject({ version: 1, events: [], duplicate: false });
      const elsewhere = { ...placeOrderCmd, shippingAddress: { ...placeOrderCmd.shippingAddress, city: 'Elsewhere' } };
      expect(rejection(await wm.placeOrder(elsewhere, ctx('place-elsewhere')))?._tag).toBe('OrderAlreadyExists');
      expect(rejection(await wm.placeOrder(elsewhere, ctx('place')))?._tag).toBe('CommandIdReused');
      expect((await store.readStream(orderStream('o-1'))).version).toBe(1);
      expect(reads.length).toBeGreaterThan(0);
    });
  });
});
