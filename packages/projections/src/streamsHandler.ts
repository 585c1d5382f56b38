import type { EventEnvelope } from '@strata/events';
import { decodeBatch } from './consumer.js';
import type { DeadLetterStore, ProjectionSink } from './sink.js';

/**
 * The parts of a Lambda `DynamoDBStreamEvent` record the handler reads (no aws-lambda types needed);
 * the Streams API's GetRecords returns the same shape, so the local poller feeds the same handler.
 */
export interface StreamRecord {
  readonly eventID?: string | undefined;
  readonly eventName?: 'INSERT' | 'MODIFY' | 'REMOVE' | undefined;
  readonly dynamodb?:
    | {
        readonly Keys?: Readonly<Record<string, object>> | undefined;
        readonly NewImage?: Readonly<Record<string, object>> | undefined;
        readonly SequenceNumber?: string | undefined;
      }
    | undefined;
}
export interface StreamEvent {
  readonly Records: readonly StreamRecord[];
}
/** Lambda's partial batch response (`ReportBatchItemFailures`). */
export interface BatchResponse {
  batchItemFailures: Array<{ itemIdentifier: string }>;
}

export interface StreamHandlerOptions {
  /** The write side's decoder (`decodeStreamRecord` of `@strata/write-model/dynamodb`), injected by the runtime. */
  readonly decode: (record: StreamRecord) => readonly EventEnvelope[];
  readonly sinks: readonly ProjectionSink[];
  readonly deadLetters: DeadLetterStore;
  readonly now?: () => Date;
  /** A record the decoder rejects (not an event commit at all): reported here and skipped. */
  readonly onUndecodableRecord?: (record: StreamRecord, error: unknown) => void;
}

/**
 * The projector Lambda: applies a DynamoDB Streams batch to every sink. Poison events go to the
 * dead-letter store; when a sink fails, the failing record and every later one are reported in
 * `batchItemFailures`, so Lambda retries from there (records before it are applied and, being
 * idempotent per stream version, harmless to see again).
 */
export const createStreamBatchHandler = (o: StreamHandlerOptions) => {
  const now = o.now ?? (() => new Date());
  return async (event: StreamEvent): Promise<BatchResponse> => {
    const decoded: Array<{ id: string; envelopes: readonly EventEnvelope[] }> = [];
    for (const record of event.Records) {
      const id = record.dynamodb?.SequenceNumber ?? record.eventID ?? '';
      try {
        decoded.push({ id, envelopes: record.eventName === 'REMOVE' ? [] : o.decode(record) });
      } catch (error) {
        o.onUndecodableRecord?.(record, error);
      }
    }
    const at = now().toISOString();
    const applyRecords = async (records: typeof decoded) => {
      for (const sink of o.sinks) {
        const { events, poison } = decodeBatch(sink.name, records.flatMap((r) => r.envelopes), at);
        if (poison.length > 0) await o.deadLetters.add(poison);
        if (events.length > 0) await sink.apply(events);
      }
    };
    try {
      await applyRecords(decoded);
      return { batchItemFailures: [] };
    } catch {
      // Find the first record that fails on its own; everything from it on is retried by Lambda.
      for (let i = 0; i < decoded.length; i++) {
        try {
          await applyRecords(decoded.slice(i, i + 1));
        } catch {
          return { batchItemFailures: decoded.slice(i).map((r) => ({ itemIdentifier: r.id })) };
        }
      }
      return { batchItemFailures: [] };
    }
  };
};
