/**
 * Saga dead letters: the failed executions of the payment workflows, kept with their original
 * input so an operator can start them again (every step is idempotent, so a re-run finishes or
 * compensates; it never charges twice). Each document's `RecordFailure` state writes them: to an
 * SQS queue on AWS (Express executions keep no history and send no status-change events), to the
 * saga runner's execution records locally.
 */
import type { WorkflowName } from '@strata/workflows/asl/definitions';

export interface SagaDeadLetter {
  /** The message id on AWS, the execution name locally: what `redrive --id` takes. */
  readonly id: string;
  readonly workflow: WorkflowName;
  /** The execution ARN on AWS, the runner's execution name locally. */
  readonly execution: string;
  /** The input the execution was started with (a routed event or the saga input). */
  readonly input: unknown;
  readonly error: { readonly name: string; readonly cause: string };
  /** When it was recorded (ISO), when known. */
  readonly failedAt?: string;
}

export interface RedriveResult {
  /** Dead letters whose workflow was started again (and which left the dead-letter store). */
  readonly redriven: ReadonlyArray<{ readonly id: string; readonly workflow: WorkflowName; readonly execution: string }>;
  /** Dead letters that could not be started again; they stay for the next redrive. */
  readonly failed: ReadonlyArray<{ readonly id: string; readonly error: string }>;
}

export interface SagaDeadLetters {
  /** The failed executions waiting for an operator, oldest first (at most `limit`). */
  list(limit?: number): Promise<readonly SagaDeadLetter[]>;
  /** Starts each failed execution again with the same input (one workflow's, or one id, or all). */
  redrive(filter?: { readonly workflow?: WorkflowName; readonly id?: string }): Promise<RedriveResult>;
}

/** The operator's view of one dead letter: one tab-separated line. */
export const formatSagaDeadLetter = (l: SagaDeadLetter): string => [l.id, l.workflow, l.execution, l.failedAt ?? '-', `${l.error.name}: ${l.error.cause}`].join('\t');
