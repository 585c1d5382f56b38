import * as E from 'fp-ts/lib/Either.js';
import type { Money } from '@strata/events';
import type { CommandContext, CommandResult, DomainError, PaymentState, WriteModel } from '@strata/write-model';
import {
  EXPIRED_ORDER_REASON,
  VOID_REASONS,
  declinedOrderReason,
  holdExpired,
  refundable,
  releaseAction,
  sagaCommandId,
  type HoldExpiryInput,
  type PaymentReleaseInput,
  type PaymentRequestInput,
  type ReleaseAction,
  type SagaCommandStep,
} from '../domain/saga.js';
import { idempotencyKey, type AuthorizeOutcome, type PaymentProvider } from '../provider/port.js';

/**
 * The saga's step handlers: plain `(input, deps) => output` functions. On AWS each runs inside
 * a Lambda task (`handlePaymentStep` is the handler body); locally the runner plugs the same
 * functions into aws-local-stepfunctions. Every step is idempotent: provider calls carry
 * `idempotencyKey(paymentId, step)` and write-model commands `sagaCommandId(paymentId, step)`,
 * and every decision is re-derived from the payment's current state.
 */
export interface StepDeps {
  readonly writeModel: WriteModel;
  readonly provider: PaymentProvider;
  /** ISO-8601 now. @default () => new Date().toISOString() */
  readonly clock?: () => string;
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

type Correlated = { readonly paymentId: string; readonly correlationId: string; readonly causationId: string };

const context = (deps: StepDeps, input: Correlated, step: SagaCommandStep): CommandContext => ({
  commandId: sagaCommandId(input.paymentId, step),
  actor: { kind: 'system', id: 'payment-saga' },
  correlationId: input.correlationId,
  causationId: input.causationId,
  now: (deps.clock ?? (() => new Date().toISOString()))(),
});

/** Succeeds on a commit or a duplicate; a rejection is accepted only when `settled` says the goal already holds. */
const record = async (step: string, result: CommandResult, settled?: () => Promise<boolean>): Promise<void> => {
  if (E.isRight(result)) return;
  if (settled !== undefined && (await settled())) return;
  throw new SagaStepError(step, result.left);
};

const paymentOf = async (deps: StepDeps, paymentId: string): Promise<PaymentState> => (await deps.writeModel.loadPayment(paymentId)).state;

// ── Payment request ─────────────────────────────────────────────────────────────────────
export const requestPayment = async (input: PaymentRequestInput, deps: StepDeps): Promise<{ requested: true }> => {
  const { paymentId, orderId, customerId, amount } = input;
  await record('request', await deps.writeModel.requestPayment({ paymentId, orderId, customerId, amount }, context(deps, input, 'request')));
  return { requested: true };
};

export const authorize = async (input: PaymentRequestInput, deps: StepDeps): Promise<AuthorizeOutcome> =>
  deps.provider.authorize({ idempotencyKey: idempotencyKey(input.paymentId, 'authorize'), paymentId: input.paymentId, amount: input.amount });

/** Records the hold, then confirms the order; an order cancelled meanwhile is not confirmed (the saga then voids). */
export const confirmOrder = async (
  input: PaymentRequestInput & { readonly authorization: Extract<AuthorizeOutcome, { outcome: 'authorized' }> },
  deps: StepDeps,
): Promise<{ orderConfirmed: boolean }> => {
  const { providerRef, amount, expiresAt } = input.authorization;
  await record('authorized', await deps.writeModel.authorizePayment({ paymentId: input.paymentId, providerRef, amount, expiresAt }, context(deps, input, 'authorized')));
  const confirmed = await deps.writeModel.confirmOrder({ orderId: input.orderId, paymentId: input.paymentId }, context(deps, input, 'confirm-order'));
  if (E.isRight(confirmed)) return { orderConfirmed: true };
  if (confirmed.left._tag === 'OrderAlreadyCancelled') return { orderConfirmed: false };
  throw new SagaStepError('confirm-order', confirmed.left);
};

export const declinePayment = async (
  input: PaymentRequestInput & { readonly authorization: Extract<AuthorizeOutcome, { outcome: 'declined' }> },
  deps: StepDeps,
): Promise<{ orderCancelled: true }> => {
  const { reason } = input.authorization;
  await record(
    'declined',
    await deps.writeModel.declinePayment({ paymentId: input.paymentId, reason }, context(deps, input, 'declined')),
  );
  await record(
    'cancel-order',
    await deps.writeModel.cancelOrder({ orderId: input.orderId, reason: declinedOrderReason(reason) }, context(deps, input, 'cancel-order')),
    async () => (await deps.writeModel.loadOrder(input.orderId)).state.status === 'cancelled',
  );
  return { orderCancelled: true };
};

// ── Release (capture / void / refund) ───────────────────────────────────────────────────
export const planRelease = async (input: PaymentReleaseInput, deps: StepDeps): Promise<{ action: ReleaseAction }> => ({
  action: releaseAction(input.trigger, await paymentOf(deps, input.paymentId)),
});

/** Releases an authorized hold; succeeds when the hold is already voided (by a concurrent path). */
export const voidHold = async (input: Correlated & { readonly reason: string }, deps: StepDeps): Promise<{ voided: boolean }> => {
  const payment = await paymentOf(deps, input.paymentId);
  if (payment.status !== 'authorized') return { voided: payment.status === 'voided' };
  await deps.provider.void({ idempotencyKey: idempotencyKey(input.paymentId, 'void'), providerRef: payment.providerRef });
  await record(
    'void',
    await deps.writeModel.voidPayment({ paymentId: input.paymentId, reason: input.reason }, context(deps, input, 'void')),
    async () => (await paymentOf(deps, input.paymentId)).status === 'voided',
  );
  return { voided: true };
};

export const capture = async (input: Correlated, deps: StepDeps): Promise<{ captured: Money | null }> => {
  const payment = await paymentOf(deps, input.paymentId);
  if (payment.status !== 'authorized') return { captured: payment.status === 'captured' || payment.status === 'refunded' ? payment.captured : null };
  const amount = payment.authorized;
  await deps.provider.capture({ idempotencyKey: idempotencyKey(input.paymentId, 'capture'), providerRef: payment.providerRef, amount });
  await record('capture', await deps.writeModel.capturePayment({ paymentId: input.paymentId, amount }, context(deps, input, 'capture')));
  return { captured: amount };
};

/** Refunds whatever is left of the capture, once (one refund per payment from the saga). */
export const refund = async (input: Correlated, deps: StepDeps): Promise<{ refunded: Money | null }> => {
  const payment = await paymentOf(deps, input.paymentId);
  const left = refundable(payment);
  if (left <= 0 || (payment.status !== 'captured' && payment.status !== 'refunded')) return { refunded: null };
  const amount = { amount: left, currency: payment.captured.currency } as Money;
  await deps.provider.refund({ idempotencyKey: idempotencyKey(input.paymentId, 'refund'), providerRef: payment.providerRef, amount });
  await record(
    'refund',
    await deps.writeModel.refundPayment({ paymentId: input.paymentId, amount }, context(deps, input, 'refund')),
    async () => refundable(await paymentOf(deps, input.paymentId)) === 0,
  );
  return { refunded: amount };
};

// ── Hold expiry ─────────────────────────────────────────────────────────────────────────
/**
 * Voids a hold past its expiry, and cancels the order if it has not shipped: the goods were never
 * paid for. (A shipped order whose hold expired needs a person; it is left confirmed-and-shipped.)
 */
export const expireHold = async (input: HoldExpiryInput, deps: StepDeps): Promise<{ voided: boolean }> => {
  const now = (deps.clock ?? (() => new Date().toISOString()))();
  if (!holdExpired(await paymentOf(deps, input.paymentId), now)) return { voided: false };
  const { voided } = await voidHold({ ...input, reason: VOID_REASONS.holdExpired }, deps);
  const orderStatus = async () => (await deps.writeModel.loadOrder(input.orderId)).state.status;
  if ((await orderStatus()) === 'confirmed')
    await record(
      'expire-order',
      await deps.writeModel.cancelOrder({ orderId: input.orderId, reason: EXPIRED_ORDER_REASON }, context(deps, input, 'expire-order')),
      async () => (await orderStatus()) !== 'confirmed',
    );
  return { voided };
};

// ── Dispatch: what a Task state's `Parameters` select ───────────────────────────────────
export const paymentSteps = { requestPayment, authorize, confirmOrder, declinePayment, planRelease, voidHold, capture, refund, expireHold } as const;
export type PaymentStepName = keyof typeof paymentSteps;

/** The payload every Task state sends: `{ "step": "<name>", "input.$": "$", ...fixed arguments }`. */
export interface StepPayload {
  readonly step: PaymentStepName;
  readonly input: unknown;
  readonly [argument: string]: unknown;
}

/**
 * The body of the Payment Request / Payment Release Lambdas and of the local task handlers:
 * runs the step a Task state names. Inputs come from our own ASL documents, built from decoded
 * events, so they are trusted shapes here.
 */
export const handlePaymentStep = async (payload: StepPayload, deps: StepDeps): Promise<unknown> => {
  const { step: name, input, ...args } = payload;
  const step = paymentSteps[name] as ((input: unknown, deps: StepDeps) => Promise<unknown>) | undefined;
  if (step === undefined) throw new Error(`unknown saga step ${String(name)}`);
  // Fixed arguments of the Task state (e.g. a void reason) complete the execution's data.
  return step({ ...(input as object), ...args }, deps);
};
