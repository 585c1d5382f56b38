import { Duration } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { StrataFunction, type StrataFunctionProps } from './strataFunction.js';

export interface StreamConsumerProps {
  /** The table whose stream (the change feed) drives the function. */
  readonly table: dynamodb.ITable;
  readonly function: StrataFunctionProps;
  /** @default 100 */
  readonly batchSize?: number;
  /**
   * Retries of a failing batch (halved by bisection each time) before its records go to the DLQ.
   * @default 10
   */
  readonly retryAttempts?: number;
}

/**
 * A Lambda on the event table's DynamoDB stream (the projector, the EventBridge publisher). The
 * handler reports partial failures (`batchItemFailures`), so Lambda retries from the first failed
 * record only; a failing batch is also bisected to isolate a poison record, and what still fails
 * after the retries is described in a dead-letter queue. Consumers are idempotent per
 * (stream, version), so re-delivery is harmless.
 */
export class StreamConsumer extends Construct {
  readonly function: StrataFunction;
  readonly deadLetterQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: StreamConsumerProps) {
    super(scope, id);
    this.function = new StrataFunction(this, 'Function', props.function);
    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetters', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.function.addEventSource(
      new DynamoEventSource(props.table, {
        startingPosition: lambda.StartingPosition.TRIM_HORIZON,
        batchSize: props.batchSize ?? 100,
        maxBatchingWindow: Duration.seconds(1),
        reportBatchItemFailures: true,
        bisectBatchOnError: true,
        retryAttempts: props.retryAttempts ?? 10,
        onFailure: new SqsDlq(this.deadLetterQueue),
      }),
    );
  }
}
