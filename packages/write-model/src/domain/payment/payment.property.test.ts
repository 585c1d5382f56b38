import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import type { DomainEvent, Money } from '@strata/events';
import { checkCommandSequence } from '../testing/deciderProperties.js';
import { paymentDecider, type PaymentCommand, type PaymentState } from './payment.decider.js';

// Amounts from small related sets, so sequences reach capture and refunds, and land on the
// limits (the whole amount, one more, halves) where an off-by-one would show.
const money = (...amounts: number[]): fc.Arbitrary<Money> =>
  fc.oneof(
    { weight: 9, arbitrary: fc.constantFrom(...amounts).map((amount) => ({ amount, currency: 'USD' }) as Money) },
    { weight: 1, arbitrary: fc.constant({ amount: 100, currency: 'EUR' } as Money) },
  );
const paymentId = 'o-1';
const command: fc.Arbitrary<PaymentCommand> = fc.oneof(
  { weight: 2, arbitrary: fc.constantFrom(1000, 1000, 1000, 500).map((amount) => ({ type: 'RequestPayment' as const, data: { paymentId, orderId: 'o-1', customerId: 'c-1', amount: { amount, currency: 'USD' } as Money } })) },
  { weight: 2, arbitrary: fc.record({ providerRef: fc.constantFrom('ref-1', 'ref-1', 'ref-2'), amount: money(1000, 1000, 999, 1001) }).map((d) => ({ type: 'AuthorizePayment' as const, data: { paymentId, expiresAt: '2026-01-08T00:00:00Z', ...d } })) },
  { weight: 1, arbitrary: fc.constantFrom('insufficient funds', 'fraud').map((reason) => ({ type: 'DeclinePayment' as const, data: { paymentId, reason } })) },
  { weight: 2, arbitrary: fc.option(money(1000, 999, 1001, 500), { nil: undefined }).map((amount) => ({ type: 'CapturePayment' as const, data: amount === undefined ? { paymentId } : { paymentId, amount } })) },
  { weight: 1, arbitrary: fc.constantFrom('cancelled', 'expired').map((reason) => ({ type: 'VoidPayment' as const, data: { paymentId, reason } })) },
  { weight: 4, arbitrary: money(0, 1, 250, 499, 500, 501, 999, 1000).map((amount) => ({ type: 'RefundPayment' as const, data: { paymentId, amount } })) },
);

const amountOf = (e: DomainEvent): number => ('amount' in e.data && typeof e.data.amount === 'object' ? e.data.amount.amount : 0);

/** Requested → (Declined | Authorized → (Voided | Captured → Refunded*)). */
const LEGAL_HISTORY = /^(PaymentRequested(,PaymentDeclined|,PaymentAuthorized(,PaymentVoided|,PaymentCaptured(,PaymentRefunded)*)?)?)?$/;

const invariant = (state: PaymentState, history: readonly DomainEvent[]): void => {
  expect(history.map((e) => e.type).join(',')).toMatch(LEGAL_HISTORY);
  const requested = history.find((e) => e.type === 'PaymentRequested');
  const currencies = new Set(history.flatMap((e) => ('amount' in e.data && typeof e.data.amount === 'object' ? [e.data.amount.currency] : [])));
  expect(currencies.size).toBeLessThanOrEqual(1);
  const authorized = history.find((e) => e.type === 'PaymentAuthorized');
  if (requested && authorized) expect(amountOf(authorized)).toBeLessThanOrEqual(amountOf(requested));
  const captured = history.find((e) => e.type === 'PaymentCaptured');
  if (captured) expect(amountOf(captured)).toBeLessThanOrEqual(amountOf(authorized!));
  const refunded = history.filter((e) => e.type === 'PaymentRefunded').reduce((s, e) => s + amountOf(e), 0);
  expect(refunded).toBeLessThanOrEqual(captured ? amountOf(captured) : 0);
  if (state.status === 'captured' || state.status === 'refunded') expect(state.refunded).toBe(refunded);
};

describe('payment decider properties', () => {
  it('any command sequence keeps the invariants, replays to the same state, and decides idempotently (refunds are additive)', () => {
    fc.assert(
      fc.property(fc.array(command, { maxLength: 25 }), (commands) => {
        checkCommandSequence(paymentDecider, commands, { invariant, additive: (c) => c.type === 'RefundPayment' });
      }),
      { numRuns: 400 },
    );
  });
});
