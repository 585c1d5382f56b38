import * as E from 'fp-ts/lib/Either.js';
import { StateMachine } from 'aws-local-stepfunctions';
import { decodeEnvelope } from '@strata/events';
import { workflowDefinitions, type AslDocument, type WorkflowName } from '../asl/definitions.js';
import { sagaInputFor, type HoldExpiryInput, type PaymentReleaseInput, type PaymentRequestInput } from '../domain/saga.js';
import type { BusHandler, LocalBus } from '../routing/localBus.js';
import type { BusEvent, RouteTarget } from '../routing/rules.js';
import { handlePaymentStep, type StepDeps, type StepPayload } from '../steps/paymentSteps.js';

/** `aborted`: stopped by `stop()` (shutdown); `recoverSagas` finishes the saga on the next start. */
export type ExecutionStatus = 'running' | 'succeeded' | 'failed' | 'aborted';

/** What an operator sees of one execution (the local counterpart of the Step Functions console). */
export interface ExecutionRecord {
  /** `<workflow>:<payment id>`: one live execution per workflow and payment, as a Standard execution name. */
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

export interface SagaRunnerOptions extends StepDeps {
  /** Per Wait state, milliseconds to wait instead of the document's time (tests, demos). */
  readonly waitTimeOverrides?: Readonly<Record<string, number>>;
  /** Per state, milliseconds between retries instead of the document's backoff (tests). */
  readonly retryIntervalOverrides?: Readonly<Record<string, number>>;
  /** Called whenever an execution ends. */
  readonly onExecutionEnd?: (record: ExecutionRecord) => void;
}

export interface SagaRunner {
  /** Starts a workflow; a second start while one with the same name runs joins it (duplicate trigger). */
  start(workflow: WorkflowName, input: PaymentRequestInput | PaymentReleaseInput | HoldExpiryInput): StartedExecution;
  /** Starts the workflow a routed event calls for (`undefined` when the event starts none). */
  startFor(event: BusEvent): StartedExecution | undefined;
  /** Subscribes the saga's three targets on the local bus. */
  subscribe(bus: LocalBus): void;
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

/** The routing targets the saga serves; `sagaInputFor` picks the workflow from the event. */
const SAGA_TARGETS: readonly RouteTarget[] = ['PaymentRequestWorkflow', 'PaymentReleaseWorkflow', 'HoldExpiryWorkflow'];

/** The local handlers: every Task state of a document runs `handlePaymentStep` with these deps. */
const localHandlers = (doc: AslDocument, deps: StepDeps): Record<string, (input: unknown) => Promise<never>> =>
  Object.fromEntries(
    Object.entries(doc.States)
      .filter(([, state]) => (state as { Type?: string }).Type === 'Task')
      .map(([name]) => [name, (input: unknown) => handlePaymentStep(input as StepPayload, deps) as Promise<never>]),
  );

/**
 * Runs the saga's ASL documents in process with aws-local-stepfunctions — the same documents
 * and step handlers Step Functions runs on AWS. The runtime creates one per process, subscribes
 * it to the local bus and calls `recoverSagas` on start.
 */
export const createSagaRunner = (options: SagaRunnerOptions): SagaRunner => {
  const machines = new Map(
    (Object.keys(workflowDefinitions) as WorkflowName[]).map((w) => {
      const doc = workflowDefinitions[w];
      const machine = new StateMachine(doc as never);
      return [w, { machine, handlers: localHandlers(doc, options) }] as const;
    }),
  );
  const records = new Map<string, ExecutionRecord>();
  // A long-running process keeps every failure for operators but only the latest successes.
  const pruneSucceeded = () => {
    for (const [name, record] of records) {
      if (records.size <= MAX_RECORDS) return;
      if (record.status === 'succeeded') records.delete(name);
    }
  };
  const running = new Map<string, { started: StartedExecution; abort: () => void }>();

  const start: SagaRunner['start'] = (workflow, input) => {
    const name = `${workflow}:${input.paymentId}`;
    const live = running.get(name);
    if (live !== undefined) return live.started;
    const { machine, handlers } = machines.get(workflow)!;
    const base = { name, workflow, input, startedAt: new Date().toISOString() };
    records.set(name, { ...base, status: 'running' });
    const execution = machine.run(input as never, {
      overrides: {
        taskResourceLocalHandlers: handlers as never,
        ...(options.waitTimeOverrides ? { waitTimeOverrides: { ...options.waitTimeOverrides } } : {}),
        ...(options.retryIntervalOverrides ? { retryIntervalOverrides: { ...options.retryIntervalOverrides } } : {}),
      },
      noThrowOnAbort: true,
    });
    let aborted = false;
    const done = execution.result.then(
      (output): ExecutionRecord => (aborted ? { ...base, status: 'aborted' } : { ...base, status: 'succeeded', output }),
      (error: unknown): ExecutionRecord => {
        const failure = error instanceof Error && error.cause instanceof Error ? error.cause : error;
        return {
          ...base,
          status: 'failed',
          error: failure instanceof Error ? { name: failure.name, cause: failure.message } : { name: 'Error', cause: String(failure) },
        };
      },
    ).then((record) => {
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

  const startFor = (event: BusEvent): StartedExecution | undefined => {
    const decoded = decodeEnvelope(event.detail);
    if (E.isLeft(decoded)) throw new Error(`undecodable event ${event.detail.eventId}: ${decoded.left.message}`);
    const plan = sagaInputFor(decoded.right);
    return plan === undefined ? undefined : start(plan.workflow, plan.input);
  };

  return {
    start,
    startFor,
    subscribe(bus) {
      // The target only starts the execution, as EventBridge → StartExecution does; the
      // execution's own Retry/Catch handle what happens next.
      const handler: BusHandler = async (event) => {
        startFor(event);
      };
      for (const target of SAGA_TARGETS) bus.subscribe(target, handler);
    },
    settled: async () => {
      await Promise.all([...running.values()].map((r) => r.started.done));
    },
    executions: () => [...records.values()],
    retry(name) {
      const record = records.get(name);
      if (record === undefined) throw new Error(`no execution ${name}`);
      return start(record.workflow, record.input as PaymentRequestInput);
    },
    stop() {
      for (const { abort } of running.values()) abort();
    },
  };
};
