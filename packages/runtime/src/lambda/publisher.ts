/**
 * DynamoDB Streams → EventBridge: every committed event some routing rule matches (`isRouted`:
 * OrderPlaced, OrderDelivered, OrderCancelled) goes on the Strata bus as one `PutEvents` entry
 * (`toPutEventsEntry`, the same shape the local bus builds), in its current schema version
 * (`busEnvelope`), through the workflows package's EventBridge publisher (beside the local bus).
 * The others stay off the bus: EventBridge bills every event put, read or not.
 * Domain events are published from the change feed only, at least once: consumers dedup on
 * `detail.eventId`.
 */
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { EventEnvelope } from '@strata/events';
import type { BatchResponse } from '@strata/projections';
import { busEnvelope, isRouted } from '@strata/workflows';
import { createEventBridgePublisher, type EventBridgeClientLike } from '@strata/workflows/routing/bus.eventbridge';

export type { EventBridgeClientLike };
import { decodeStreamRecord, type DynamoDBStreamEvent, type DynamoDBStreamRecord } from '@strata/write-model/dynamodb';
import { ConfigError, loadConfig } from '../config.js';
import type { Logger } from '../logger.js';
import { createPowertoolsLogger } from '../telemetry/logger.powertools.js';
import { createEmfRecorder, type EmfRecorder } from '../telemetry/recorder.emf.js';
import { EnvKey } from '../names.js';
import { once } from './once.js';

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

export const createPublisherHandler = (o: PublisherOptions) => {
  const { publish } = createEventBridgePublisher({
    client: o.client,
    eventBusName: o.eventBusName,
    ...(o.maxAttempts === undefined ? {} : { maxAttempts: o.maxAttempts }),
    ...(o.backoffMs === undefined ? {} : { backoffMs: o.backoffMs }),
    onCallFailed: (attempt, err) => o.logger.warn('PutEvents failed', { attempt, err }),
  });

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
