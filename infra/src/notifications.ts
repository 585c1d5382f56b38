import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { EnvKey } from '@strata/runtime/names';
import { Construct } from 'constructs';
import { StreamConsumer } from './streamConsumer.js';
import type { StrataFunction, StrataFunctionProps } from './strataFunction.js';

export interface NotificationsProps {
  /** The event table: its stream (the change feed) drives the notifications. */
  readonly table: dynamodb.ITable;
  /** Settings of the notification Lambda (entry `notification`). */
  readonly function: Omit<StrataFunctionProps, 'entry'>;
}

/**
 * The seed's "Custom Notification": a Lambda on the event table's stream (batches of 100 records,
 * like the projector: no EventBridge events) that tells the customer through an SNS topic
 * (`STRATA_NOTIFICATION_TOPIC_ARN`); email or SMS subscriptions are added to the topic. It finds
 * each order's customer in the read model (the order stream when the read model lags) and keeps
 * the ids it sent in Redis, so a redelivered record notifies nobody twice.
 */
export class Notifications extends Construct {
  readonly topic: sns.Topic;
  readonly consumer: StreamConsumer;
  readonly function: StrataFunction;
  readonly deadLetterQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: NotificationsProps) {
    super(scope, id);
    this.topic = new sns.Topic(this, 'Topic', { displayName: 'Strata order notifications', enforceSSL: true });
    this.consumer = new StreamConsumer(this, 'Consumer', {
      table: props.table,
      function: { ...props.function, entry: 'notification', environment: { ...props.function.environment, [EnvKey.notificationTopicArn]: this.topic.topicArn } },
    });
    this.function = this.consumer.function;
    this.deadLetterQueue = this.consumer.deadLetterQueue;
    this.topic.grantPublish(this.function);
  }
}
