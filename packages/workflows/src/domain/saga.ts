import type { DomainEnvelope, EventEnvelope, Money } from '@strata/events';
import type { OrderState, PaymentState } from '@strata/write-model';

/**
 * The payment saga's decisions, as pure functions. The ASL documents carry the control flow;
 * what to do at each branch point is decided here from the payment's current state, so a re-run
 * (duplicate trigger, retry, recovery after a crash) always takes the same branch.
 */

/** By convention one payment per order, with the order's id (write-api.md). */
export const paymentIdForOrder = (orderId: string): string => orderId;

/** Every saga step writes with a command id derived from payment id + step: re-runs are duplicates. */
export type SagaCommandStep = 'request' | 'authorized' | 'confirm-order' | 'declined' | 'cancel-order' | 'void' | 'capture' | 'refund' | 'expire-order';
export const sagaCommandId = (paymentId: string, step: SagaCommandStep): string => `${paymentId}:${step}`;

/** Input of the payment request workflow (from OrderPlaced). */
export interface PaymentRequestInput {
  readonly paymentId: string;
  readonly orderId: string;
  readonly customerId: string;
  readonly amount: Money;
  readonly correlationId: string;
  /** The event that started the saga. */
  readonly causationId: string;
  /**
   * The OrderPlaced event itself, when the saga was started by it: the order's stream as it
   * stood, so confirming the order needs no read (a stale one loses the conditional write and the
   * command reloads). Absent when recovery or an operator starts the saga.
   */
  readonly placed?: EventEnvelope;
}

export type ReleaseTrigger = 'OrderDelivered' | 'OrderCancelled';

/** Input of the payment release workflow (from OrderDelivered / OrderCancelled). */
export interface PaymentReleaseInput {
  readonly trigger: ReleaseTrigger;
  readonly paymentId: string;
  readonly orderId: string;
  readonly correlationId: string;
  readonly causationId: string;
}

/** Input of the hold-expiry sweep: whatever started it (the schedule's event, the local timer). */
export interface HoldSweepInput {
  /** ISO-8601, informational: the sweep compares `expiresAt` with the step's own clock. */
  readonly time?: string;
}

/** One authorization hold the sweep found past its expiry (from the read model). */
export interface ExpiredHold {
  readonly paymentId: string;
  readonly orderId: string;
}

/** Holds one sweep expires at most; the next sweep takes the rest (expiries are rare). */
export const HOLDS_PER_SWEEP = 100;

export type ReleaseAction = 'capture' | 'void' | 'refund' | 'none';

/**
 * Delivery captures an authorized hold; cancellation voids it, or refunds what was captured.
 * Anything else needs nothing (not yet authorized: the request saga voids on its own when the
 * order turns out cancelled; declined / voided / fully refunded: nothing is held).
 */
export const releaseAction = (trigger: ReleaseTrigger, payment: PaymentState): ReleaseAction => {
  switch (payment.status) {
    case 'authorized':
      return trigger === 'OrderDelivered' ? 'capture' : 'void';
    case 'captured':
    case 'refunded':
      return trigger === 'OrderCancelled' && refundable(payment) > 0 ? 'refund' : 'none';
    default:
      return 'none';
  }
};

/** What is left to refund of a captured payment. */
export const refundable = (payment: PaymentState): number =>
  payment.status === 'captured' || payment.status === 'refunded' ? payment.captured.amount - payment.refunded : 0;

/** A hold past its expiry that was neither captured nor voided must be released. */
export const holdExpired = (payment: PaymentState, now: string): boolean =>
  payment.status === 'authorized' && Date.parse(now) >= Date.parse(payment.expiresAt);

/** Reasons written on the payment stream; fixed texts so re-runs carry identical payloads. */
export const VOID_REASONS = {
  orderCancelled: 'order cancelled',
  holdExpired: 'authorization hold expired',
} as const;
/** Why the saga cancels an order whose hold expired before it shipped. */
export const EXPIRED_ORDER_REASON = 'payment authorization expired before shipping';
export const declinedOrderReason = (providerReason: string): string => `payment declined: ${providerReason}`.slice(0, 500);

/** What recovery does for one order/payment pair found mid-way after a restart. */
export type RecoveryAction =
  | { readonly kind: 'request' }
  | { readonly kind: 'release'; readonly trigger: ReleaseTrigger }
  | { readonly kind: 'none' };

/**
 * Decides how to finish a saga interrupted by a crash, from the two aggregates alone:
 * - the order is still placed (payment missing, requested, or decided but the order not yet
 *   confirmed / cancelled) → run the request workflow again: every step is idempotent;
 * - an authorized hold on a cancelled / delivered order → release it (void / capture);
 * - a captured payment on a cancelled order → refund.
 * An authorized hold on a live order needs nothing here: the hold-expiry sweep voids it if it
 * outlives its expiry (the runtime sweeps on start and then on a timer).
 */
export const recoveryAction = (order: OrderState, payment: PaymentState): RecoveryAction => {
  if (order.status === 'placed' && payment.status !== 'voided') return { kind: 'request' };
  if (order.status === 'cancelled' && payment.status === 'requested') return { kind: 'request' };
  if (payment.status === 'authorized') {
    if (order.status === 'cancelled') return { kind: 'release', trigger: 'OrderCancelled' };
    if (order.status === 'delivered') return { kind: 'release', trigger: 'OrderDelivered' };
    return { kind: 'none' };
  }
  if (order.status === 'cancelled' && releaseAction('OrderCancelled', payment) === 'refund') return { kind: 'release', trigger: 'OrderCancelled' };
  return { kind: 'none' };
};

/**
 * The saga input a routed event maps to: the reference for the first states of the ASL documents,
 * which do this mapping themselves (`FromOrderPlaced`, `FromOrderEvent`: EventBridge hands the
 * state machine the whole event) — a unit test runs both and compares. The local runner uses it
 * to name executions.
 */
export const sagaInputFor = (
  envelope: DomainEnvelope,
): { workflow: 'PaymentRequest'; input: PaymentRequestInput } | { workflow: 'PaymentRelease'; input: PaymentReleaseInput } | undefined => {
  const trace = { correlationId: envelope.correlationId, causationId: envelope.eventId };
  switch (envelope.type) {
    case 'OrderPlaced': {
      const { orderId, customerId, total, currency } = envelope.data;
      return { workflow: 'PaymentRequest', input: { paymentId: paymentIdForOrder(orderId), orderId, customerId, amount: { amount: total, currency }, ...trace, placed: envelope } };
    }
    case 'OrderDelivered':
    case 'OrderCancelled':
      return { workflow: 'PaymentRelease', input: { trigger: envelope.type, paymentId: paymentIdForOrder(envelope.data.orderId), orderId: envelope.data.orderId, ...trace } };
    default:
      return undefined;
  }
};
