import { VOID_REASONS } from '../domain/saga.js';
import type { PaymentStepName } from '../steps/paymentSteps.js';

/**
 * The payment saga as Amazon States Language documents: ONE definition each. They are written
 * to `src/asl/<name>.asl.json` (`writeAslFiles`; a unit test keeps the files equal to these
 * objects), which the CDK app deploys to Step Functions, and run locally by aws-local-stepfunctions
 * with the same step handlers (`createSagaRunner`). Every Task sends `{ step, input: $, …args }`
 * to the one step Lambda whose body is `handlePaymentStep`. EventBridge rules start the request
 * and release documents directly with the routed event; each maps it to its input in its first
 * states, so the local runner is started with the very same event.
 */

/**
 * The Resource of every Task: a well-formed placeholder ARN (ASL validation wants an ARN). The
 * CDK app replaces it with the step Lambda's ARN; locally every Task is bound to a handler.
 */
export const PAYMENT_STEP_ARN_PLACEHOLDER = 'arn:aws:lambda:us-east-1:000000000000:function:strata-payment-step';

/**
 * The QueueUrl of every `RecordFailure` Task: a well-formed placeholder the CDK app replaces with
 * the saga dead-letter queue's URL. Locally the runner binds the state to its own recorder.
 */
export const SAGA_DEAD_LETTER_QUEUE_PLACEHOLDER = 'https://sqs.us-east-1.amazonaws.com/000000000000/strata-saga-dead-letters';

/** The Step Functions service integration the `RecordFailure` states call (SQS SendMessage). */
export const SQS_SEND_MESSAGE = 'arn:aws:states:::sqs:sendMessage';

/** The state every failure passes through before `Failed`: it records the dead letter. */
export const RECORD_FAILURE_STATE = 'RecordFailure';

/**
 * The body of a saga dead letter, as `RecordFailure` sends it: which workflow, which execution
 * (the execution ARN on AWS, the runner's name locally), its original input (re-running it is
 * safe: every step is idempotent) and the caught error.
 */
export interface SagaDeadLetterBody {
  readonly kind: 'SagaExecutionFailed';
  readonly workflow: WorkflowName;
  readonly execution: string;
  readonly stateMachine: string;
  readonly input: unknown;
  readonly error: { readonly Error?: string; readonly Cause?: string };
}

/** Names of the workflows; CDK names its state machines after them. */
export const WORKFLOWS = ['PaymentRequest', 'PaymentRelease', 'HoldExpiry'] as const;
export type WorkflowName = (typeof WORKFLOWS)[number];

/** File of each document under `src/asl/` (read by the CDK app at synth time). */
export const WORKFLOW_FILES: { readonly [W in WorkflowName]: string } = {
  PaymentRequest: 'payment-request.asl.json',
  PaymentRelease: 'payment-release.asl.json',
  HoldExpiry: 'hold-expiry.asl.json',
};

/**
 * Step Functions type per workflow: all Express (each run ends within seconds; the reasons are in
 * docs/decisions/0004-express-workflows-and-hold-sweep.md). The CDK app deploys exactly these.
 */
export const WORKFLOW_TYPES: { readonly [W in WorkflowName]: 'EXPRESS' | 'STANDARD' } = {
  PaymentRequest: 'EXPRESS',
  PaymentRelease: 'EXPRESS',
  HoldExpiry: 'EXPRESS',
};

type Json = string | number | boolean | null | readonly Json[] | { readonly [k: string]: Json };
export type AslDocument = { readonly Comment: string; readonly StartAt: string; readonly TimeoutSeconds?: number; readonly States: { readonly [name: string]: Json } };

/**
 * Transient faults: the provider still down after the HTTP client's own retries, the event store
 * or read model unreachable, a task timeout, and the Lambda service errors AWS recommends retrying.
 */
const TRANSIENT = [
  'ProviderUnavailable',
  'EventStoreUnavailableError',
  'ReadModelUnavailableError',
  'States.Timeout',
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
];

/** Transient faults retry with exponential backoff and full jitter: 2, 4, 8, 16, 32 s (≈ 1 min). */
export const TASK_RETRY = { ErrorEquals: TRANSIENT, IntervalSeconds: 2, BackoffRate: 2, MaxAttempts: 5, JitterStrategy: 'FULL' } as const;
/** Whatever is left (provider still down, a rejected command) is recorded, then ends in `Failed`, with the error kept. */
const catchAll = (next = RECORD_FAILURE_STATE): Json => [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: next }];

const task = (step: PaymentStepName, resultPath: string | null, next: string | { End: true }, extra: Record<string, Json> = {}, onError: string = RECORD_FAILURE_STATE): Json => ({
  Type: 'Task',
  Resource: PAYMENT_STEP_ARN_PLACEHOLDER,
  Parameters: { step, 'input.$': '$', ...extra },
  ResultPath: resultPath,
  TimeoutSeconds: 30,
  Retry: [TASK_RETRY],
  Catch: catchAll(onError),
  ...(typeof next === 'string' ? { Next: next } : next),
});

/**
 * Express executions send no status-change events and keep no history: a failure is recorded as a
 * message on the saga dead-letter queue (`strata dlq list|redrive`), with the execution's original
 * input, before the Fail state. Recording retries on its own; if SQS stays unreachable the
 * execution still fails (and the ERROR log level keeps its input in CloudWatch Logs).
 */
const recordFailure = (workflow: WorkflowName): Json => ({
  Type: 'Task',
  Comment: 'Records the failed execution on the saga dead-letter queue: strata dlq list | redrive.',
  Resource: SQS_SEND_MESSAGE,
  Parameters: {
    QueueUrl: SAGA_DEAD_LETTER_QUEUE_PLACEHOLDER,
    MessageBody: {
      kind: 'SagaExecutionFailed',
      workflow,
      'execution.$': '$$.Execution.Id',
      'stateMachine.$': '$$.StateMachine.Id',
      'input.$': '$$.Execution.Input',
      'error.$': '$.error',
    },
  },
  ResultPath: null,
  TimeoutSeconds: 10,
  Retry: [{ ErrorEquals: ['States.ALL'], IntervalSeconds: 1, BackoffRate: 2, MaxAttempts: 3, JitterStrategy: 'FULL' }],
  Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.recordError', Next: 'Failed' }],
  Next: 'Failed',
});

const failed: Json = { Type: 'Fail', Comment: 'Visible to operators; re-running the execution is safe (every step is idempotent).', ErrorPath: '$.error.Error', CausePath: '$.error.Cause' };

/**
 * The first state of a document that EventBridge starts: a rule target hands the state machine
 * the whole event (`{ detail-type, source, detail: <envelope> }`), as the local bus hands it to
 * the runner; a direct start (recovery, an operator) passes the saga input itself.
 */
const fromEvent = (mapping: string, first: string): Json => ({
  Type: 'Choice',
  Comment: 'Started by a routed event (EventBridge, the local bus) or with the saga input itself (recovery, an operator).',
  Choices: [{ Variable: '$.detail', IsPresent: true, Next: mapping }],
  Default: first,
});

/** `sagaInputFor` in ASL: the envelope's fields → the saga input (a unit test compares the two). */
const trace: Record<string, Json> = { 'correlationId.$': '$.detail.correlationId', 'causationId.$': '$.detail.eventId' };

/**
 * OrderPlaced → Authorize (hold the funds and record the answer; if authorized, confirm the
 * order) → Confirmed, or VoidHold when the order was cancelled meanwhile, or CancelOrder on a
 * decline. One Lambda invocation on the happy path.
 */
export const paymentRequestAsl: AslDocument = {
  Comment: 'Strata payment request: hold the funds for a placed order, then confirm it, or cancel it on a decline.',
  StartAt: 'FromEvent?',
  TimeoutSeconds: 240,
  States: {
    'FromEvent?': fromEvent('FromOrderPlaced', 'Authorize'),
    FromOrderPlaced: {
      Type: 'Pass',
      Comment: 'sagaInputFor(OrderPlaced): the payment id is the order id.',
      Parameters: {
        'paymentId.$': '$.detail.data.orderId',
        'orderId.$': '$.detail.data.orderId',
        'customerId.$': '$.detail.data.customerId',
        amount: { 'amount.$': '$.detail.data.total', 'currency.$': '$.detail.data.currency' },
        ...trace,
        // The order's stream as it stood: confirming the order reads nothing.
        'placed.$': '$.detail',
      },
      Next: 'Authorize',
    },
    Authorize: task('authorize', '$.authorization', 'Authorized?'),
    'Authorized?': {
      Type: 'Choice',
      Choices: [
        { And: [{ Variable: '$.authorization.outcome', StringEquals: 'authorized' }, { Variable: '$.authorization.orderConfirmed', BooleanEquals: true }], Next: 'Confirmed' },
        // The order was cancelled while the authorization was in flight: release the hold at once.
        { Variable: '$.authorization.outcome', StringEquals: 'authorized', Next: 'VoidHold' },
        { Variable: '$.authorization.outcome', StringEquals: 'declined', Next: 'CancelOrder' },
      ],
      // `settled`: a re-run found the payment captured, voided or refunded already.
      Default: 'AlreadySettled',
    },
    VoidHold: task('voidHold', '$.void', 'CancelledBeforePayment', { reason: VOID_REASONS.orderCancelled }),
    CancelOrder: task('cancelOrder', '$.cancellation', 'Declined'),
    Confirmed: { Type: 'Succeed' },
    CancelledBeforePayment: { Type: 'Succeed' },
    Declined: { Type: 'Succeed' },
    AlreadySettled: { Type: 'Succeed' },
    [RECORD_FAILURE_STATE]: recordFailure('PaymentRequest'),
    Failed: failed,
  },
};

/** OrderDelivered → capture; OrderCancelled → void an authorized hold, or refund a capture. */
export const paymentReleaseAsl: AslDocument = {
  Comment: 'Strata payment release: capture on delivery, void or refund on cancellation.',
  StartAt: 'FromEvent?',
  TimeoutSeconds: 240,
  States: {
    'FromEvent?': fromEvent('FromOrderEvent', 'Release?'),
    FromOrderEvent: {
      Type: 'Pass',
      Comment: 'sagaInputFor(OrderDelivered | OrderCancelled): the trigger is the event type.',
      Parameters: { 'trigger.$': '$.detail.type', 'paymentId.$': '$.detail.data.orderId', 'orderId.$': '$.detail.data.orderId', ...trace },
      Next: 'Release?',
    },
    'Release?': {
      Type: 'Choice',
      Choices: [{ Variable: '$.trigger', StringEquals: 'OrderDelivered', Next: 'Capture' }],
      Default: 'Compensate',
    },
    // Each step re-reads the payment: capture only an authorized hold; void a hold or refund a capture.
    Capture: task('capture', '$.capture', 'Released'),
    Compensate: task('compensate', '$.compensation', 'Released', { reason: VOID_REASONS.orderCancelled }),
    Released: { Type: 'Succeed' },
    [RECORD_FAILURE_STATE]: recordFailure('PaymentRelease'),
    Failed: failed,
  },
};

/**
 * The hold-expiry sweep, started by a schedule (hourly on AWS; a timer locally): find authorized
 * holds past their expiry in the read model, and void each (the order is cancelled if it has not
 * shipped). Expiries are rare: most sweeps find nothing and end after one Task.
 */
export const holdExpiryAsl: AslDocument = {
  Comment: 'Strata hold-expiry sweep: every authorization hold neither captured nor voided by its expiry is voided.',
  StartAt: 'FindExpiredHolds',
  TimeoutSeconds: 240,
  States: {
    FindExpiredHolds: task('findExpiredHolds', '$.sweep', 'ExpireEach'),
    ExpireEach: {
      Type: 'Map',
      ItemsPath: '$.sweep.holds',
      MaxConcurrency: 4,
      ItemProcessor: {
        StartAt: 'ExpireHold',
        States: {
          // A failed hold fails the Map, whose Catch records the execution once.
          ExpireHold: task('expireHold', null, { End: true }, {}, 'ExpiryFailed'),
          ExpiryFailed: failed,
        },
      },
      ResultPath: null,
      Catch: catchAll(),
      Next: 'Swept',
    },
    Swept: { Type: 'Succeed' },
    [RECORD_FAILURE_STATE]: recordFailure('HoldExpiry'),
    Failed: failed,
  },
};

export const workflowDefinitions: { readonly [W in WorkflowName]: AslDocument } = {
  PaymentRequest: paymentRequestAsl,
  PaymentRelease: paymentReleaseAsl,
  HoldExpiry: holdExpiryAsl,
};

/**
 * Every Task state of a document that invokes the step Lambda, nested ones (a Map's processor)
 * included: name → definition. `RecordFailure` (an SQS service integration) is not one.
 */
export const taskStates = (doc: { readonly States: { readonly [name: string]: Json } }): Array<[string, { readonly Parameters: { readonly step: PaymentStepName }; readonly Retry?: readonly Json[] }]> =>
  Object.entries(doc.States).flatMap(([name, state]) => {
    const s = state as { Type?: string; Resource?: string; ItemProcessor?: { States: { [name: string]: Json } } };
    if (s.Type === 'Task' && s.Resource === PAYMENT_STEP_ARN_PLACEHOLDER) return [[name, state as never]];
    if (s.Type === 'Map' && s.ItemProcessor !== undefined) return taskStates(s.ItemProcessor);
    return [];
  });
