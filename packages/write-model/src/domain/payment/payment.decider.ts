import * as E from 'fp-ts/lib/Either.js';
import { fingerprint, type DomainEvent, type EventData, type Money } from '@strata/events';
import { alreadyDone, emit, newEvent, reject, type Decider } from '../decider.js';
import { domainError, type DomainError } from '../errors.js';

// ── Commands ─────────────────────────────────────────────────────────────────────────────
export interface RequestPayment { readonly paymentId: string; readonly orderId: string; readonly customerId: string; readonly amount: Money }
/**
 * `request`: the payment's request, for a payment not requested yet. The request and its outcome
 * are then one commit (PaymentRequested + PaymentAuthorized / PaymentDeclined): the saga records
 * the provider's answer with one write instead of two.
 */
export interface AuthorizePayment { readonly paymentId: string; readonly providerRef: string; readonly amount: Money; readonly expiresAt: string; readonly request?: RequestPayment }
export interface DeclinePayment { readonly paymentId: string; readonly reason: string; readonly request?: RequestPayment }
/** `amount` defaults to the whole authorized amount. */
export interface CapturePayment { readonly paymentId: string; readonly amount?: Money }
export interface VoidPayment { readonly paymentId: string; readonly reason: string }
export interface RefundPayment { readonly paymentId: string; readonly amount: Money }

export type PaymentCommand =
  | { readonly type: 'RequestPayment'; readonly data: RequestPayment }
  | { readonly type: 'AuthorizePayment'; readonly data: AuthorizePayment }
  | { readonly type: 'DeclinePayment'; readonly data: DeclinePayment }
  | { readonly type: 'CapturePayment'; readonly data: CapturePayment }
  | { readonly type: 'VoidPayment'; readonly data: VoidPayment }
  | { readonly type: 'RefundPayment'; readonly data: RefundPayment };

// ── State ────────────────────────────────────────────────────────────────────────────────
/** The request: `amount` is what was asked for. */
export type PaymentDetails = EventData<'PaymentRequested'>;
interface Authorization { readonly authorized: Money; readonly providerRef: string; readonly expiresAt: string }
/** `refunded` is cumulative, in the payment's currency; it never exceeds `captured.amount`. */
interface Capture { readonly captured: Money; readonly refunded: number }

export type PaymentState =
  | { readonly status: 'none' }
  | ({ readonly status: 'requested' } & PaymentDetails)
  | ({ readonly status: 'authorized' } & PaymentDetails & Authorization)
  | ({ readonly status: 'declined'; readonly reason: string } & PaymentDetails)
  | ({ readonly status: 'voided'; readonly reason: string } & PaymentDetails & Authorization)
  | ({ readonly status: 'captured' } & PaymentDetails & Authorization & Capture)
  /** At least one refund was made; further refunds are allowed while the cumulative sum fits. */
  | ({ readonly status: 'refunded' } & PaymentDetails & Authorization & Capture);
export type PaymentStatus = PaymentState['status'];

const detailsOf = (s: PaymentDetails): PaymentDetails => ({ paymentId: s.paymentId, orderId: s.orderId, customerId: s.customerId, amount: s.amount });

export const initialState = (): PaymentState => ({ status: 'none' });

/** Total; an event with no transition from the current status leaves the state unchanged (decide never emits one). */
export const evolve = (state: PaymentState, event: DomainEvent): PaymentState => {
  switch (event.type) {
    case 'PaymentRequested':
      return state.status === 'none' ? { status: 'requested', ...detailsOf(event.data) } : state;
    case 'PaymentAuthorized':
      return state.status === 'requested'
        ? { ...state, status: 'authorized', authorized: event.data.amount, providerRef: event.data.providerRef, expiresAt: event.data.expiresAt }
        : state;
    case 'PaymentDeclined':
      return state.status === 'requested' ? { ...state, status: 'declined', reason: event.data.reason } : state;
    case 'PaymentVoided':
      return state.status === 'authorized' ? { ...state, status: 'voided', reason: event.data.reason } : state;
    case 'PaymentCaptured':
      return state.status === 'authorized' ? { ...state, status: 'captured', captured: event.data.amount, refunded: 0 } : state;
    case 'PaymentRefunded':
      return state.status === 'captured' || state.status === 'refunded'
        ? { ...state, status: 'refunded', refunded: state.refunded + event.data.amount.amount }
        : state;
    default:
      return state;
  }
};

type Decision = E.Either<DomainError, readonly DomainEvent[]>;

const notFound = (paymentId: string): Decision => reject(domainError('PaymentNotFound', `payment ${paymentId} does not exist`));
const transition = (state: Exclude<PaymentState, { status: 'none' }>, action: string): Decision =>
  reject(domainError('InvalidPaymentTransition', `payment ${state.paymentId} is ${state.status} and cannot be ${action}`));
const currencyMismatch = (state: PaymentDetails, amount: Money): DomainError | undefined =>
  amount.currency === state.amount.currency
    ? undefined
    : domainError('CurrencyMismatch', `payment ${state.paymentId} is in ${state.amount.currency}, not ${amount.currency}`, 'amount.currency');

const requestPayment = (cmd: RequestPayment, state: PaymentState): Decision => {
  const requested = newEvent('PaymentRequested', { paymentId: cmd.paymentId, orderId: cmd.orderId, customerId: cmd.customerId, amount: cmd.amount });
  if (E.isLeft(requested)) return requested;
  if (state.status === 'none') return E.right([requested.right]);
  return fingerprint(detailsOf(state)) === fingerprint(requested.right.data)
    ? alreadyDone
    : reject(domainError('PaymentAlreadyExists', `payment ${cmd.paymentId} already exists`));
};

/**
 * Decides `then` on the requested payment when the command carries the request of a payment that
 * does not exist yet: the PaymentRequested event goes first, in the same commit.
 */
const requestedFirst = (request: RequestPayment | undefined, paymentId: string, state: PaymentState, then: (state: PaymentState) => Decision): Decision => {
  if (state.status !== 'none' || request === undefined) return then(state);
  if (request.paymentId !== paymentId) return reject(domainError('InvalidCommand', `the request is for payment ${request.paymentId}, not ${paymentId}`, 'request.paymentId'));
  const requested = requestPayment(request, state);
  if (E.isLeft(requested)) return requested;
  const after = requested.right.reduce(evolve, state);
  return E.map((events: readonly DomainEvent[]) => [...requested.right, ...events])(then(after));
};

const authorizePayment = (cmd: AuthorizePayment, state: PaymentState): Decision => requestedFirst(cmd.request, cmd.paymentId, state, (s) => authorizeRequested(cmd, s));

const authorizeRequested = (cmd: AuthorizePayment, state: PaymentState): Decision => {
  if (state.status === 'none') return notFound(cmd.paymentId);
  const mismatch = currencyMismatch(state, cmd.amount);
  if (mismatch) return reject(mismatch);
  switch (state.status) {
    case 'requested':
      if (cmd.amount.amount > state.amount.amount)
        return reject(domainError('InvalidCommand', `cannot authorize more than the requested ${state.amount.amount}`, 'amount.amount'));
      return emit('PaymentAuthorized', { paymentId: state.paymentId, orderId: state.orderId, amount: cmd.amount, providerRef: cmd.providerRef, expiresAt: cmd.expiresAt });
    case 'authorized':
    case 'voided':
    case 'captured':
    case 'refunded':
      // A provider callback delivered twice.
      return state.providerRef === cmd.providerRef && state.authorized.amount === cmd.amount.amount ? alreadyDone : transition(state, 'authorized again');
    case 'declined':
      return transition(state, 'authorized');
  }
};

const declinePayment = (cmd: DeclinePayment, state: PaymentState): Decision => requestedFirst(cmd.request, cmd.paymentId, state, (s) => declineRequested(cmd, s));

const declineRequested = (cmd: DeclinePayment, state: PaymentState): Decision => {
  switch (state.status) {
    case 'none':
      return notFound(cmd.paymentId);
    case 'requested':
      return emit('PaymentDeclined', { paymentId: state.paymentId, orderId: state.orderId, reason: cmd.reason });
    case 'declined':
      return state.reason === cmd.reason ? alreadyDone : transition(state, 'declined again');
    default:
      return transition(state, 'declined');
  }
};

/** Captures at most the authorized amount, once. */
const capturePayment = (cmd: CapturePayment, state: PaymentState): Decision => {
  switch (state.status) {
    case 'none':
      return notFound(cmd.paymentId);
    case 'authorized': {
      const amount = cmd.amount ?? state.authorized;
      const mismatch = currencyMismatch(state, amount);
      if (mismatch) return reject(mismatch);
      if (amount.amount > state.authorized.amount)
        return reject(domainError('CaptureExceedsAuthorized', `cannot capture ${amount.amount}: only ${state.authorized.amount} is authorized`, 'amount.amount'));
      return emit('PaymentCaptured', { paymentId: state.paymentId, orderId: state.orderId, amount });
    }
    case 'captured':
    case 'refunded': {
      const amount = cmd.amount ?? state.authorized;
      return amount.amount === state.captured.amount && amount.currency === state.captured.currency ? alreadyDone : transition(state, 'captured again');
    }
    default:
      return transition(state, 'captured');
  }
};

/** Releases an authorized hold; a captured payment is refunded instead. */
const voidPayment = (cmd: VoidPayment, state: PaymentState): Decision => {
  switch (state.status) {
    case 'none':
      return notFound(cmd.paymentId);
    case 'authorized':
      return emit('PaymentVoided', { paymentId: state.paymentId, orderId: state.orderId, reason: cmd.reason });
    case 'voided':
      return state.reason === cmd.reason ? alreadyDone : transition(state, 'voided again');
    default:
      return transition(state, 'voided');
  }
};

/**
 * Refunds are additive by nature (two refunds of 10 are two refunds), so a repeated refund is NOT
 * a no-op here: retries are made safe by the command id, which the command handler checks.
 */
const refundPayment = (cmd: RefundPayment, state: PaymentState): Decision => {
  switch (state.status) {
    case 'none':
      return notFound(cmd.paymentId);
    case 'captured':
    case 'refunded': {
      const mismatch = currencyMismatch(state, cmd.amount);
      if (mismatch) return reject(mismatch);
      if (cmd.amount.amount <= 0) return reject(domainError('InvalidCommand', 'a refund must be a positive amount', 'amount.amount'));
      const left = state.captured.amount - state.refunded;
      if (cmd.amount.amount > left)
        return reject(domainError('RefundExceedsCaptured', `cannot refund ${cmd.amount.amount}: only ${left} of the capture is left`, 'amount.amount'));
      return emit('PaymentRefunded', { paymentId: state.paymentId, orderId: state.orderId, amount: cmd.amount });
    }
    default:
      return transition(state, 'refunded');
  }
};

export const decide = (command: PaymentCommand, state: PaymentState): Decision => {
  switch (command.type) {
    case 'RequestPayment':
      return requestPayment(command.data, state);
    case 'AuthorizePayment':
      return authorizePayment(command.data, state);
    case 'DeclinePayment':
      return declinePayment(command.data, state);
    case 'CapturePayment':
      return capturePayment(command.data, state);
    case 'VoidPayment':
      return voidPayment(command.data, state);
    case 'RefundPayment':
      return refundPayment(command.data, state);
  }
};

export const paymentDecider: Decider<PaymentCommand, PaymentState> = { initialState, evolve, decide };
