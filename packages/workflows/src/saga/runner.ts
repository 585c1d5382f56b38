import * as E from 'fp-ts/lib/Either.js';
import { StateMachine } from 'aws-local-stepfunctions';
import { decodeEnvelope } from '@strata/events';
import { RECORD_FAILURE_STATE, taskStates, workflowDefinitions, type AslDocument, type SagaDeadLetterBody, type WorkflowName } from '../asl/definitions.js';
import { sagaInputFor, type HoldSweepInput, type PaymentReleaseInput, type PaymentRequestInput } from '../domain/saga.js';
import type { BusHandler, LocalBus } from '../routing/localBus.js';
import type { BusEvent, RouteTarget } from '../routing/rules.js';
import { handlePaymentStep, type StepDeps, type StepPayload } from '../steps/paymentSteps.js';

/** `aborted`: stopped by `stop()` (shutdown); `recoverSagas` finishes the saga on the next start. */
export type ExecutionStatus = 'running' | 'succeeded' | 'failed' | 'aborted';

/** What an operator sees of one execution (the local counterpart of the Step Functions console). */
export interface ExecutionRecord {
  /** `<workflow>:<payment id>[:<trigger>]`, `HoldExpiry:sweep`: one live execution per name. */
  readonly name: string;
  readonly workflow: WorkflowName;
  readonly input: unknown;
  readonly startedAt: string;
  readonly status: ExecutionStatus;
  readonly output?: unknown;
  /** For a failed execution: the error name the Fail state reports and its cause. */
  readonly error?: { readonly name: string; readonly cause: string };
}

export interface StartedExecution {
  readonly name: string;
  /** Resolves when the execution ends (never rejects; a failure is a `failed` record). */
  readonly done: Promise<ExecutionRecord>;
}

/** One Task attempt, as the step Lambda would be invoked for it. */
export interface TaskCall {
  readonly execution: string;
  readonly workflow: WorkflowName;
  readonly state: string;
  readonly step: string;
}

/** What a state machine's execution reports as it runs (aws-local-stepfunctions' event log). */
export interface StateEvent {
  readonly type: string;
  readonly stateName?: string;
}

/** The input a workflow is started with: its saga input, or the routed event EventBridge would hand it. */
export type WorkflowInput = PaymentRequestInput | PaymentReleaseInput | HoldSweepInput | BusEvent;

export interface SagaRunnerOptions extends StepDeps {
  /** Per Wait state, milliseconds to wait instead of the document's time (tests, demos). */
  readonly waitTimeOverrides?: Readonly<Record<string, number>>;
  /** Per state, milliseconds between retries instead of the document's backoff (tests). */
  readonly retryIntervalOverrides?: Readonly<Record<string, number>>;
  /**
   * Receives what a document's `RecordFailure` state sends to the saga dead-letter queue on AWS
   * (the failed execution, its input and error), just before the execution fails.
   * @default nothing: the failed execution's record (`executions()`) is the local dead letter
   */
  readonly onDeadLetter?: (letter: SagaDeadLetterBody) => void;
  /** Called whenever an execution ends. */
  readonly onExecutionEnd?: (record: ExecutionRecord) => void;
  /** Wraps every Task attempt (one step Lambda invocation on AWS): metrics, the cost model's counts. */
  readonly taskWrapper?: <T>(call: TaskCall, run: () => Promise<T>) => Promise<T>;
  /** Receives every state event of every execution (states entered, retries): the cost model's counts. */
  readonly onStateEvent?: (execution: string, event: StateEvent) => void;
}

export interface SagaRunner {
  /** Starts a workflow; a second start while one with the same name runs joins it (duplicate trigger). */
  start(workflow: WorkflowName, input: WorkflowInput, name?: string): StartedExecution;
  /** Starts the workflow a routed event calls for, with the event as its input (`undefined` when it starts none). */
  startFor(event: BusEvent): StartedExecution | undefined;
  /** Subscribes the saga's targets on the local bus, as the EventBridge rules target the state machines. */
  subscribe(bus: LocalBus): void;
  /** Starts one hold-expiry sweep (joins a running one). */
  sweep(): StartedExecution;
  /** Resolves when the executions running now have ended (it does not wait for ones started later). */
  settled(): Promise<void>;
  /** Executions this process started, latest state: all running and failed ones, the last successes. */
  executions(): readonly ExecutionRecord[];
  /** Re-runs a failed execution with its original input (safe: every step is idempotent). */
  retry(name: string): StartedExecution;
  /** Aborts running executions (shutdown); recovery finishes them on the next start. */
  stop(): void;
}

const MAX_RECORDS = 10_000;

/** The routing targets the saga serves, and the state machine each one starts. */
const TARGET_WORKFLOWS: ReadonlyArray<readonly [RouteTarget, WorkflowName]> = [
  ['PaymentRequestWorkflow', 'PaymentRequest'],
  ['PaymentReleaseWorkflow', 'PaymentRelease'],
];

/** The execution name of a saga input (the runner's dedup key for a running execution). */
export const executionNameOf = (workflow: WorkflowName, input: { readonly paymentId?: string; readonly trigger?: string }): string => {
  if (workflow === 'HoldExpiry') return 'HoldExpiry:sweep';
  // A release names its trigger: a refund after a capture is not the capture's duplicate.
  return workflow === 'PaymentRelease' ? `${workflow}:${input.paymentId}:${input.trigger}` : `${workflow}:${input.paymentId}`;
};

/** The event as EventBridge hands it to a target: plain JSON. */
const asDelivered = (event: BusEvent): BusEvent => JSON.parse(JSON.stringify(event)) as BusEvent;

/**
 * Runs the saga's ASL documents in process with aws-local-stepfunctions — the same documents
 * and step handlers Step Functions runs on AWS. The runtime creates one per process, subscribes
 * it to the local bus, calls `recoverSagas` on start and `sweep()` on a timer.
 */
export const createSagaRunner = (options: SagaRunnerOptions): SagaRunner => {
  const machines = new Map((Object.keys(workflowDefinitions) as WorkflowName[]).map((w) => [w, new StateMachine(workflowDefinitions[w] as never)] as const));
  /** Every Task state of a document runs `handlePaymentStep` with the runner's deps. */
  const handlersFor = (workflow: WorkflowName, execution: string, doc: AslDocument): Record<string, (input: unknown) => Promise<never>> => ({
    ...Object.fromEntries(
      taskStates(doc).map(([state, definition]) => {
        const run = (input: unknown) => handlePaymentStep(input as StepPayload, options) as Promise<never>;
        const call: TaskCall = { execution, workflow, state, step: definition.Parameters.step };
        return [state, (input: unknown) => (options.taskWrapper ? options.taskWrapper(call, () => run(input)) : run(input))];
      }),
    ),
    // SQS SendMessage on AWS; here the message body goes to the runner's owner.
    [RECORD_FAILURE_STATE]: async (params: unknown) => {
      options.onDeadLetter?.((params as { MessageBody: SagaDeadLetterBody }).MessageBody);
      return {} as never;
    },
  });
  const records = new Map<string, ExecutionRecord>();
  // A long-running process keeps every failure for operators but only the latest successes.
  const pruneSucceeded = () => {
    for (const [name, record] of records) {
      if (records.size <= MAX_RECORDS) return;
      if (record.status === 'succeeded') records.delete(name);
    }
  };
  const running = new Map<string, { started: StartedExecution; abort: () => void }>();

  const start: SagaRunner['start'] = (workflow, input, givenName) => {
    const name = givenName ?? executionNameOf(workflow, input as { paymentId?: string; trigger?: string });
    const live = running.get(name);
    if (live !== undefined) return live.started;
    const machine = machines.get(workflow)!;
    const base = { name, workflow, input, startedAt: new Date().toISOString() };
    records.set(name, { ...base, status: 'running' });
    const execution = machine.run(input as never, {
      overrides: {
        taskResourceLocalHandlers: handlersFor(workflow, name, workflowDefinitions[workflow]) as never,
        ...(options.waitTimeOverrides ? { waitTimeOverrides: { ...options.waitTimeOverrides } } : {}),
        ...(options.retryIntervalOverrides ? { retryIntervalOverrides: { ...options.retryIntervalOverrides } } : {}),
      },
      noThrowOnAbort: true,
      // What `RecordFailure` reads of the context object (`$$.Execution.Input` the library fills).
      context: { Execution: { Id: name }, StateMachine: { Id: workflow } } as never,
    });
    const onStateEvent = options.onStateEvent;
    const logged =
      onStateEvent === undefined
        ? Promise.resolve()
        : (async () => {
            for await (const event of execution.eventLogs) onStateEvent(name, event as StateEvent);
          })().catch(() => undefined);
    let aborted = false;
    const done = execution.result
      .then(
        (output): ExecutionRecord => (aborted ? { ...base, status: 'aborted' } : { ...base, status: 'succeeded', output }),
        (error: unknown): ExecutionRecord => {
          const failure = error instanceof Error && error.cause instanceof Error ? error.cause : error;
          return {
            ...base,
            status: 'failed',
            error: failure instanceof Error ? { name: failure.name, cause: failure.message } : { name: 'Error', cause: String(failure) },
          };
        },
      )
      .then(async (record) => {
        await logged;
        running.delete(name);
        records.delete(name); // re-insert: the map stays in end order, oldest first
        records.set(name, record);
        pruneSucceeded();
        options.onExecutionEnd?.(record);
        return record;
      });
    const started = { name, done };
    running.set(name, {
      started,
      abort: () => {
        aborted = true;
        execution.abort();
      },
    });
    return started;
  };

  /** Starts `workflow` with the event as its input, as EventBridge → StartExecution does; named after the saga input it maps to. */
  const startWithEvent = (workflow: WorkflowName, event: BusEvent): StartedExecution | undefined => {
    const decoded = decodeEnvelope(event.detail);
    if (E.isLeft(decoded)) throw new Error(`undecodable event ${event.detail.eventId}: ${decoded.left.message}`);
    const plan = sagaInputFor(decoded.right);
    if (plan === undefined || plan.workflow !== workflow) return undefined;
    return start(workflow, asDelivered(event), executionNameOf(workflow, plan.input));
  };

  return {
    start,
    startFor(event) {
      const decoded = decodeEnvelope(event.detail);
      if (E.isLeft(decoded)) throw new Error(`undecodable event ${event.detail.eventId}: ${decoded.left.message}`);
      const plan = sagaInputFor(decoded.right);
      return plan === undefined ? undefined : startWithEvent(plan.workflow, event);
    },
    subscribe(bus) {
      // The target only starts the execution, as an EventBridge rule targeting the state machine
      // does; the execution's own Retry/Catch handle what happens next.
      for (const [target, workflow] of TARGET_WORKFLOWS) {
        const handler: BusHandler = async (event) => {
          startWithEvent(workflow, event);
        };
        bus.subscribe(target, handler);
      }
    },
    sweep: () => start('HoldExpiry', { time: (options.clock ?? (() => new Date().toISOString()))() }),
    settled: async () => {
      await Promise.all([...running.values()].map((r) => r.started.done));
    },
    executions: () => [...records.values()],
    retry(name) {
      const record = records.get(name);
      if (record === undefined) throw new Error(`no execution ${name}`);
      return start(record.workflow, record.input as WorkflowInput, name);
    },
    stop() {
      for (const { abort } of running.values()) abort();
    },
  };
};
