import * as E from 'fp-ts/lib/Either.js';
import { decodeEnvelope, orderStream, type EventEnvelope, type Money } from '@strata/events';
import { fold, orderDecider, type CommandContext, type CommandResult, type DomainError, type LoadedStream, type OrderState, type PaymentState, type WriteModel } from '@strata/write-model';
import {
  EXPIRED_ORDER_REASON,
  HOLDS_PER_SWEEP,
  VOID_REASONS,
  declinedOrderReason,
  holdExpired,
  refundable,
  releaseAction,
  sagaCommandId,
  type ExpiredHold,
  type PaymentRequestInput,
  type SagaCommandStep,
} from '../domain/saga.js';
import { idempotencyKey, type PaymentProvider } from '../provider/port.js';

/**
 * The saga's step handlers: plain `(input, deps) => output` functions. On AWS each runs inside
 * a Lambda task (`handlePaymentStep` is the handler body); locally the runner plugs the same
 * functions into aws-local-stepfunctions. Every step is idempotent: provider calls carry
 * `idempotencyKey(paymentId, step)` and write-model commands `sagaCommandId(paymentId, step)`,
 * and every decision is re-derived from the payment's current state. A step reads the payment
 * once and hands that read to its command (`loaded`): one read per step, not two.
 */
export interface StepDeps {
  readonly writeModel: WriteModel;
  readonly provider: PaymentProvider;
  /** ISO-8601 now. @default () => new Date().toISOString() */
  readonly clock?: () => string;
  /**
   * Authorization holds past their expiry at `now` (the read model's payments), at most `limit`:
   * the hold-expiry sweep's source. Only the sweep's first step needs it.
   */
  readonly expiredHolds?: (now: string, limit: number) => Promise<readonly ExpiredHold[]>;
}

/**
 * A step that cannot succeed by retrying (a rejected command the saga did not expect). Its
 * `name` is what the ASL `Catch` sees; the execution ends in the `Failed` state for an operator.
 */
export class SagaStepError extends Error {
  override readonly name = 'SagaStepFailed';
  readonly code = 'SAGA_STEP_FAILED';
  constructor(
    readonly step: string,
    readonly error: DomainError,
  ) {
    super(`${step}: ${error._tag}: ${error.message}`);
  }
}

/** A step the runtime is not set up for (the sweep without a read model). */
export class StepNotConfiguredError extends Error {
  override readonly name = 'StepNotConfigured';
  readonly code = 'STEP_NOT_CONFIGURED';
}

type Correlated = { readonly paymentId: string; readonly correlationId: string; readonly causationId: string };

const nowOf = (deps: StepDeps): string => (deps.clock ?? (() => new Date().toISOString()))();

const context = (deps: StepDeps, input: Correlated, step: SagaCommandStep): CommandContext => ({
  commandId: sagaCommandId(input.paymentId, step),
  actor: { kind: 'system', id: 'payment-saga' },
  correlationId: input.correlationId,
  causationId: input.causationId,
  now: nowOf(deps),
});

/** Succeeds on a commit or a duplicate; a rejection is accepted only when `settled` says the goal already holds. */
const record = async (step: string, result: CommandResult, settled?: () => Promise<boolean>): Promise<void> => {
  if (E.isRight(result)) return;
  if (settled !== undefined && (await settled())) return;
  throw new SagaStepError(step, result.left);
};

const loadPayment = (deps: StepDeps, paymentId: string): Promise<LoadedStream<PaymentState>> => deps.writeModel.loadPayment(paymentId);

/** The order's stream right after it was placed, from the OrderPlaced event that started the saga. */
const placedStream = (orderId: string, placed: EventEnvelope | undefined): LoadedStream<OrderState> | undefined => {
  if (placed === undefined || placed.type !== 'OrderPlaced' || placed.streamVersion !== 1 || placed.streamId !== orderStream(orderId)) return undefined;
  const decoded = decodeEnvelope(placed);
  return E.isRight(decoded) ? { state: fold(orderDecider, [{ type: decoded.right.type, data: decoded.right.data } as never]), version: 1, envelopes: [placed] } : undefined;
};

// ── Payment request ─────────────────────────────────────────────────────────────────────
/** What `authorize` tells the document's `Authorized?` choice. */
export type AuthorizeResult =
  | { readonly outcome: 'authorized'; readonly orderConfirmed: boolean }
  | { readonly outcome: 'declined'; readonly reason: string }
  /** A re-run found the payment captured, voided or refunded: nothing left to do. */
  | { readonly outcome: 'settled' };

/**
 * Holds the funds and records the answer (PaymentRequested and PaymentAuthorized / Declined in
 * one commit); an authorized hold then confirms the order — which is not confirmed when it was
 * cancelled meanwhile (the document voids the hold). A re-run never asks the provider again once
 * an answer is recorded; before that, the provider answers a repeated key from its idempotency cache.
 * Started by OrderPlaced, it confirms on the event's version of the order (no read).
 */
export const authorize = async (input: PaymentRequestInput, deps: StepDeps): Promise<AuthorizeResult> => {
  const { paymentId, orderId, customerId, amount } = input;
  const loaded = await loadPayment(deps, paymentId);
  const payment = loaded.state;
  switch (payment.status) {
    case 'none':
    case 'requested': {
      const answer = await deps.provider.authorize({ idempotencyKey: idempotencyKey(paymentId, 'authorize'), paymentId, amount });
      const request = { paymentId, orderId, customerId, amount };
      if (answer.outcome === 'declined') {
        await record('declined', await deps.writeModel.declinePayment({ paymentId, reason: answer.reason, request }, context(deps, input, 'declined'), { loaded }));
        return { outcome: 'declined', reason: answer.reason };
      }
      const { providerRef, expiresAt } = answer;
      await record('authorized', await deps.writeModel.authorizePayment({ paymentId, providerRef, amount: answer.amount, expiresAt, request }, context(deps, input, 'authorized'), { loaded }));
      break;
    }
    case 'declined':
      return { outcome: 'declined', reason: payment.reason };
    case 'authorized':
      break;
    default:
      return { outcome: 'settled' };
  }
  const placed = placedStream(orderId, input.placed);
  const confirmed = await deps.writeModel.confirmOrder({ orderId, paymentId }, context(deps, input, 'confirm-order'), placed === undefined ? {} : { loaded: placed });
  if (E.isRight(confirmed)) return { outcome: 'authorized', orderConfirmed: true };
  if (confirmed.left._tag === 'OrderAlreadyCancelled') return { outcome: 'authorized', orderConfirmed: false };
  throw new SagaStepError('confirm-order', confirmed.left);
};

/** A declined payment cancels its order, with the provider's reason (on the OrderPlaced event's version, when the saga has it). */
export const cancelOrder = async (input: PaymentRequestInput & { readonly authorization: { readonly reason: string } }, deps: StepDeps): Promise<{ orderCancelled: true }> => {
  const placed = placedStream(input.orderId, input.placed);
  await record(
    'cancel-order',
    await deps.writeModel.cancelOrder({ orderId: input.orderId, reason: declinedOrderReason(input.authorization.reason) }, context(deps, input, 'cancel-order'), placed === undefined ? {} : { loaded: placed }),
    async () => (await deps.writeModel.loadOrder(input.orderId)).state.status === 'cancelled',
  );
  return { orderCancelled: true };
};

// ── Release (capture / void / refund) ───────────────────────────────────────────────────
const voidLoaded = async (input: Correlated & { readonly reason: string }, loaded: LoadedStream<PaymentState>, deps: StepDeps): Promise<{ voided: boolean }> => {
  const payment = loaded.state;
  if (payment.status !== 'authorized') return { voided: payment.status === 'voided' };
  await deps.provider.void({ idempotencyKey: idempotencyKey(input.paymentId, 'void'), providerRef: payment.providerRef });
  await record(
    'void',
    await deps.writeModel.voidPayment({ paymentId: input.paymentId, reason: input.reason }, context(deps, input, 'void'), { loaded }),
    async () => (await loadPayment(deps, input.paymentId)).state.status === 'voided',
  );
  return { voided: true };
};

const refundLoaded = async (input: Correlated, loaded: LoadedStream<PaymentState>, deps: StepDeps): Promise<{ refunded: Money | null }> => {
  const payment = loaded.state;
  const left = refundable(payment);
  if (left <= 0 || (payment.status !== 'captured' && payment.status !== 'refunded')) return { refunded: null };
  const amount = { amount: left, currency: payment.captured.currency } as Money;
  await deps.provider.refund({ idempotencyKey: idempotencyKey(input.paymentId, 'refund'), providerRef: payment.providerRef, amount });
  await record(
    'refund',
    await deps.writeModel.refundPayment({ paymentId: input.paymentId, amount }, context(deps, input, 'refund'), { loaded }),
    async () => refundable((await loadPayment(deps, input.paymentId)).state) === 0,
  );
  return { refunded: amount };
};

/** Releases an authorized hold; succeeds when the hold is already voided (by a concurrent path). */
export const voidHold = async (input: Correlated & { readonly reason: string }, deps: StepDeps): Promise<{ voided: boolean }> =>
  voidLoaded(input, await loadPayment(deps, input.paymentId), deps);

/** Delivery: captures an authorized hold, once; anything else (already captured, never authorized) needs nothing. */
export const capture = async (input: Correlated, deps: StepDeps): Promise<{ captured: Money | null }> => {
  const loaded = await loadPayment(deps, input.paymentId);
  const payment = loaded.state;
  if (payment.status !== 'authorized') return { captured: payment.status === 'captured' || payment.status === 'refunded' ? payment.captured : null };
  const amount = payment.authorized;
  await deps.provider.capture({ idempotencyKey: idempotencyKey(input.paymentId, 'capture'), providerRef: payment.providerRef, amount });
  await record('capture', await deps.writeModel.capturePayment({ paymentId: input.paymentId, amount }, context(deps, input, 'capture'), { loaded }));
  return { captured: amount };
};

/**
 * Cancellation: voids an authorized hold, or refunds what was captured (once per payment from the
 * saga), as `releaseAction` decides from the payment's state; nothing when nothing is held.
 */
export const compensate = async (input: Correlated & { readonly reason: string }, deps: StepDeps): Promise<{ action: 'void' | 'refund' | 'none'; voided?: boolean; refunded?: Money | null }> => {
  const loaded = await loadPayment(deps, input.paymentId);
  const action = releaseAction('OrderCancelled', loaded.state);
  if (action === 'void') return { action, ...(await voidLoaded(input, loaded, deps)) };
  if (action === 'refund') return { action, ...(await refundLoaded(input, loaded, deps)) };
  return { action: 'none' };
};

// ── Hold expiry ─────────────────────────────────────────────────────────────────────────
/** The sweep's first step: the holds past their expiry now (at most `HOLDS_PER_SWEEP`; the next sweep takes the rest). */
export const findExpiredHolds = async (_input: unknown, deps: StepDeps): Promise<{ sweptAt: string; holds: readonly ExpiredHold[] }> => {
  if (deps.expiredHolds === undefined) throw new StepNotConfiguredError('findExpiredHolds needs the read model (expiredHolds)');
  const sweptAt = nowOf(deps);
  const holds = await deps.expiredHolds(sweptAt, HOLDS_PER_SWEEP);
  return { sweptAt, holds: holds.map(({ paymentId, orderId }) => ({ paymentId, orderId })) };
};

/**
 * Voids a hold past its expiry (re-checked on the payment: the read model may lag), and cancels
 * the order if it has not shipped: the goods were never paid for. A shipped order whose hold
 * expired needs a person; it is left shipped. The commands keep the order's correlation id.
 */
export const expireHold = async (input: ExpiredHold, deps: StepDeps): Promise<{ voided: boolean }> => {
  const loaded = await loadPayment(deps, input.paymentId);
  if (!holdExpired(loaded.state, nowOf(deps))) return { voided: false };
  const correlated = { ...input, correlationId: loaded.envelopes[0]?.correlationId ?? `hold-expiry:${input.paymentId}`, causationId: `hold-expiry:${input.paymentId}` };
  const { voided } = await voidLoaded({ ...correlated, reason: VOID_REASONS.holdExpired }, loaded, deps);
  const orderStatus = async () => (await deps.writeModel.loadOrder(input.orderId)).state.status;
  if ((await orderStatus()) === 'confirmed')
    await record(
      'expire-order',
      await deps.writeModel.cancelOrder({ orderId: input.orderId, reason: EXPIRED_ORDER_REASON }, context(deps, correlated, 'expire-order')),
      async () => (await orderStatus()) !== 'confirmed',
    );
  return { voided };
};

// ── Dispatch: what a Task state's `Parameters` select ───────────────────────────────────
export const paymentSteps = { authorize, cancelOrder, voidHold, capture, compensate, findExpiredHolds, expireHold } as const;
export type PaymentStepName = keyof typeof paymentSteps;

/** The payload every Task state sends: `{ "step": "<name>", "input.$": "$", ...fixed arguments }`. */
export interface StepPayload {
  readonly step: PaymentStepName;
  readonly input: unknown;
  readonly [argument: string]: unknown;
}

/**
 * The body of the step Lambda and of the local task handlers: runs the step a Task state names.
 * Inputs come from our own ASL documents, built from decoded events, so they are trusted shapes here.
 */
export const handlePaymentStep = async (payload: StepPayload, deps: StepDeps): Promise<unknown> => {
  const { step: name, input, ...args } = payload;
  const step = paymentSteps[name] as ((input: unknown, deps: StepDeps) => Promise<unknown>) | undefined;
  if (step === undefined) throw new Error(`unknown saga step ${String(name)}`);
  // Fixed arguments of the Task state (e.g. a void reason) complete the execution's data.
  return step({ ...(input as object), ...args }, deps);
};
