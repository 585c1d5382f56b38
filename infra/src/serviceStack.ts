import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { EnvKey } from '@strata/runtime/names';
import type { RoutingRule } from '@strata/workflows/routing/rules';
import type { Construct } from 'constructs';
import { EventRouting } from './eventRouting.js';
import { VulnerabilityScanning } from './inspector.js';
import { LogSearch } from './logSearch.js';
import { Notifications } from './notifications.js';
import { Observability } from './observability.js';
import { OrderApi } from './orderApi.js';
import { PaymentWorkflow } from './paymentWorkflow.js';
import { SynthError } from './paths.js';
import { SimulatedProvider } from './simulatedProvider.js';
import type { StatefulStack } from './statefulStack.js';
import { StreamConsumer } from './streamConsumer.js';
import type { StrataFunctionProps } from './strataFunction.js';

export interface ServiceStackProps extends StackProps {
  readonly projectName: string;
  /** The workspace root (Lambda entries, lock file). */
  readonly repoRoot: string;
  readonly stateful: StatefulStack;
  /** The shared routing table. */
  readonly rules: readonly RoutingRule[];
  /**
   * The payment provider's base URL (`STRATA_PROVIDER_URL`). One of `providerUrl` and
   * `simulatedProvider` is required: without a provider every payment execution would fail.
   */
  readonly providerUrl?: string;
  /** Deploy the simulated provider behind a function URL and use it (the sandbox stage). @default false */
  readonly simulatedProvider?: boolean;
  /** Enable Inspector v2 for Lambda and ECR (false where a delegated administrator manages it). @default true */
  readonly enableInspector?: boolean;
  /** Forward the Lambda and API log groups to an OpenSearch domain (the enterprise stage). @default false */
  readonly openSearch?: boolean;
  /** Browser origins allowed by CORS on the REST API. @default none */
  readonly corsOrigins?: readonly string[];
  /** @default no alarm subscription */
  readonly alarmEmail?: string;
  /** @default true */
  readonly enableGuardDuty?: boolean;
}

/**
 * Everything stateless, replaceable by a redeploy: the API, the stream consumers (projector,
 * EventBridge publisher, notifications), routing, the payment saga and its hold-expiry sweep, and
 * operations.
 */
export class ServiceStack extends Stack {
  readonly api: OrderApi;
  readonly projector: StreamConsumer;
  readonly publisher: StreamConsumer;
  readonly payments: PaymentWorkflow;
  readonly notifications: Notifications;
  readonly routing: EventRouting;
  readonly observability: Observability;
  /** Inspector v2 enablement, unless turned off. */
  readonly inspector?: VulnerabilityScanning;
  /** The OpenSearch log domain, when deployed. */
  readonly logSearch?: LogSearch;
  /** The sandbox's simulated payment provider, when deployed. */
  readonly simulatedProvider?: SimulatedProvider;

  constructor(scope: Construct, id: string, props: ServiceStackProps) {
    super(scope, id, props);
    if (props.providerUrl === undefined && props.simulatedProvider !== true) {
      throw new SynthError('ServiceStack needs a payment provider: providerUrl, or simulatedProvider: true (the sandbox stage)');
    }
    const { network, eventStore, database, cache, lake, identity } = props.stateful;
    const table = eventStore.table;

    // One configuration for every entry point: the runtime's composition root reads it.
    const fn = (environment: Readonly<Record<string, string>> = {}): Omit<StrataFunctionProps, 'entry'> => ({
      repoRoot: props.repoRoot,
      vpc: network.vpc,
      securityGroup: network.appSecurityGroup,
      environment: {
        [EnvKey.store]: 'dynamodb',
        [EnvKey.tableName]: table.tableName,
        [EnvKey.databaseSecretArn]: database.secret.secretArn,
        [EnvKey.redisUrl]: cache.url,
        [EnvKey.identity]: 'cognito',
        [EnvKey.userPoolId]: identity.userPool.userPoolId,
        [EnvKey.userPoolClientId]: identity.client.userPoolClientId,
        [EnvKey.logLevel]: 'info',
        // The only writable folder on Lambda; nothing is kept there between cold starts.
        [EnvKey.dataDir]: '/tmp/strata',
        ...environment,
      },
    });

    // Commands answer from their own result: a Lambda waiting for the projector would be billed
    // the stream's delay on every command (decision 0004); reads follow within about a second.
    const api = new OrderApi(this, 'OrderApi', { function: fn({ [EnvKey.readYourWritesMs]: '0' }), ...(props.corsOrigins === undefined ? {} : { corsOrigins: props.corsOrigins }) });
    table.grantReadWriteData(api.function);
    // `/ready` and `/metrics` measure the projections' lag on the table's stream.
    table.grantStreamRead(api.function);
    database.secret.grantRead(api.function);
    identity.grantUserAdministration(api.function);

    const projector = new StreamConsumer(this, 'Projector', { table, function: { ...fn({ [EnvKey.lakeStream]: lake.deliveryStream.ref }), entry: 'projector' } });
    database.secret.grantRead(projector.function);
    // The engine the projector shares with the API checks the table on its cold start.
    table.grantReadData(projector.function);
    lake.grantPutRecords(projector.function);

    // Domain events reach the bus from the change feed, never from the command path; the routing
    // rules start the workflows' state machines directly.
    const sweepDeadLetters = new sqs.Queue(this, 'SweepDeadLetters', { encryption: sqs.QueueEncryption.SQS_MANAGED, enforceSSL: true, retentionPeriod: Duration.days(14) });
    const simulated = props.providerUrl === undefined ? new SimulatedProvider(this, 'SimulatedProvider', { function: fn() }) : undefined;
    if (simulated !== undefined) this.simulatedProvider = simulated;
    const payments = new PaymentWorkflow(this, 'PaymentWorkflow', {
      stepFunction: fn({ [EnvKey.providerUrl]: props.providerUrl ?? simulated!.url }),
      deadLetterQueue: sweepDeadLetters,
    });
    table.grantReadWriteData(payments.stepHandler);
    // The hold-expiry sweep reads the expired holds from the read model.
    database.secret.grantRead(payments.stepHandler);
    const machines = payments.stateMachines;

    const notifications = new Notifications(this, 'Notifications', { table, function: fn() });
    // The recipient is the order's customer: the read model's order, or the order stream.
    database.secret.grantRead(notifications.function);
    table.grantReadData(notifications.function);

    const routing = new EventRouting(this, 'EventRouting', {
      busName: `${props.projectName}-events`,
      rules: props.rules,
      destinations: { PaymentRequestWorkflow: machines.PaymentRequest, PaymentReleaseWorkflow: machines.PaymentRelease },
    });

    const publisher = new StreamConsumer(this, 'Publisher', { table, function: { ...fn({ [EnvKey.eventBus]: routing.bus.eventBusName }), entry: 'publisher' } });
    routing.bus.grantPutEventsTo(publisher.function);

    this.observability = new Observability(this, 'Observability', {
      api: api.api,
      projector: projector.function,
      functions: { api: api.function, projector: projector.function, publisher: publisher.function, paymentStep: payments.stepHandler, notification: notifications.function },
      stateMachines: machines,
      deadLetterQueues: {
        projector: projector.deadLetterQueue,
        publisher: publisher.deadLetterQueue,
        notifications: notifications.deadLetterQueue,
        routing: routing.deadLetterQueue,
        sweepSchedule: sweepDeadLetters,
        saga: payments.deadLetters,
      },
      table,
      ...(props.alarmEmail === undefined ? {} : { alarmEmail: props.alarmEmail }),
      ...(props.enableGuardDuty === undefined ? {} : { enableGuardDuty: props.enableGuardDuty }),
    });
    this.api = api;
    this.projector = projector;
    this.publisher = publisher;
    this.payments = payments;
    this.notifications = notifications;
    this.routing = routing;

    if (props.enableInspector !== false) this.inspector = new VulnerabilityScanning(this, 'Inspector');
    if (props.openSearch === true) {
      const fns = { Api: api.function, Authorizer: api.authorizerFunction, Projector: projector.function, Publisher: publisher.function, PaymentStep: payments.stepHandler, Notification: notifications.function };
      this.logSearch = new LogSearch(this, 'LogSearch', {
        vpc: network.vpc,
        logGroups: { ...Object.fromEntries(Object.entries(fns).map(([k, f]) => [k, f.logGroup])), ApiAccess: api.accessLogs },
      });
    }
    new CfnOutput(this, 'LogsOpenSearchDomainEndpoint', {
      value: this.logSearch?.endpoint ?? 'none: the sandbox stage has no OpenSearch domain (CloudWatch Logs only)',
      description: 'OpenSearch domain endpoint (Lambda and API logs)',
    });
    // The seed lists it; AppSync is issue 14's. Until then the output says so instead of an id.
    new CfnOutput(this, 'AppSyncApiId', { value: 'none: no AppSync API yet (issue 14); real-time order status is the REST API', description: 'AppSync GraphQL API id' });
    new CfnOutput(this, 'ApiEndpoint', { value: api.api.url, description: 'REST API invoke URL (stage: showcase)' });
    new CfnOutput(this, 'PaymentStateMachineArn', { value: machines.PaymentRequest.stateMachineArn, description: 'Payment request workflow (Step Functions)' });
    new CfnOutput(this, 'SagaDeadLetterQueueUrl', { value: payments.deadLetters.queueUrl, description: 'Failed payment executions (STRATA_SAGA_DLQ_URL for strata dlq list|redrive)' });
    new CfnOutput(this, 'EventBusName', { value: routing.bus.eventBusName, description: 'EventBridge bus of Strata domain events' });
    new CfnOutput(this, 'NotificationTopicArn', { value: notifications.topic.topicArn, description: 'SNS topic for customer notifications' });
  }
}
