import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { createSagaHarness, orderPaymentPair, type SagaHarness } from '../testing/sagaHarness.js';
import { recoverSagas } from './recover.js';

// Random interleavings of customer/admin commands with the saga and random provider behaviour
// (approve, decline, transient failures, slow answers, an outage), all on the ASL documents.
// Whatever happens, money is conserved: every hold ends captured, voided or refunded, never
// over-captured or over-refunded, never held twice — and the write model agrees with the provider.
let h: SagaHarness;
beforeAll(async () => {
  h = await createSagaHarness({
    rules: [
      { paymentIdPrefix: 'decline-', decline: 'insufficient funds' },
      { paymentIdPrefix: 'flaky-', failFirstAttempts: 3 },
      { paymentIdPrefix: 'slow-', slowFirstAttempts: 1, slowMs: 40 },
    ],
  });
});
afterAll(() => h.close());

const provider = fc.constantFrom('approve-', 'decline-', 'flaky-', 'slow-');
const action = fc.constantFrom('settle', 'ship', 'deliver', 'cancel');
let run = 0;

describe('payment saga invariants', () => {
  it('every authorized amount ends captured, voided or refunded; captured ≤ authorized; refunded ≤ captured', async () => {
    await fc.assert(
      fc.asyncProperty(provider, fc.array(action, { maxLength: 6 }), fc.boolean(), fc.integer({ min: 0, max: 10_000 }), async (kind, actions, outage, price) => {
        const orderId = `${kind}${++run}`;
        h.now = new Date().toISOString();
        h.sim.setOutage(outage);
        await h.placeOrder(orderId, price);
        let saga = h.settle();
        for (const a of actions) {
          if (a === 'settle') {
            await saga;
            saga = h.settle();
          } else if (a === 'ship') await h.writeModel.shipOrder({ orderId }, h.ctx('ship'));
          else if (a === 'deliver') await h.writeModel.deliverOrder({ orderId }, h.ctx('deliver'));
          else await h.writeModel.cancelOrder({ orderId, reason: 'customer asked' }, h.ctx('cancel'));
        }
        await saga;
        // The operator retries what failed once the provider is back.
        h.sim.setOutage(false);
        await Promise.all(h.runner.executions().filter((e) => e.status === 'failed' && e.name.endsWith(`:${orderId}`)).map((e) => h.runner.retry(e.name).done));
        await h.settle();
        // The end of the story: the runtime restarts (recovery), time passes beyond any hold's
        // expiry and the hold-expiry sweep runs.
        await Promise.all((await recoverSagas([orderId], { writeModel: h.writeModel, runner: h.runner })).map((r) => r.execution?.done));
        await h.settle();
        h.now = new Date(Date.now() + 30 * 24 * 3600 * 1000).toISOString();
        await h.sweep();

        const holds = h.sim.ledger().filter((l) => l.paymentId === orderId);
        expect(holds.length).toBeLessThanOrEqual(1);
        const { order, payment, consistent } = await orderPaymentPair(h.writeModel, orderId);
        for (const hold of holds) {
          expect(hold.captured).toBeLessThanOrEqual(hold.authorized.amount);
          expect(hold.refunded).toBeLessThanOrEqual(hold.captured);
          expect(hold.voided || hold.captured > 0 || hold.authorized.amount === 0).toBe(true);
          expect(payment.status).toMatch(/^(voided|captured|refunded)$/);
          if (payment.status === 'captured' || payment.status === 'refunded') expect(payment.captured.amount).toBe(hold.captured);
        }
        if (holds.length === 0) expect(payment.status).toMatch(/^(none|declined)$/);
        // A hold that expired after shipping leaves shipped + voided for a person to look at.
        if (!(order.status === 'shipped' && payment.status === 'voided')) expect(consistent).toBe(true);
      }),
      { numRuns: 25 },
    );
  }, 180_000);
});
