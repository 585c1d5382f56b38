/**
 * The AWS adapter: the saga dead-letter queue (SQS) that every document's `RecordFailure` state
 * writes to, redriven through Step Functions `StartExecution` with the recorded input.
 *
 * - `list` peeks: it receives with a zero visibility timeout (nothing is hidden from a concurrent
 *   redrive) and de-duplicates by message id; SQS short polling samples servers, so a listing of
 *   a large queue may be partial (the queue's `ApproximateNumberOfMessages` says how many).
 * - `redrive` receives with a visibility timeout, starts the execution, and deletes the message
 *   only once `StartExecution` answered; a message it cannot start is made visible again and
 *   reported. A crash between the start and the delete re-runs the execution on the next
 *   redrive, which is safe: every step is idempotent.
 */
import { ChangeMessageVisibilityCommand, DeleteMessageCommand, GetQueueAttributesCommand, ReceiveMessageCommand, type Message, type SQSClient } from '@aws-sdk/client-sqs';
import { StartExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import { WORKFLOWS, type SagaDeadLetterBody, type WorkflowName } from '@strata/workflows/asl/definitions';
import type { RedriveResult, SagaDeadLetter, SagaDeadLetters } from './port.js';

/** The environment key the operator sets to the stack output `SagaDeadLetterQueueUrl`. */
export const SAGA_DLQ_URL_ENV = 'STRATA_SAGA_DLQ_URL';

export interface SqsSagaDeadLettersOptions {
  readonly sqs: Pick<SQSClient, 'send'>;
  readonly sfn: Pick<SFNClient, 'send'>;
  readonly queueUrl: string;
  /** How long a message being redriven stays hidden from others. @default 60 */
  readonly visibilitySeconds?: number;
  /** At most this many messages per call. @default 1000 */
  readonly maxMessages?: number;
}

/** A message body that is not a `SagaExecutionFailed` record: reported, never redriven. */
export class UnreadableDeadLetterError extends Error {
  constructor(messageId: string, why: string) {
    super(`dead letter ${messageId}: ${why}`);
    this.name = 'UnreadableDeadLetterError';
  }
}

const parse = (m: Message): SagaDeadLetterBody & { readonly id: string; readonly failedAt?: string } => {
  const id = m.MessageId ?? '?';
  let body: Partial<SagaDeadLetterBody>;
  try {
    body = JSON.parse(m.Body ?? '') as Partial<SagaDeadLetterBody>;
  } catch {
    throw new UnreadableDeadLetterError(id, 'body is not JSON');
  }
  if (body.kind !== 'SagaExecutionFailed' || !(WORKFLOWS as readonly unknown[]).includes(body.workflow) || typeof body.stateMachine !== 'string' || body.input === undefined)
    throw new UnreadableDeadLetterError(id, 'not a SagaExecutionFailed record');
  const sent = Number(m.Attributes?.SentTimestamp);
  return { ...(body as SagaDeadLetterBody), id, ...(Number.isFinite(sent) ? { failedAt: new Date(sent).toISOString() } : {}) };
};

/** Step Functions hands a Lambda error's `Cause` as JSON text (`{"errorMessage": …}`); keep the message. */
const causeText = (cause: string | undefined): string => {
  if (cause === undefined) return '';
  try {
    const parsed = JSON.parse(cause) as { errorMessage?: unknown };
    return typeof parsed.errorMessage === 'string' ? parsed.errorMessage : cause;
  } catch {
    return cause;
  }
};

const toLetter = (b: ReturnType<typeof parse>): SagaDeadLetter => ({
  id: b.id,
  workflow: b.workflow,
  execution: b.execution,
  input: b.input,
  error: { name: b.error?.Error ?? 'Error', cause: causeText(b.error?.Cause) },
  ...(b.failedAt === undefined ? {} : { failedAt: b.failedAt }),
});

export const sqsSagaDeadLetters = (o: SqsSagaDeadLettersOptions): SagaDeadLetters & { approximateCount(): Promise<number> } => {
  const max = o.maxMessages ?? 1000;
  const receive = async (visibility: number): Promise<Message[]> =>
    (
      await o.sqs.send(
        new ReceiveMessageCommand({ QueueUrl: o.queueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: visibility, WaitTimeSeconds: 0, MessageSystemAttributeNames: ['SentTimestamp'] }),
      )
    ).Messages ?? [];

  return {
    async approximateCount() {
      const r = await o.sqs.send(new GetQueueAttributesCommand({ QueueUrl: o.queueUrl, AttributeNames: ['ApproximateNumberOfMessages'] }));
      return Number(r.Attributes?.ApproximateNumberOfMessages ?? 0);
    },

    async list(limit = max) {
      const seen = new Map<string, SagaDeadLetter>();
      // Stop at the first receive that brings nothing new: the sample has been seen.
      for (;;) {
        const fresh = (await receive(0)).filter((m) => m.MessageId !== undefined && !seen.has(m.MessageId));
        if (fresh.length === 0) break;
        for (const m of fresh) {
          let letter: SagaDeadLetter;
          try {
            letter = toLetter(parse(m));
          } catch (err) {
            letter = { id: m.MessageId!, workflow: 'PaymentRequest', execution: '?', input: m.Body, error: { name: (err as Error).name, cause: (err as Error).message } };
          }
          seen.set(m.MessageId!, letter);
        }
        if (seen.size >= limit) break;
      }
      return [...seen.values()].sort((a, b) => (a.failedAt ?? '').localeCompare(b.failedAt ?? '')).slice(0, limit);
    },

    async redrive(filter = {}): Promise<RedriveResult> {
      const redriven: { id: string; workflow: WorkflowName; execution: string }[] = [];
      const failed: { id: string; error: string }[] = [];
      const handled = new Set<string>();
      const release = (m: Message) => o.sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: o.queueUrl, ReceiptHandle: m.ReceiptHandle, VisibilityTimeout: 0 }));
      while (handled.size < max) {
        const fresh = (await receive(o.visibilitySeconds ?? 60)).filter((m) => m.MessageId !== undefined && !handled.has(m.MessageId));
        if (fresh.length === 0) break;
        for (const m of fresh) {
          handled.add(m.MessageId!);
          let letter: ReturnType<typeof parse>;
          try {
            letter = parse(m);
          } catch (err) {
            failed.push({ id: m.MessageId!, error: (err as Error).message });
            await release(m);
            continue;
          }
          if ((filter.workflow !== undefined && letter.workflow !== filter.workflow) || (filter.id !== undefined && letter.id !== filter.id)) {
            await release(m);
            continue;
          }
          try {
            const started = await o.sfn.send(new StartExecutionCommand({ stateMachineArn: letter.stateMachine, input: JSON.stringify(letter.input) }));
            await o.sqs.send(new DeleteMessageCommand({ QueueUrl: o.queueUrl, ReceiptHandle: m.ReceiptHandle }));
            redriven.push({ id: letter.id, workflow: letter.workflow, execution: started.executionArn ?? '?' });
          } catch (err) {
            failed.push({ id: letter.id, error: `${(err as Error).name}: ${(err as Error).message}` });
            await release(m);
          }
        }
      }
      return { redriven, failed };
    },
  };
};
