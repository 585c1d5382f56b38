import { afterEach, describe, expect, it, jest } from '@jest/globals';
import * as E from 'fp-ts/lib/Either.js';
import { paymentStream } from '@strata/events';
import type { SagaDeadLetterBody } from '../asl/definitions.js';
import type { Notification, Notifier } from '../notifications/port.js';
import type { SimulatedProviderConfig } from '../provider/provider.simulated.js';
import { createSagaHarness, orderPaymentPair, type SagaHarness } from '../testing/sagaHarness.js';

// Each case starts a simulated provider and runs ASL executions: seconds on a loaded 2-core
// machine. The bound only cuts a hang short; nothing here waits on time (see the provider's hooks).
jest.setTimeout(30_000);

// The failure matrix, run on the ASL documents themselves through aws-local-stepfunctions, with
// the real step handlers, the HTTP provider client and the simulated provider on loopback.
let h: SagaHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});
const setup = async (provider: SimulatedProviderConfig = {}, client: { maxAttempts?: number; timeoutMs?: number } = {}) => {
  h = await createSagaHarness(provider, client);
  return h;
};
const DAY = 24 * 3600 * 1000;

const expectPair = async (harness: SagaHarness, orderId: string, order: string, payment: string) => {
  const pair = await orderPaymentPair(harness.writeModel, orderId);
  expect({ order: pair.order.status, payment: pair.payment.status }).toEqual({ order, payment });
  expect(pair.consistent).toBe(true);
  return pair;
};
const paymentEvents = async (harness: SagaHarness, id: string) => (await harness.writeModel.readHistory(paymentStream(id))).events.map((e) => e.type);
const ok = async (result: Promise<E.Either<unknown, unknown>>) => expect(E.isRight(await result)).toBe(true);

describe('payment saga on the ASL documents', () => {
  it('happy path: authorize → confirm; ship, deliver → capture', async () => {
    const s = await setup();
    await s.placeOrder('o1', 1250);
    await s.settle();
    await expectPair(s, 'o1', 'confirmed', 'authorized');
    await ok(s.writeModel.shipOrder({ orderId: 'o1', carrier: 'UPS', trackingNumber: '1Z' }, s.ctx('ship')));
    await ok(s.writeModel.deliverOrder({ orderId: 'o1' }, s.ctx('deliver')));
    await s.settle();
    const { payment } = await expectPair(s, 'o1', 'delivered', 'captured');
    expect(payment.status === 'captured' && payment.captured).toEqual({ amount: 2500, currency: 'USD' });
    expect(s.sim.ledger()).toEqual([expect.objectContaining({ paymentId: 'o1', captured: 2500, voided: false })]);
    expect(await paymentEvents(s, 'o1')).toEqual(['PaymentRequested', 'PaymentAuthorized', 'PaymentCaptured']);
  });

  it('decline → payment declined, order cancelled with the reason', async () => {
    const s = await setup({ rules: [{ paymentIdPrefix: 'o-bad', decline: 'card declined' }] });
    await s.placeOrder('o-bad', 100);
    await s.settle();
    const { order } = await expectPair(s, 'o-bad', 'cancelled', 'declined');
    expect(order.status === 'cancelled' && order.reason).toBe('payment declined: card declined');
    expect(s.sim.ledger()).toHaveLength(0);
  });

  it('transient errors then success: the ASL Retry outlasts the client retries', async () => {
    const s = await setup({ rules: [{ paymentIdPrefix: 'o-flaky', failFirstAttempts: 3 }] }, { maxAttempts: 2 });
    await s.placeOrder('o-flaky', 100);
    await s.settle();
    await expectPair(s, 'o-flaky', 'confirmed', 'authorized');
    expect(s.sim.requests.authorize).toBe(4);
    expect(s.sim.ledger()).toHaveLength(1);
  });

  it('timeout: a slow provider answer is retried with the same key and holds once', async () => {
    const s = await setup({ rules: [{ paymentIdPrefix: 'o-slow', slowFirstAttempts: 1, slowMs: 400 }] }, { timeoutMs: 100 });
    await s.placeOrder('o-slow', 100);
    await s.settle();
    await expectPair(s, 'o-slow', 'confirmed', 'authorized');
    // The abandoned slow first attempt and the retry: wait until both have run to the end.
    await s.sim.whenHandled('authorize', 2);
    expect(s.sim.requests.authorize).toBe(2);
    expect(s.sim.ledger()).toHaveLength(1);
  });

  it('provider outage → Failed state for an operator; a retry after the outage completes', async () => {
    const s = await setup();
    s.sim.setOutage(true);
    await s.placeOrder('o-down', 100);
    await s.settle();
    await expectPair(s, 'o-down', 'placed', 'none'); // nothing is recorded before the provider answers
    const failed = s.runner.executions().find((e) => e.name === 'PaymentRequest:o-down');
    expect(failed).toMatchObject({ status: 'failed', error: { name: 'ProviderUnavailable' } });
    s.sim.setOutage(false);
    await expect(s.runner.retry('PaymentRequest:o-down').done).resolves.toMatchObject({ status: 'succeeded' });
    await s.settle();
    await expectPair(s, 'o-down', 'confirmed', 'authorized');
  });

  it('a failed execution is recorded as a dead letter (as RecordFailure sends it to SQS) with its original input, and re-running that input completes', async () => {
    const letters: SagaDeadLetterBody[] = [];
    h = await createSagaHarness({}, {}, { onDeadLetter: (l) => letters.push(l) });
    const s = h;
    s.sim.setOutage(true);
    await s.placeOrder('o-dead', 100);
    await s.settle();
    expect(letters).toHaveLength(1);
    const [letter] = letters;
    expect(letter).toMatchObject({ kind: 'SagaExecutionFailed', workflow: 'PaymentRequest', execution: 'PaymentRequest:o-dead', stateMachine: 'PaymentRequest', error: { Error: 'ProviderUnavailable' } });
    // The input is the routed event the execution was started with, not the state's input at the failure.
    expect(letter!.input).toMatchObject({ 'detail-type': 'OrderPlaced', detail: { data: { orderId: 'o-dead' } } });
    s.sim.setOutage(false);
    await expect(s.runner.start(letter!.workflow, letter!.input as never, 'redrive').done).resolves.toMatchObject({ status: 'succeeded' });
    await s.settle();
    await expectPair(s, 'o-dead', 'confirmed', 'authorized');
    expect(letters).toHaveLength(1);
  });

  it('duplicate trigger: the same OrderPlaced delivered twice holds and records once', async () => {
    const s = await setup();
    await s.placeOrder('o-dup', 100);
    await s.settle();
    const placed = (await s.writeModel.readHistory('Order-o-dup')).events[0]!;
    const event = { version: '0', id: placed.eventId, 'detail-type': placed.type, source: 'strata.orders', time: placed.occurredAt, resources: [], detail: placed } as const;
    await Promise.all([s.runner.startFor(event)!.done, s.runner.startFor(event)!.done]);
    await s.settle();
    await expectPair(s, 'o-dup', 'confirmed', 'authorized');
    expect(await paymentEvents(s, 'o-dup')).toEqual(['PaymentRequested', 'PaymentAuthorized']);
    expect(s.sim.ledger()).toHaveLength(1);
  });

  it('cancellation racing authorization: the hold is voided, the order stays cancelled', async () => {
    const s = await setup({ rules: [{ paymentIdPrefix: 'o-race', slowFirstAttempts: 1, slowMs: 300 }] });
    await s.placeOrder('o-race', 100);
    const saga = s.settle();
    await s.sim.whenReceived('authorize', 1);
    await ok(s.writeModel.cancelOrder({ orderId: 'o-race', reason: 'changed my mind' }, s.ctx('cancel')));
    await saga;
    await s.settle();
    const { payment } = await expectPair(s, 'o-race', 'cancelled', 'voided');
    expect(payment.status === 'voided' && payment.reason).toBe('order cancelled');
    expect(s.sim.ledger()).toEqual([expect.objectContaining({ voided: true, captured: 0 })]);
  });

  it('delivery after cancellation is refused and nothing is captured', async () => {
    const s = await setup();
    await s.placeOrder('o-late', 100);
    await s.settle();
    await ok(s.writeModel.cancelOrder({ orderId: 'o-late', reason: 'out of stock' }, s.ctx('cancel')));
    await s.settle();
    const delivered = await s.writeModel.deliverOrder({ orderId: 'o-late' }, s.ctx('deliver'));
    expect(E.isLeft(delivered) && delivered.left._tag).toBe('OrderAlreadyCancelled');
    await s.settle();
    await expectPair(s, 'o-late', 'cancelled', 'voided');
    expect(s.sim.ledger()).toEqual([expect.objectContaining({ voided: true, captured: 0 })]);
  });

  it('hold expiry: the sweep voids a hold neither captured nor voided by its expiry and cancels the unshipped order', async () => {
    const s = await setup({ holdSeconds: 7 * 24 * 3600 });
    await s.placeOrder('o-exp', 100);
    await s.placeOrder('o-shipped', 100);
    await s.settle();
    await ok(s.writeModel.shipOrder({ orderId: 'o-shipped' }, s.ctx('ship')));
    await s.sweep(); // nothing has expired yet: the sweep leaves every hold alone
    expect(s.runner.executions().find((e) => e.workflow === 'HoldExpiry')).toMatchObject({ status: 'succeeded', output: expect.objectContaining({ sweep: expect.objectContaining({ holds: [] }) }) });
    await expectPair(s, 'o-exp', 'confirmed', 'authorized');
    s.now = new Date(Date.now() + 8 * DAY).toISOString(); // past the provider's expiry
    await s.sweep();
    const { payment } = await expectPair(s, 'o-exp', 'cancelled', 'voided');
    expect(payment.status === 'voided' && payment.reason).toBe('authorization hold expired');
    // A shipped order whose hold expired is left shipped for a person; its hold is released all the same.
    const shipped = await orderPaymentPair(s.writeModel, 'o-shipped');
    expect({ order: shipped.order.status, payment: shipped.payment.status }).toEqual({ order: 'shipped', payment: 'voided' });
    expect(s.sim.ledger().map((l) => l.voided)).toEqual([true, true]);
    // The expiry commands keep the order's correlation id (the audit trail of the original request).
    const voided = (await s.writeModel.readHistory(paymentStream('o-exp'))).events.at(-1)!;
    expect(voided).toMatchObject({ type: 'PaymentVoided', correlationId: 'corr-place', causationId: 'hold-expiry:o-exp' });
    await s.sweep(); // a later sweep finds nothing more
    expect(s.sim.ledger()).toHaveLength(2);
  });

  it('notifies the customer from the change feed, once per event', async () => {
    const sent: Notification[] = [];
    const notifier: Notifier = { send: async (n) => (sent.some((x) => x.id === n.id) ? { sent: false } : (sent.push(n), { sent: true })) };
    const s = (h = await createSagaHarness({ rules: [{ paymentIdPrefix: 'o-no', decline: 'card declined' }] }, {}, { notifier }));
    await s.placeOrder('o-yes', 100);
    await s.placeOrder('o-no', 100);
    await s.settle();
    await ok(s.writeModel.shipOrder({ orderId: 'o-yes' }, s.ctx('ship')));
    await ok(s.writeModel.deliverOrder({ orderId: 'o-yes' }, s.ctx('deliver')));
    await s.settle();
    expect(sent.map((n) => `${n.orderId}:${n.kind}`).sort()).toEqual(['o-no:order-cancelled', 'o-no:payment-declined', 'o-yes:order-confirmed', 'o-yes:order-delivered', 'o-yes:order-shipped']);
    expect(new Set(sent.map((n) => n.id)).size).toBe(sent.length);
  });
});
