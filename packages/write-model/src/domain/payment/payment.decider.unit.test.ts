import { describe, it } from '@jest/globals';
import type { Money } from '@strata/events';
import { deciderSpec } from '../testing/deciderSpec.js';
import { ev } from '../testing/fixtures.js';
import { paymentDecider, type PaymentCommand } from './payment.decider.js';

const expectPayment = deciderSpec(paymentDecider);
const usd = (amount: number) => ({ amount, currency: 'USD' }) as Money;
const ids = { paymentId: 'o-1', orderId: 'o-1' };
const requested = ev('PaymentRequested', { ...ids, customerId: 'c-1', amount: usd(9950) });
const authorized = ev('PaymentAuthorized', { ...ids, amount: usd(9950), providerRef: 'prov-1', expiresAt: '2026-01-08T00:00:00.000Z' });
const captured = ev('PaymentCaptured', { ...ids, amount: usd(9950) });
const request = (amount = usd(9950)): PaymentCommand => ({ type: 'RequestPayment', data: { ...ids, customerId: 'c-1', amount } });
const authorize = (amount = usd(9950), providerRef = 'prov-1'): PaymentCommand => ({
  type: 'AuthorizePayment',
  data: { paymentId: 'o-1', providerRef, amount, expiresAt: '2026-01-08T00:00:00.000Z' },
});
const capture = (amount?: Money): PaymentCommand => ({ type: 'CapturePayment', data: amount === undefined ? { paymentId: 'o-1' } : { paymentId: 'o-1', amount } });
const refund = (amount: Money): PaymentCommand => ({ type: 'RefundPayment', data: { paymentId: 'o-1', amount } });
const voidIt = (reason = 'order cancelled'): PaymentCommand => ({ type: 'VoidPayment', data: { paymentId: 'o-1', reason } });
const decline = (reason = 'insufficient funds'): PaymentCommand => ({ type: 'DeclinePayment', data: { paymentId: 'o-1', reason } });

describe('payment decider', () => {
  it('requests once; the same request again is a retry, another is a conflict', () => {
    expectPayment.given([]).when(request()).then([requested]);
    expectPayment.given([requested]).when(request()).thenNothing();
    expectPayment.given([requested]).when(request(usd(1))).thenRejects('PaymentAlreadyExists');
  });

  it('authorizes a requested payment, at most the requested amount, in its currency', () => {
    expectPayment.given([requested]).when(authorize()).then([authorized]);
    expectPayment.given([requested]).when(authorize(usd(9951))).thenRejects('InvalidCommand', 'amount.amount');
    expectPayment.given([requested]).when(authorize({ amount: 9950, currency: 'EUR' } as Money)).thenRejects('CurrencyMismatch', 'amount.currency');
    expectPayment.given([requested, authorized]).when(authorize()).thenNothing();
    expectPayment.given([requested, authorized]).when(authorize(usd(9950), 'prov-2')).thenRejects('InvalidPaymentTransition');
    expectPayment.given([]).when(authorize()).thenRejects('PaymentNotFound');
  });

  it('records a request and its outcome as one commit when the command carries the request', () => {
    const withRequest = (command: PaymentCommand): PaymentCommand => ({ ...command, data: { ...command.data, request: { ...ids, customerId: 'c-1', amount: usd(9950) } } }) as PaymentCommand;
    expectPayment.given([]).when(withRequest(authorize())).then([requested, authorized]);
    expectPayment.given([]).when(withRequest(decline())).then([requested, ev('PaymentDeclined', { ...ids, reason: 'insufficient funds' })]);
    // A payment already requested (or decided) ignores the request it carries: a retry stays a no-op.
    expectPayment.given([requested]).when(withRequest(authorize())).then([authorized]);
    expectPayment.given([requested, authorized]).when(withRequest(authorize())).thenNothing();
    expectPayment.given([]).when(withRequest(authorize(usd(9951)))).thenRejects('InvalidCommand', 'amount.amount');
    const otherPayment: PaymentCommand = { type: 'AuthorizePayment', data: { ...(authorize().data as object), request: { ...ids, paymentId: 'o-2', customerId: 'c-1', amount: usd(9950) } } } as PaymentCommand;
    expectPayment.given([]).when(otherPayment).thenRejects('InvalidCommand', 'request.paymentId');
  });

  it('declines only a requested payment', () => {
    expectPayment.given([requested]).when(decline()).then([ev('PaymentDeclined', { ...ids, reason: 'insufficient funds' })]);
    expectPayment.given([requested, ev('PaymentDeclined', { ...ids, reason: 'insufficient funds' })]).when(decline()).thenNothing();
    expectPayment.given([requested, ev('PaymentDeclined', { ...ids, reason: 'insufficient funds' })]).when(authorize()).thenRejects('InvalidPaymentTransition');
    expectPayment.given([requested, authorized]).when(decline()).thenRejects('InvalidPaymentTransition');
  });

  it('captures only after authorization, at most the authorized amount, by default all of it', () => {
    expectPayment.given([requested]).when(capture()).thenRejects('InvalidPaymentTransition');
    expectPayment.given([requested, authorized]).when(capture()).then([captured]);
    expectPayment.given([requested, authorized]).when(capture(usd(5000))).then([ev('PaymentCaptured', { ...ids, amount: usd(5000) })]);
    expectPayment.given([requested, authorized]).when(capture(usd(9951))).thenRejects('CaptureExceedsAuthorized', 'amount.amount');
    expectPayment.given([requested, authorized, captured]).when(capture()).thenNothing();
    expectPayment.given([requested, authorized, captured]).when(capture(usd(1))).thenRejects('InvalidPaymentTransition');
  });

  it('voids only an uncaptured hold', () => {
    expectPayment.given([requested, authorized]).when(voidIt()).then([ev('PaymentVoided', { ...ids, reason: 'order cancelled' })]);
    expectPayment.given([requested, authorized, ev('PaymentVoided', { ...ids, reason: 'order cancelled' })]).when(voidIt()).thenNothing();
    expectPayment.given([requested, authorized, ev('PaymentVoided', { ...ids, reason: 'order cancelled' })]).when(capture()).thenRejects('InvalidPaymentTransition');
    expectPayment.given([requested, authorized, captured]).when(voidIt()).thenRejects('InvalidPaymentTransition');
    expectPayment.given([requested]).when(voidIt()).thenRejects('InvalidPaymentTransition');
  });

  it('refunds never exceed the capture, cumulatively', () => {
    const refunded = (amount: number) => ev('PaymentRefunded', { ...ids, amount: usd(amount) });
    expectPayment.given([requested, authorized]).when(refund(usd(1))).thenRejects('InvalidPaymentTransition');
    expectPayment.given([requested, authorized, captured]).when(refund(usd(9000))).then([refunded(9000)]);
    expectPayment.given([requested, authorized, captured, refunded(9000)]).when(refund(usd(950))).then([refunded(950)]);
    expectPayment.given([requested, authorized, captured, refunded(9000)]).when(refund(usd(951))).thenRejects('RefundExceedsCaptured', 'amount.amount');
    expectPayment.given([requested, authorized, captured]).when(refund(usd(0))).thenRejects('InvalidCommand', 'amount.amount');
    expectPayment.given([requested, authorized, captured]).when(refund({ amount: 1, currency: 'EUR' } as Money)).thenRejects('CurrencyMismatch');
    expectPayment.given([requested, authorized, captured, refunded(9000)]).when(refund(usd(950))).thenState({
      status: 'refunded', ...ids, customerId: 'c-1', amount: usd(9950), authorized: usd(9950), providerRef: 'prov-1',
      expiresAt: '2026-01-08T00:00:00.000Z', captured: usd(9950), refunded: 9950,
    });
  });
});
