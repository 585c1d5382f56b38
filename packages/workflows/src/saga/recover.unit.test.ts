import { afterEach, describe, expect, it, jest } from '@jest/globals';
import * as E from 'fp-ts/lib/Either.js';
import type { Money } from '@strata/events';
import { idempotencyKey } from '../provider/port.js';
import { createHttpPaymentProvider } from '../provider/provider.http.js';
import * as steps from '../steps/paymentSteps.js';
import { createSagaHarness, orderPaymentPair, type SagaHarness } from '../testing/sagaHarness.js';
import { recoverSagas } from './recover.js';
import { createSagaRunner } from './runner.js';

// Each case starts a simulated provider and runs ASL executions: seconds on a loaded 2-core
// machine. The bound only cuts a hang short; nothing here waits on time (see the provider's hooks).
jest.setTimeout(30_000);

// A crash is simulated by running a saga's first steps by hand and never the rest; recovery must
// then finish every pair consistently without holding twice.
let h: SagaHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const begin = async (orderId: string) => {
  h = await createSagaHarness();
  const s = h;
  await s.placeOrder(orderId, 100);
  const deps = { writeModel: s.writeModel, provider: createHttpPaymentProvider({ baseUrl: s.sim.url }), clock: () => s.now };
  const input = { paymentId: orderId, orderId, customerId: 'c1', amount: { amount: 200, currency: 'USD' } as Money, correlationId: 'corr', causationId: 'evt' };
  return { s, deps, input };
};

const recoverAndSettle = async (s: SagaHarness, ids: readonly string[]) => {
  const recovered = await recoverSagas(ids, { writeModel: s.writeModel, runner: s.runner });
  await Promise.all(recovered.map((r) => r.execution?.done));
  return recovered;
};

describe('recoverSagas', () => {
  it('resumes a saga that crashed before anything was recorded', async () => {
    const { s } = await begin('r1');
    await recoverAndSettle(s, ['r1']);
    expect(await orderPaymentPair(s.writeModel, 'r1')).toMatchObject({ order: { status: 'confirmed' }, payment: { status: 'authorized' }, consistent: true });
    expect(s.sim.ledger()).toHaveLength(1);
  });

  it('resumes a saga that crashed after the provider authorized but before anything was recorded', async () => {
    const { s, deps, input } = await begin('r2');
    await deps.provider.authorize({ idempotencyKey: idempotencyKey('r2', 'authorize'), paymentId: 'r2', amount: input.amount });
    await recoverAndSettle(s, ['r2']);
    expect(await orderPaymentPair(s.writeModel, 'r2')).toMatchObject({ order: { status: 'confirmed' }, consistent: true });
    expect(s.sim.ledger()).toHaveLength(1); // the provider answered the replay from its idempotency cache
  });

  it('resumes a payment requested by an earlier version (PaymentRequested alone) on a cancelled order, and voids its hold', async () => {
    const { s, deps, input } = await begin('r2b');
    expect(E.isRight(await s.writeModel.requestPayment({ paymentId: 'r2b', orderId: 'r2b', customerId: 'c1', amount: input.amount }, s.ctx('request')))).toBe(true);
    await deps.provider.authorize({ idempotencyKey: idempotencyKey('r2b', 'authorize'), paymentId: 'r2b', amount: input.amount });
    expect(E.isRight(await s.writeModel.cancelOrder({ orderId: 'r2b', reason: 'changed my mind' }, s.ctx('cancel')))).toBe(true);
    const [recovered] = await recoverAndSettle(s, ['r2b']);
    expect(recovered?.action).toEqual({ kind: 'request' });
    expect(await orderPaymentPair(s.writeModel, 'r2b')).toMatchObject({ order: { status: 'cancelled' }, payment: { status: 'voided' }, consistent: true });
    expect(s.sim.ledger()).toEqual([expect.objectContaining({ voided: true })]);
  });

  it('voids a hold left on an order cancelled while the process was down', async () => {
    const { s, deps, input } = await begin('r3');
    expect(await steps.authorize(input, deps)).toEqual({ outcome: 'authorized', orderConfirmed: true });
    expect(E.isRight(await s.writeModel.cancelOrder({ orderId: 'r3', reason: 'changed my mind' }, s.ctx('cancel')))).toBe(true);
    const [recovered] = await recoverAndSettle(s, ['r3']);
    expect(recovered?.action).toEqual({ kind: 'release', trigger: 'OrderCancelled' });
    expect(await orderPaymentPair(s.writeModel, 'r3')).toMatchObject({ order: { status: 'cancelled' }, payment: { status: 'voided' }, consistent: true });
    expect(s.sim.ledger()).toEqual([expect.objectContaining({ voided: true })]);
  });

  it('leaves a live hold to the sweep, which voids it once past its expiry; finished or unknown orders need nothing', async () => {
    const { s, deps, input } = await begin('r4');
    await steps.authorize(input, deps);
    const recovered = await recoverAndSettle(s, ['r4', 'no-such-order']);
    expect(recovered.map((r) => r.action.kind)).toEqual(['none', 'none']);
    const { state } = await s.writeModel.loadPayment('r4');
    s.now = new Date(Date.parse(state.status === 'authorized' ? state.expiresAt : '') + 1000).toISOString();
    await s.sweep();
    expect(await orderPaymentPair(s.writeModel, 'r4')).toMatchObject({ order: { status: 'cancelled' }, payment: { status: 'voided' }, consistent: true });
    const again = await recoverAndSettle(s, ['r4']);
    expect(again.map((r) => r.action.kind)).toEqual(['none']);
  });
});

describe('crash during sagas under load', () => {
  it('a runner stopped mid-flight leaves work that a new runner recovers, each payment held at most once', async () => {
    h = await createSagaHarness({ rules: [{ paymentIdPrefix: 'load-', slowFirstAttempts: 1, slowMs: 100 }] });
    const s = h;
    const ids = Array.from({ length: 8 }, (_, i) => `load-${i}`);
    for (const id of ids) await s.placeOrder(id, 100 + id.length);
    const saga = s.settle();
    await s.sim.whenReceived('authorize', ids.length);
    s.runner.stop(); // the "crash": every execution is abandoned mid-authorization
    await saga;
    expect(s.runner.executions().filter((e) => e.status === 'aborted').length).toBeGreaterThan(0);

    // The next start: a new runner over the same stores and provider.
    const restarted = createSagaRunner({ writeModel: s.writeModel, provider: createHttpPaymentProvider({ baseUrl: s.sim.url }), clock: () => s.now });
    const recovered = await recoverSagas(ids, { writeModel: s.writeModel, runner: restarted });
    await Promise.all(recovered.map((r) => r.execution?.done));
    for (const id of ids) {
      expect(await orderPaymentPair(s.writeModel, id)).toMatchObject({ order: { status: 'confirmed' }, payment: { status: 'authorized' }, consistent: true });
      expect(s.sim.ledger().filter((l) => l.paymentId === id)).toHaveLength(1);
    }
    restarted.stop();
  });
});
