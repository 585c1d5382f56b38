/**
 * The seed's "Custom Notification" Lambda: an EventBridge target (order and payment rules of the
 * shared routing table) that tells the customer through SNS, once per event.
 */
import { SNSClient } from '@aws-sdk/client-sns';
import { Redis } from 'ioredis';
import { createNotificationConsumer, type BusEvent } from '@strata/workflows';
import { createSnsNotifier, redisSentLedger } from '../aws/notifier.sns.js';
import { dynamoWriteModel } from '../aws/writeModel.js';
import { ConfigError, loadConfig } from '../config.js';
import { EnvKey } from '../names.js';
import { once } from './once.js';

const consumer = once(async () => {
  const config = loadConfig();
  const topicArn = process.env[EnvKey.notificationTopicArn];
  const problems = [
    ...(topicArn ? [] : [`${EnvKey.notificationTopicArn} is not set: the SNS topic to publish to`]),
    ...(config.cache.kind === 'redis' ? [] : [`${EnvKey.redisUrl} is not set: Redis keeps which notifications were sent`]),
  ];
  if (problems.length > 0 || !topicArn || config.cache.kind !== 'redis') throw new ConfigError(problems);
  const redis = new Redis(config.cache.url, { maxRetriesPerRequest: 2 });
  const notifier = createSnsNotifier({ client: new SNSClient({}), topicArn, ledger: redisSentLedger(redis) });
  return createNotificationConsumer({ notifier, writeModel: dynamoWriteModel(config) });
});

/** Lambda entry point (`handler` export, see infra's `LambdaEntry.notification`). */
export const handler = async (event: BusEvent): Promise<void> => (await consumer())(event);
