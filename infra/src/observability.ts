import { Duration } from 'aws-cdk-lib';
import type * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as guardduty from 'aws-cdk-lib/aws-guardduty';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { METRICS_NAMESPACE, Metric, type MetricKey } from '@strata/runtime/names';

/**
 * A metric the Strata Lambdas write as EMF (`Metric` in the runtime's shared names: never a
 * string typed here), with the dimension values given and Powertools' `service` dimension.
 */
export const strataMetric = (key: MetricKey, dimensions: Readonly<Record<string, string>>, options: cloudwatch.MetricOptions = {}): cloudwatch.Metric =>
  new cloudwatch.Metric({ namespace: METRICS_NAMESPACE, metricName: Metric[key].cloudwatch, dimensionsMap: { service: 'strata', ...dimensions }, statistic: 'Sum', ...options });

/** Every series of a Strata metric, whatever its dimension values (a SEARCH expression: graphs only). */
const strataSearch = (key: MetricKey, statistic: string, label: string, period: Duration): cloudwatch.MathExpression =>
  new cloudwatch.MathExpression({
    expression: `SEARCH('{${METRICS_NAMESPACE},service,${Metric[key].dimensions.join(',')}} MetricName="${Metric[key].cloudwatch}"', '${statistic}', ${period.toSeconds()})`,
    label,
    period,
  });

export interface ObservabilityProps {
  readonly api: apigateway.RestApi;
  /** The projector: alarms on its errors and on its stream iterator age. */
  readonly projector: lambda.IFunction;
  /** Every Strata function, for the dashboard's error and duration graphs. */
  readonly functions: Readonly<Record<string, lambda.IFunction>>;
  readonly stateMachines: Readonly<Record<string, sfn.IStateMachine>>;
  /** Dead-letter queues: any message in one is an alarm. */
  readonly deadLetterQueues: Readonly<Record<string, sqs.IQueue>>;
  readonly table: dynamodb.ITable;
  /** @default 'EnterpriseDashboard' (the seed's name) */
  readonly dashboardName?: string;
  /** Subscribed to the alarm topic when set. @default no subscription */
  readonly alarmEmail?: string;
  /**
   * A region has one GuardDuty detector per account: turn this off where one already exists.
   * @default true
   */
  readonly enableGuardDuty?: boolean;
  /** Projector iterator age that raises an alarm. @default Duration.minutes(1) */
  readonly maxIteratorAge?: Duration;
}

/**
 * Operations: the `EnterpriseDashboard`, alarms (projector errors and iterator age, API 5xx,
 * failed saga executions, anything in a dead-letter queue) to an SNS topic, and a GuardDuty
 * detector (it analyses the CloudTrail trail of the stateful stack's `AuditLog`, VPC flow logs and DNS).
 */
export class Observability extends Construct {
  readonly dashboard: cloudwatch.Dashboard;
  readonly alarmTopic: sns.Topic;
  readonly alarms: readonly cloudwatch.Alarm[];

  constructor(scope: Construct, id: string, props: ObservabilityProps) {
    super(scope, id);
    const period = Duration.minutes(5);
    this.alarmTopic = new sns.Topic(this, 'AlarmTopic', { displayName: 'Strata alarms', enforceSSL: true });
    if (props.alarmEmail !== undefined) this.alarmTopic.addSubscription(new subscriptions.EmailSubscription(props.alarmEmail));

    const iteratorAge = props.projector.metric('IteratorAge', { statistic: 'Maximum', period });
    const api5xx = props.api.metricServerError({ period, statistic: 'Sum' });
    const alarms: cloudwatch.Alarm[] = [
      props.projector.metricErrors({ period }).createAlarm(this, 'ProjectorErrors', {
        alarmDescription: 'The projector failed on a batch (it retries; a poison record ends in its DLQ).',
        threshold: 1,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
      iteratorAge.createAlarm(this, 'ProjectorIteratorAge', {
        alarmDescription: 'Read models lag behind the event store.',
        threshold: (props.maxIteratorAge ?? Duration.minutes(1)).toMilliseconds(),
        evaluationPeriods: 2,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
      api5xx.createAlarm(this, 'Api5xx', {
        alarmDescription: 'The API answers with server errors.',
        threshold: 5,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
      ...Object.entries(props.stateMachines).map(([name, machine]) =>
        machine.metricFailed({ period }).createAlarm(this, `${name}Failed`, {
          alarmDescription: `${name} executions failed; an operator can inspect and redrive them.`,
          threshold: 1,
          evaluationPeriods: 1,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        }),
      ),
      ...Object.entries(props.deadLetterQueues).map(([name, queue]) =>
        queue.metricApproximateNumberOfMessagesVisible({ period, statistic: 'Maximum' }).createAlarm(this, `${name}DeadLetters`, {
          alarmDescription: `Messages wait in the ${name} dead-letter queue.`,
          threshold: 1,
          evaluationPeriods: 1,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        }),
      ),
    ];
    // The engine's own signals (issue 17), by the names the runtime writes.
    alarms.push(
      strataMetric('providerCalls', { Operation: 'authorize', Outcome: 'unavailable' }, { period }).createAlarm(this, 'ProviderUnavailable', {
        alarmDescription: 'The payment provider is unreachable or failing: authorizations are retried, then orders cancelled.',
        threshold: 5,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
      strataMetric('deadLetters', { Source: 'projection' }, { period }).createAlarm(this, 'ProjectionDeadLetters', {
        alarmDescription: 'A projection dead-lettered events (strata dlq list / redrive).',
        threshold: 1,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
      strataMetric('commands', { Command: 'placeOrder', Outcome: 'error' }, { period }).createAlarm(this, 'PlaceOrderErrors', {
        alarmDescription: 'Orders fail with infrastructure errors (not rejections by a rule).',
        threshold: 5,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
    );
    for (const alarm of alarms) alarm.addAlarmAction(new actions.SnsAction(this.alarmTopic));
    this.alarms = alarms;

    const functions = Object.entries(props.functions);
    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', { dashboardName: props.dashboardName ?? 'EnterpriseDashboard' });
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({ title: 'API requests', left: [props.api.metricCount({ period })], right: [props.api.metricClientError({ period }), api5xx] }),
      new cloudwatch.GraphWidget({ title: 'API latency p99', left: [props.api.metricLatency({ period, statistic: 'p99' }), props.api.metricIntegrationLatency({ period, statistic: 'p99' })] }),
      new cloudwatch.GraphWidget({ title: 'Projector iterator age', left: [iteratorAge] }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({ title: 'Lambda errors', left: functions.map(([name, fn]) => fn.metricErrors({ period, label: name })) }),
      new cloudwatch.GraphWidget({ title: 'Lambda duration p99', left: functions.map(([name, fn]) => fn.metricDuration({ period, statistic: 'p99', label: name })) }),
      new cloudwatch.GraphWidget({ title: 'Lambda throttles', left: functions.map(([name, fn]) => fn.metricThrottles({ period, label: name })) }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Event store capacity',
        left: [props.table.metricConsumedWriteCapacityUnits({ period }), props.table.metricConsumedReadCapacityUnits({ period })],
        right: [props.table.metricConditionalCheckFailedRequests({ period })],
      }),
      new cloudwatch.GraphWidget({
        title: 'Payment workflows',
        left: Object.entries(props.stateMachines).flatMap(([name, m]) => [m.metricSucceeded({ period, label: `${name} ok` }), m.metricFailed({ period, label: `${name} failed` })]),
      }),
      new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({ title: 'Requests by route and status class', left: [strataSearch('httpRequests', 'Sum', '', period)] }),
      new cloudwatch.GraphWidget({ title: 'Request latency p99 by route', left: [strataSearch('httpDuration', 'p99', '', period)] }),
      new cloudwatch.GraphWidget({ title: 'Commands by outcome', left: [strataSearch('commands', 'Sum', '', period)] }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({ title: 'Events appended / applied', left: [strataSearch('eventsAppended', 'Sum', '', period)], right: [strataSearch('projectionEvents', 'Sum', '', period), strataSearch('projectionPages', 'Sum', '', period)] }),
      new cloudwatch.GraphWidget({ title: 'Saga steps and provider calls by outcome', left: [strataSearch('sagaSteps', 'Sum', '', period)], right: [strataSearch('providerCalls', 'Sum', '', period)] }),
      new cloudwatch.GraphWidget({ title: 'Routed events and dead letters', left: [strataSearch('routedEvents', 'Sum', '', period)], right: [strataSearch('deadLetters', 'Sum', '', period)] }),
    );

    if (props.enableGuardDuty ?? true) {
      new guardduty.CfnDetector(this, 'GuardDuty', { enable: true, findingPublishingFrequency: 'FIFTEEN_MINUTES' });
    }
  }
}
