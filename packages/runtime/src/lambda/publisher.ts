/**
 * DynamoDB Streams → EventBridge: every committed event some routing rule matches (`isRouted`:
 * OrderPlaced, OrderDelivered, OrderCancelled) goes on the Strata bus as one `PutEvents` entry
 * (`toPutEventsEntry`, the same shape the local bus builds), in its current schema version
 * (`busEnvelope`). The others stay off the bus: EventBridge bills every event put, read or not.
 * Domain events are published from the change feed only, at least once: consumers dedup on
 * `detail.eventId`.
 */
import { EventBridgeClient, PutEventsCommand, type PutEventsCommandOutput } from '@aws-sdk/client-eventbridge';
import type { EventEnvelope } from '@strata/events';
import type { BatchResponse } from '@strata/projections';
import { busEnvelope, isRouted, toPutEventsEntry } from '@strata/workflows';
import { decodeStreamRecord, type DynamoDBStreamEvent, type DynamoDBStreamRecord } from '@strata/write-model/dynamodb';
import { ConfigError, loadConfig } from '../config.js';
import type { Logger } from '../logger.js';
import { createPowertoolsLogger } from '../telemetry/logger.powertools.js';
import { createEmfRecorder, type EmfRecorder } from '../telemetry/recorder.emf.js';
import { EnvKey } from '../names.js';
import { once } from './once.js';

export interface EventBridgeClientLike {
  send(command: PutEventsCommand): Promise<Pick<PutEventsCommandOutput, 'FailedEntryCount' | 'Entries'>>;
}

export interface PublisherOptions {
  readonly client: EventBridgeClientLike;
  readonly eventBusName: string;
  readonly logger: Logger;
  /** Attempts per entry, first included (only refused entries are sent again). @default 3 */
  readonly maxAttempts?: number;
  /** @default 100 */
  readonly backoffMs?: number;
  /** Counts each event put on the bus (`RoutedEvents`, as EMF on Lambda) and flushes per batch. */
  readonly metrics?: EmfRecorder;
}

/** PutEvents takes at most 10 entries per call. */
const MAX_ENTRIES = 10;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export const createPublisherHandler = (o: PublisherOptions) => {
  const maxAttempts = o.maxAttempts ?? 3;
  const backoffMs = o.backoffMs ?? 100;

  /** Sends entries in tens, again for the refused ones; returns the indexes still refused. */
  const publish = async (envelopes: readonly EventEnvelope[]): Promise<Set<number>> => {
    let pending = envelopes.map((_, i) => i);
    for (let attempt = 1; pending.length > 0 && attempt <= maxAttempts; attempt++) {
      if (attempt > 1) await sleep(backoffMs * 2 ** (attempt - 2));
      const refused: number[] = [];
      for (let start = 0; start < pending.length; start += MAX_ENTRIES) {
        const slice = pending.slice(start, start + MAX_ENTRIES);
        try {
          const out = await o.client.send(new PutEventsCommand({ Entries: slice.map((i) => toPutEventsEntry(envelopes[i]!, o.eventBusName)) }));
          if ((out.FailedEntryCount ?? 0) > 0) refused.push(...slice.filter((_, k) => out.Entries?.[k]?.ErrorCode !== undefined));
        } catch (err) {
          // Throttled or unreachable: the whole call is retried.
          o.logger.warn('PutEvents failed', { attempt, err });
          refused.push(...slice);
        }
      }
      pending = refused;
    }
    return new Set(pending);
  };

  return async (event: DynamoDBStreamEvent): Promise<BatchResponse> => {
    const owners: number[] = [];
    const envelopes: EventEnvelope[] = [];
    const failedRecords = new Set<number>();
    event.Records.forEach((record: DynamoDBStreamRecord, r) => {
      try {
        for (const e of decodeStreamRecord(record)) {
          if (!isRouted(e)) continue;
          envelopes.push(busEnvelope(e));
          owners.push(r);
        }
      } catch (err) {
        // Reported, not skipped: after Lambda's retries it lands in the stream's dead-letter queue.
        o.logger.error('stream record is not an event commit', { sequenceNumber: record.dynamodb?.SequenceNumber, err });
        failedRecords.add(r);
      }
    });
    const refused = await publish(envelopes);
    for (const i of refused) failedRecords.add(owners[i]!);
    if (o.metrics !== undefined) {
      envelopes.forEach((e, i) => (refused.has(i) ? undefined : o.metrics!.routedEvent(e.type)));
      o.metrics.flush();
    }
    if (failedRecords.size === 0) return { batchItemFailures: [] };
    // Lambda resumes from the first failed record; everything after it is delivered again anyway.
    const first = Math.min(...failedRecords);
    return { batchItemFailures: event.Records.slice(first).map((r) => ({ itemIdentifier: r.dynamodb?.SequenceNumber ?? '' })) };
  };
};

/** Lambda entry point (`handler` export, see infra's `LambdaEntry.publisher`). */
const publisher = once(async () => {
  const { logLevel } = loadConfig();
  const eventBusName = process.env[EnvKey.eventBus];
  if (!eventBusName) throw new ConfigError([`${EnvKey.eventBus} is not set: the EventBridge bus to publish to`]);
  return createPublisherHandler({ client: new EventBridgeClient({}), eventBusName, logger: createPowertoolsLogger(logLevel).child({ component: 'publisher' }), metrics: createEmfRecorder() });
});
export const handler = async (event: DynamoDBStreamEvent): Promise<BatchResponse> => (await publisher())(event);
