import * as sns from 'aws-cdk-lib/aws-sns';
import { EnvKey } from '@strata/runtime/names';
import { Construct } from 'constructs';
import { StrataFunction, type StrataFunctionProps } from './strataFunction.js';

export interface NotificationsProps {
  /** Settings of the notification Lambda (entry `notification`). */
  readonly function: Omit<StrataFunctionProps, 'entry'>;
}

/**
 * The seed's "Custom Notification": a Lambda that EventBridge rules invoke and that tells the
 * customer through an SNS topic (`STRATA_NOTIFICATION_TOPIC_ARN`); email or SMS subscriptions are
 * added to the topic.
 */
export class Notifications extends Construct {
  readonly topic: sns.Topic;
  readonly function: StrataFunction;

  constructor(scope: Construct, id: string, props: NotificationsProps) {
    super(scope, id);
    this.topic = new sns.Topic(this, 'Topic', { displayName: 'Strata order notifications', enforceSSL: true });
    this.function = new StrataFunction(this, 'Function', {
      ...props.function,
      entry: 'notification',
      environment: { ...props.function.environment, [EnvKey.notificationTopicArn]: this.topic.topicArn },
    });
    this.topic.grantPublish(this.function);
  }
}
