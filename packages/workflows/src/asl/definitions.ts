import { VOID_REASONS } from '../domain/saga.js';
import type { PaymentStepName } from '../steps/paymentSteps.js';

/**
 * The payment saga as Amazon States Language documents: ONE definition each. They are written
 * to `src/asl/<name>.asl.json` (`writeAslFiles`; a unit test keeps the files equal to these
 * objects), which the CDK app deploys to Step Functions, and run locally by aws-local-stepfunctions
 * with the same step handlers (`createSagaRunner`). Every Task sends `{ step, input: $, …args }`
 * to the one step Lambda whose body is `handlePaymentStep`.
 */

/**
 * The Resource of every Task: a well-formed placeholder ARN (ASL validation wants an ARN). The
 * CDK app replaces it with the step Lambda's ARN; locally every Task is bound to a handler.
 */
export const PAYMENT_STEP_ARN_PLACEHOLDER = 'arn:aws:lambda:us-east-1:000000000000:function:strata-payment-step';

/** Names of the workflows; CDK names its state machines after them. */
export const WORKFLOWS = ['PaymentRequest', 'PaymentRelease', 'HoldExpiry'] as const;
export type WorkflowName = (typeof WORKFLOWS)[number];

/** File of each document under `src/asl/` (read by the CDK app at synth time). */
export const WORKFLOW_FILES: { readonly [W in WorkflowName]: string } = {
  PaymentRequest: 'payment-request.asl.json',
  PaymentRelease: 'payment-release.asl.json',
  HoldExpiry: 'hold-expiry.asl.json',
};

/** Step Functions type per workflow: the reasons are in docs/decisions/0003-workflow-type.md. */
export const WORKFLOW_TYPES: { readonly [W in WorkflowName]: 'EXPRESS' | 'STANDARD' } = {
  PaymentRequest: 'EXPRESS',
  PaymentRelease: 'EXPRESS',
  HoldExpiry: 'EXPRESS',
};

type Json = string | number | boolean | null | readonly Json[] | { readonly [k: string]: Json };
export type AslDocument = { readonly Comment: string; readonly StartAt: string; readonly TimeoutSeconds?: number; readonly States: { readonly [name: string]: Json } };

/**
 * Transient faults: the provider still down after the HTTP client's own retries, the event store
 * unreachable, a task timeout, and the Lambda service errors AWS recommends retrying.
 */
const TRANSIENT = [
  'ProviderUnavailable',
  'EventStoreUnavailableError',
  'States.Timeout',
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
];

/** Transient faults retry with exponential backoff and full jitter: 2, 4, 8, 16, 32 s (≈ 1 min). */
const retry: Json = [{ ErrorEquals: TRANSIENT, IntervalSeconds: 2, BackoffRate: 2, MaxAttempts: 5, JitterStrategy: 'FULL' }];
/** Whatever is left (provider still down, a rejected command) ends in `Failed`, with the error kept. */
const catchAll = (next = 'Failed'): Json => [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: next }];

const task = (step: PaymentStepName, resultPath: string | null, next: string | { End: true }, extra: Record<string, Json> = {}): Json => ({
  Type: 'Task',
  Resource: PAYMENT_STEP_ARN_PLACEHOLDER,
  Parameters: { step, 'input.$': '$', ...extra },
  ResultPath: resultPath,
  TimeoutSeconds: 30,
  Retry: retry,
  Catch: catchAll(),
  ...(typeof next === 'string' ? { Next: next } : next),
});

const failed: Json = { Type: 'Fail', Comment: 'Visible to operators; re-running the execution is safe (every step is idempotent).', ErrorPath: '$.error.Error', CausePath: '$.error.Cause' };

/** OrderPlaced → RequestPayment → Authorize → (AuthorizePayment + ConfirmOrder | DeclinePayment + CancelOrder). */
export const paymentRequestAsl: AslDocument = {
  Comment: 'Strata payment request: hold the funds for a placed order, then confirm it, or cancel it on a decline.',
  StartAt: 'RequestPayment',
  TimeoutSeconds: 240,
  States: {
    RequestPayment: task('requestPayment', null, 'Authorize'),
    Authorize: task('authorize', '$.authorization', 'Authorized?'),
    'Authorized?': {
      Type: 'Choice',
      Choices: [{ Variable: '$.authorization.outcome', StringEquals: 'authorized', Next: 'ConfirmOrder' }],
      Default: 'DeclinePayment',
    },
    ConfirmOrder: task('confirmOrder', '$.confirmation', 'Confirmed?'),
    'Confirmed?': {
      Type: 'Choice',
      Choices: [{ Variable: '$.confirmation.orderConfirmed', BooleanEquals: true, Next: 'Confirmed' }],
      Default: 'VoidHold',
    },
    // The order was cancelled while the authorization was in flight: release the hold at once.
    VoidHold: task('voidHold', '$.void', 'CancelledBeforePayment', { reason: VOID_REASONS.orderCancelled }),
    DeclinePayment: task('declinePayment', '$.decline', 'Declined'),
    Confirmed: { Type: 'Succeed' },
    CancelledBeforePayment: { Type: 'Succeed' },
    Declined: { Type: 'Succeed' },
    Failed: failed,
  },
};

/** OrderDelivered → capture; OrderCancelled → void an authorized hold, or refund a capture. */
export const paymentReleaseAsl: AslDocument = {
  Comment: 'Strata payment release: capture on delivery, void or refund on cancellation.',
  StartAt: 'PlanRelease',
  TimeoutSeconds: 240,
  States: {
    PlanRelease: task('planRelease', '$.plan', 'Release?'),
    'Release?': {
      Type: 'Choice',
      Choices: [
        { Variable: '$.plan.action', StringEquals: 'capture', Next: 'Capture' },
        { Variable: '$.plan.action', StringEquals: 'void', Next: 'Void' },
        { Variable: '$.plan.action', StringEquals: 'refund', Next: 'Refund' },
      ],
      Default: 'NothingToRelease',
    },
    Capture: task('capture', '$.capture', 'Released'),
    Void: task('voidHold', '$.void', 'Released', { reason: VOID_REASONS.orderCancelled }),
    Refund: task('refund', '$.refund', 'Released'),
    Released: { Type: 'Succeed' },
    NothingToRelease: { Type: 'Succeed' },
    Failed: failed,
  },
};

/**
 * PaymentAuthorized → wait until the hold expires → void it unless captured or voided meanwhile.
 * On AWS a one-time EventBridge Scheduler schedule starts it at `expiresAt` (see decision 0003),
 * so the Wait is a guard there; locally the Wait does the waiting.
 */
export const holdExpiryAsl: AslDocument = {
  Comment: 'Strata hold expiry: an authorization neither captured nor voided by its expiry is voided.',
  StartAt: 'WaitForExpiry',
  States: {
    WaitForExpiry: { Type: 'Wait', TimestampPath: '$.expiresAt', Next: 'ExpireHold' },
    ExpireHold: task('expireHold', '$.expiry', { End: true }),
    Failed: failed,
  },
};

export const workflowDefinitions: { readonly [W in WorkflowName]: AslDocument } = {
  PaymentRequest: paymentRequestAsl,
  PaymentRelease: paymentReleaseAsl,
  HoldExpiry: holdExpiryAsl,
};
