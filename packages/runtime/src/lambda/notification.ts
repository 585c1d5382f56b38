/**
 * The seed's "Custom Notification" Lambda: a consumer of the event table's DynamoDB stream (like
 * the projector, batches of up to 100 records) that tells the customer through SNS about
 * confirmation, decline, shipping, delivery and cancellation — once per event: a Redis ledger
 * keyed by the event id guards every publish (a standard topic does not deduplicate, and the
 * stream delivers at least once). No bus events: notifications cost nothing on EventBridge.
 */
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SNSClient } from '@aws-sdk/client-sns';
import { Redis } from 'ioredis';
import type { EventEnvelope } from '@strata/events';
import { createSqlReadModel, type BatchResponse } from '@strata/projections';
import { pgExecutor } from '@strata/projections/postgres';
import { createNotificationConsumer, customerFromWriteModel, notifyBatch, type Notifier } from '@strata/workflows';
import type { WriteModel } from '@strata/write-model';
import { decodeStreamRecord, type DynamoDBStreamEvent } from '@strata/write-model/dynamodb';
import { withDatabaseUrl } from '../aws/databaseSecret.js';
import { createSnsNotifier, redisSentLedger } from '@strata/workflows/notifications/notifier.sns';
import { dynamoWriteModel } from '../aws/writeModel.js';
import { ConfigError, loadConfig } from '../config.js';
import { createLogger, type Logger } from '../logger.js';
import { EnvKey } from '../names.js';
import { once } from './once.js';

export interface NotificationHandlerParts {
  readonly notifier: Notifier;
  /** The order's customer: the read model's order row, or `undefined` (not projected yet). */
  readonly customerFromReadModel: (orderId: string) => Promise<string | undefined>;
  /** The order's stream: the fallback when the read model lags (one read unit). */
  readonly writeModel: Pick<WriteModel, 'loadOrder'>;
  readonly logger: Logger;
  /** Orders notified at once; one order's events go out in order. @default 10 */
  readonly concurrency?: number;
}

/**
 * A stream batch → notifications. Partial failures go back to Lambda from the first failed record
 * on (`batchItemFailures`): Lambda retries from there, and what was sent already is not sent again.
 */
export const createNotificationHandler = (parts: () => Promise<NotificationHandlerParts>): ((event: DynamoDBStreamEvent) => Promise<BatchResponse>) => {
  const consumer = once(async () => {
    const p = await parts();
    const fallback = customerFromWriteModel(p.writeModel);
    const consume = createNotificationConsumer({
      notifier: p.notifier,
      customerOf: async (orderId) => (await p.customerFromReadModel(orderId)) ?? fallback(orderId),
    });
    return { consume, logger: p.logger, concurrency: p.concurrency ?? 10 };
  });
  return async (event) => {
    const { consume, logger, concurrency } = await consumer();
    const envelopes: EventEnvelope[] = [];
    const owners: number[] = [];
    let firstFailed: number | undefined;
    event.Records.forEach((record, r) => {
      try {
        for (const e of decodeStreamRecord(record)) {
          envelopes.push(e);
          owners.push(r);
        }
      } catch (err) {
        logger.error('stream record is not an event commit', { sequenceNumber: record.dynamodb?.SequenceNumber, err });
        firstFailed ??= r;
      }
    });
    const failed = await notifyBatch(firstFailed === undefined ? envelopes : envelopes.filter((_, i) => owners[i]! < firstFailed!), consume, {
      concurrency,
      onError: (e, err) => logger.warn('notification failed; the batch resumes from its record', { eventId: e.eventId, type: e.type, err }),
    });
    if (failed !== undefined) firstFailed = Math.min(firstFailed ?? Infinity, owners[failed]!);
    if (firstFailed === undefined) return { batchItemFailures: [] };
    return { batchItemFailures: event.Records.slice(firstFailed).map((r) => ({ itemIdentifier: r.dynamodb?.SequenceNumber ?? '' })) };
  };
};

/** Lambda entry point (`handler` export, see infra's `LambdaEntry.notification`). */
export const handler = createNotificationHandler(async () => {
  const config = loadConfig(await withDatabaseUrl(process.env, () => new SecretsManagerClient({})));
  const topicArn = process.env[EnvKey.notificationTopicArn];
  const problems = [
    ...(topicArn ? [] : [`${EnvKey.notificationTopicArn} is not set: the SNS topic to publish to`]),
    ...(config.cache.kind === 'redis' ? [] : [`${EnvKey.redisUrl} is not set: Redis keeps which notifications were sent`]),
    ...(config.readModel.kind === 'postgres' ? [] : [`${EnvKey.databaseUrl} (or ${EnvKey.databaseSecretArn}) is not set: the read model holds each order's customer`]),
  ];
  if (problems.length > 0 || !topicArn || config.cache.kind !== 'redis' || config.readModel.kind !== 'postgres') throw new ConfigError(problems);
  const redis = new Redis(config.cache.url, { maxRetriesPerRequest: 2 });
  const readModel = createSqlReadModel({ db: pgExecutor(config.readModel.url, { max: 2 }) });
  return {
    notifier: createSnsNotifier({ client: new SNSClient({}), topicArn, ledger: redisSentLedger(redis) }),
    customerFromReadModel: async (orderId) => (await readModel.queries.getOrder(orderId))?.customerId,
    writeModel: dynamoWriteModel(config),
    logger: createLogger(config.logLevel).child({ component: 'notifications' }),
  };
});
