import { beforeAll, describe, expect, it } from '@jest/globals';
import { App, CfnElement, type Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROLES } from '@strata/api/identity/ports';
import { EVENT_TYPES } from '@strata/events';
import { EnvKey } from '@strata/runtime/names';
import { DEFAULTS } from '@strata/runtime/names';
import { PAYMENT_STEP_ARN_PLACEHOLDER, SAGA_DEAD_LETTER_QUEUE_PLACEHOLDER, WORKFLOW_FILES, WORKFLOWS } from '@strata/workflows/asl/definitions';
import { routingRules } from '@strata/workflows/routing/rules';
import { TABLE_KEY } from '@strata/write-model/adapters/dynamodb/item';
import { addStrataStacks, ASL_DIR, deployableAsl, EXPRESS_LOG_LEVEL, findRepoRoot, GATEWAY_PROBLEMS, LAMBDA_MEMORY_MB, LambdaEntry, NO_PROVIDER_MESSAGE, problemTemplate, PUBLIC_ROUTES, settingsFrom, SynthError, LAKE_COLUMNS, type ServiceStack, type StatefulStack } from '../src/index.js';

// One synthesis for the whole file. Bundling is skipped (the `aws:cdk:bundling-stacks` context):
// the assertions are about the templates, and `cdk synth` exercises esbuild. NodejsFunction still
// checks that every entry file exists.
let stateful: StatefulStack;
let service: ServiceStack;
let data: Template;
let services: Template;

const logicalId = (stack: Stack, construct: IConstruct): string =>
  stack.getLogicalId(construct instanceof CfnElement ? construct : (construct.node.defaultChild as CfnElement));

// Template assertions throw on a mismatch; `expect` makes them count as assertions (and report).
const assertTemplate = (check: () => void): void => expect(check).not.toThrow();
const isolatedSubnets = (): { Ref: string }[] => stateful.network.vpc.isolatedSubnets.map((s) => ({ Ref: logicalId(stateful, s) }));
const ref = (stack: Stack, construct: IConstruct): { Ref: string } => ({ Ref: logicalId(stack, construct) });

beforeAll(() => {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  ({ stateful, service } = addStrataStacks(app, { projectName: 'strata', enableGuardDuty: true, providerUrl: 'https://provider.example' }));
  data = Template.fromStack(stateful);
  services = Template.fromStack(service);
});

describe('stateful stack', () => {
  it('keeps the event store in one on-demand table keyed as the DynamoDB adapter writes it, with a NEW_IMAGE stream', () => {
    assertTemplate(() => data.resourceCountIs('AWS::DynamoDB::Table', 1));
    assertTemplate(() => data.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [
        { AttributeName: TABLE_KEY.partitionKey, KeyType: 'HASH' },
        { AttributeName: TABLE_KEY.sortKey, KeyType: 'RANGE' },
      ],
      AttributeDefinitions: Match.arrayWith([
        { AttributeName: TABLE_KEY.partitionKey, AttributeType: 'S' },
        { AttributeName: TABLE_KEY.sortKey, AttributeType: 'N' },
      ]),
      BillingMode: 'PAY_PER_REQUEST',
      StreamSpecification: { StreamViewType: 'NEW_IMAGE' },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      DeletionProtectionEnabled: true,
    }));
    assertTemplate(() => data.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Retain' }));
  });

  it('puts PostgreSQL in isolated subnets, never publicly accessible, with credentials in Secrets Manager', () => {
    assertTemplate(() => data.hasResourceProperties('AWS::RDS::DBInstance', {
      Engine: 'postgres',
      PubliclyAccessible: false,
      StorageEncrypted: true,
      DeletionProtection: true,
      MasterUserPassword: Match.objectLike({ 'Fn::Join': Match.arrayWith([Match.arrayWith([Match.stringLikeRegexp('secretsmanager')])]) }),
    }));
    const isolated = isolatedSubnets();
    expect(isolated).toHaveLength(3);
    assertTemplate(() => data.hasResourceProperties('AWS::RDS::DBSubnetGroup', { SubnetIds: isolated }));
    assertTemplate(() => data.hasResourceProperties('AWS::ElastiCache::SubnetGroup', { SubnetIds: isolated }));
  });

  it('runs Redis encrypted in transit and at rest, reachable only from the Lambdas', () => {
    assertTemplate(() => data.hasResourceProperties('AWS::ElastiCache::ReplicationGroup', { Engine: 'redis', TransitEncryptionEnabled: true, AtRestEncryptionEnabled: true }));
    assertTemplate(() => data.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      IpProtocol: 'tcp',
      FromPort: 6379,
      ToPort: 6379,
      SourceSecurityGroupId: { 'Fn::GetAtt': [logicalId(stateful, stateful.network.appSecurityGroup), 'GroupId'] },
    }));
  });

  it('has a Cognito group per role and an app client for password sign-in without a secret', () => {
    for (const role of ROLES) assertTemplate(() => data.hasResourceProperties('AWS::Cognito::UserPoolGroup', { GroupName: role }));
    assertTemplate(() => data.resourceCountIs('AWS::Cognito::UserPoolGroup', ROLES.length));
    assertTemplate(() => data.hasResourceProperties('AWS::Cognito::UserPoolClient', { ExplicitAuthFlows: Match.arrayWith(['ALLOW_USER_PASSWORD_AUTH']), GenerateSecret: false }));
  });

  it('writes the lake as Parquet partitioned by type and day, over a Glue table with the lake row columns', () => {
    assertTemplate(() => data.hasResourceProperties('AWS::KinesisFirehose::DeliveryStream', {
      ExtendedS3DestinationConfiguration: Match.objectLike({
        Prefix: 'events/type=!{partitionKeyFromQuery:type}/dt=!{partitionKeyFromQuery:dt}/',
        DynamicPartitioningConfiguration: { Enabled: true, RetryOptions: Match.anyValue() },
        // Rows arrive packed, up to 500 JSON lines per record (Firehose bills per record, rounded up to 5 KB).
        ProcessingConfiguration: Match.objectLike({
          Processors: Match.arrayWith([{ Type: 'RecordDeAggregation', Parameters: [{ ParameterName: 'SubRecordType', ParameterValue: 'JSON' }] }]),
        }),
        DataFormatConversionConfiguration: Match.objectLike({ Enabled: true, OutputFormatConfiguration: { Serializer: { ParquetSerDe: { Compression: 'SNAPPY' } } } }),
      }),
    }));
    assertTemplate(() => data.hasResourceProperties('AWS::Glue::Table', {
      TableInput: Match.objectLike({
        PartitionKeys: [
          { Name: 'type', Type: 'string' },
          { Name: 'dt', Type: 'string' },
        ],
        Parameters: Match.objectLike({ 'projection.type.values': EVENT_TYPES.join(',') }),
        StorageDescriptor: Match.objectLike({ Columns: Object.entries(LAKE_COLUMNS).map(([Name, Type]) => ({ Name, Type })) }),
      }),
    }));
    assertTemplate(() => data.resourceCountIs('AWS::Athena::WorkGroup', 1));
  });

  it('uses Redshift Serverless in the isolated subnets, not publicly accessible', () => {
    assertTemplate(() => data.hasResourceProperties('AWS::RedshiftServerless::Workgroup', { PubliclyAccessible: false, SubnetIds: isolatedSubnets() }));
    assertTemplate(() => data.hasResourceProperties('AWS::RedshiftServerless::Namespace', { ManageAdminPassword: true }));
  });

  it('records every API call with CloudTrail', () => {
    assertTemplate(() => data.hasResourceProperties('AWS::CloudTrail::Trail', { IsMultiRegionTrail: true, EnableLogFileValidation: true, IsLogging: true }));
  });

  it('exports the outputs the seed lists', () => {
    const outputs = Object.keys(data.findOutputs('*'));
    expect(outputs).toEqual(
      expect.arrayContaining(['VpcId', 'PublicSubnetIds', 'OrdersTableName', 'CognitoUserPoolId', 'CognitoUserPoolClientId', 'RedisCacheEndpoint', 'AnalyticsDBEndpoint', 'RedshiftClusterEndpoint']),
    );
  });
});

describe('service stack', () => {
  it('runs every entry point on Node 22, traced, in the VPC, with the runtime configuration', () => {
    // Every entry but the sandbox's simulated provider. (CDK's own helper functions, such as the
    // OpenSearch log-policy custom resource, carry no Strata configuration and are not counted.)
    const shape = {
      Runtime: 'nodejs22.x',
      Handler: 'index.handler',
      TracingConfig: { Mode: 'Active' },
      VpcConfig: Match.objectLike({ SecurityGroupIds: [Match.anyValue()] }),
      Environment: {
        Variables: Match.objectLike({
          [EnvKey.store]: 'dynamodb',
          [EnvKey.tableName]: Match.anyValue(),
          [EnvKey.identity]: 'cognito',
          [EnvKey.databaseSecretArn]: Match.anyValue(),
          [EnvKey.dataDir]: '/tmp/strata',
          NODE_EXTRA_CA_CERTS: '/var/runtime/ca-cert.pem',
        }),
      },
    };
    const strata = services.findResources('AWS::Lambda::Function', { Properties: { Environment: { Variables: Match.objectLike({ [EnvKey.store]: 'dynamodb' }) } } });
    expect(Object.keys(strata)).toHaveLength(Object.keys(LambdaEntry).length - 1);
    expect(Object.keys(services.findResources('AWS::Lambda::Function', { Properties: shape }))).toEqual(Object.keys(strata));
  });

  it('lets the API Lambda make conditional writes to the event store, once', () => {
    const role = ref(service, service.api.function.role!);
    const policies = services.findResources('AWS::IAM::Policy', { Properties: { Roles: Match.arrayWith([role]) } });
    const statements = Object.values(policies).flatMap((p) => (p as { Properties: { PolicyDocument: { Statement: { Action: string | string[] }[] } } }).Properties.PolicyDocument.Statement);
    const writes = statements.filter((s) => [s.Action].flat().includes('dynamodb:PutItem'));
    expect(writes).toHaveLength(1);
    expect(writes[0]).toEqual(expect.objectContaining({ Effect: 'Allow', Action: expect.arrayContaining(['dynamodb:PutItem', 'dynamodb:ConditionCheckItem', 'dynamodb:Query']) }));
  });

  it('gives each function the memory the cost model prices (LAMBDA_MEMORY_MB)', () => {
    const functions = { api: service.api.function, projector: service.projector.function, publisher: service.publisher.function, paymentStep: service.payments.stepHandler, notification: service.notifications.function, authorizer: service.api.authorizerFunction };
    expect(Object.keys(functions).sort()).toEqual(Object.keys(LambdaEntry).filter((e) => e !== 'simulatedProvider').sort());
    const resources = services.findResources('AWS::Lambda::Function');
    for (const [entry, fn] of Object.entries(functions)) {
      expect((resources[logicalId(service, fn)] as { Properties: { MemorySize: number } }).Properties.MemorySize).toBe(LAMBDA_MEMORY_MB[entry as LambdaEntry]);
    }
  });

  it('lets the API answer commands without waiting for the read model (STRATA_READ_YOUR_WRITES_MS=0)', () => {
    const resource = services.findResources('AWS::Lambda::Function')[logicalId(service, service.api.function)] as { Properties: { Environment: { Variables: Record<string, unknown> } } };
    expect(resource.Properties.Environment.Variables[EnvKey.readYourWritesMs]).toBe('0');
  });

  it('drives the projector, the publisher and the notifications from the table stream with partial batch failures, bisection and a DLQ', () => {
    assertTemplate(() => services.resourceCountIs('AWS::Lambda::EventSourceMapping', 3));
    for (const consumer of [service.projector, service.publisher, service.notifications.consumer]) {
      assertTemplate(() => services.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        FunctionName: ref(service, consumer.function),
        BatchSize: 100,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        BisectBatchOnFunctionError: true,
        StartingPosition: 'TRIM_HORIZON',
        DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [logicalId(service, consumer.deadLetterQueue), 'Arn'] } } },
      }));
    }
  });

  it('deploys each ASL document of the workflows package as written, as Express, with tracing and the step handler', () => {
    const root = findRepoRoot();
    for (const name of WORKFLOWS) {
      const file = join(root, ASL_DIR, WORKFLOW_FILES[name]);
      const machine = service.payments.stateMachines[name];
      const resource = services.findResources('AWS::StepFunctions::StateMachine')[logicalId(service, machine)] as { Properties: Record<string, unknown> };
      expect(resource.Properties).toEqual(
        expect.objectContaining({
          DefinitionString: deployableAsl(file),
          StateMachineType: 'EXPRESS',
          TracingConfiguration: { Enabled: true },
          LoggingConfiguration: expect.objectContaining({ Level: EXPRESS_LOG_LEVEL, IncludeExecutionData: true }),
          DefinitionSubstitutions: {
            PaymentStepFunctionArn: { 'Fn::GetAtt': [logicalId(service, service.payments.stepHandler), 'Arn'] },
            SagaDeadLetterQueueUrl: { Ref: logicalId(service, service.payments.deadLetters) },
          },
        }),
      );
      const deployed = resource.Properties.DefinitionString as string;
      expect(deployed).not.toContain(PAYMENT_STEP_ARN_PLACEHOLDER);
      expect(deployed).not.toContain(SAGA_DEAD_LETTER_QUEUE_PLACEHOLDER);
      const states = (text: string): string[] => Object.keys((JSON.parse(text) as { States: object }).States);
      expect(states(deployed)).toEqual(states(readFileSync(file, 'utf8')));
    }
    assertTemplate(() => services.resourceCountIs('AWS::StepFunctions::StateMachine', WORKFLOWS.length));
  });

  it('routes each rule straight to its state machine, with the whole event as input and a dead-letter queue: no Lambda in between', () => {
    const machines = service.payments.stateMachines;
    const expected = { PaymentRequestWorkflow: machines.PaymentRequest, PaymentReleaseWorkflow: machines.PaymentRelease };
    for (const rule of routingRules) {
      const resource = Object.values(services.findResources('AWS::Events::Rule', { Properties: { Name: `strata-events-${rule.name}` } }))[0] as { Properties: { Targets: Array<Record<string, unknown>> } };
      expect(resource.Properties.Targets).toEqual([
        expect.objectContaining({ Arn: { Ref: logicalId(service, expected[rule.target]) }, RoleArn: expect.anything(), DeadLetterConfig: expect.anything() }),
      ]);
      // No input transformer: the document maps the event itself, as it does for the local runner.
      expect(resource.Properties.Targets[0]).not.toHaveProperty('InputTransformer');
      expect(resource.Properties.Targets[0]).not.toHaveProperty('Input');
    }
    const policies = Object.values(services.findResources('AWS::IAM::Policy')).flatMap((p) => (p as { Properties: { PolicyDocument: { Statement: { Action: string | string[]; Resource: unknown }[] } } }).Properties.PolicyDocument.Statement);
    const starts = policies.filter((st) => [st.Action].flat().includes('states:StartExecution')).map((st) => st.Resource);
    expect(starts).toEqual(expect.arrayContaining(WORKFLOWS.map((name) => ({ Ref: logicalId(service, machines[name]) }))));
  });

  it('starts the hold-expiry sweep on an hourly schedule (one execution per hour, none per order)', () => {
    assertTemplate(() => services.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: `rate(${DEFAULTS.holdSweepSeconds / 3600} hour)`,
      State: 'ENABLED',
      Targets: [Match.objectLike({ Arn: { Ref: logicalId(service, service.payments.stateMachines.HoldExpiry) }, DeadLetterConfig: Match.anyValue() })],
    }));
    // The step handler reads the expired holds from the read model.
    const role = ref(service, service.payments.stepHandler.role!);
    const statements = Object.values(services.findResources('AWS::IAM::Policy', { Properties: { Roles: Match.arrayWith([role]) } })).flatMap((p) => (p as { Properties: { PolicyDocument: { Statement: { Action: string | string[] }[] } } }).Properties.PolicyDocument.Statement);
    expect(statements.some((st) => [st.Action].flat().includes('secretsmanager:GetSecretValue'))).toBe(true);
  });

  it('creates one EventBridge rule per shared routing rule, with exactly its pattern', () => {
    for (const rule of routingRules) {
      assertTemplate(() => services.hasResourceProperties('AWS::Events::Rule', {
        Name: `strata-events-${rule.name}`,
        EventBusName: ref(service, service.routing.bus),
        EventPattern: Match.objectEquals(JSON.parse(JSON.stringify(rule.pattern)) as Record<string, unknown>),
        Targets: [Match.objectLike({ DeadLetterConfig: Match.anyValue() })],
      }));
    }
    // The routing rules and the sweep's schedule: nothing else is on a rule, and the bus keeps no archive.
    assertTemplate(() => services.resourceCountIs('AWS::Events::Rule', routingRules.length + 1));
    assertTemplate(() => services.resourceCountIs('AWS::Events::Archive', 0));
  });

  it('serves the API on the showcase stage behind a WAF web ACL with managed rules', () => {
    assertTemplate(() => services.hasResourceProperties('AWS::ApiGateway::Stage', { StageName: 'showcase', TracingEnabled: true }));
    assertTemplate(() => services.hasResourceProperties('AWS::ApiGateway::Method', { HttpMethod: 'ANY', AuthorizationType: 'CUSTOM', AuthorizerId: Match.anyValue(), Integration: Match.objectLike({ Type: 'AWS_PROXY' }) }));
    assertTemplate(() => services.hasResourceProperties('AWS::WAFv2::WebACL', {
      Scope: 'REGIONAL',
      Rules: Match.arrayWith([Match.objectLike({ Statement: { ManagedRuleGroupStatement: { VendorName: 'AWS', Name: 'AWSManagedRulesCommonRuleSet' } } })]),
    }));
    const stage = logicalId(service, service.api.api.deploymentStage);
    const associations = Object.values(services.findResources('AWS::WAFv2::WebACLAssociation'));
    expect(associations).toHaveLength(1);
    expect(JSON.stringify(associations[0])).toContain(`"Ref":"${stage}"`);
    expect(JSON.stringify(associations[0])).toContain(logicalId(service, service.api.webAcl));
  });

  it('puts a TOKEN authorizer on every route but the public ones, which stay open', () => {
    assertTemplate(() => services.hasResourceProperties('AWS::ApiGateway::Authorizer', {
      Type: 'TOKEN',
      IdentitySource: 'method.request.header.Authorization',
      AuthorizerResultTtlInSeconds: 300,
      AuthorizerUri: Match.objectLike({ 'Fn::Join': Match.arrayWith([Match.arrayWith([Match.objectLike({ 'Fn::GetAtt': [logicalId(service, service.api.authorizerFunction), 'Arn'] })])]) }),
    }));
    const methods = Object.values(services.findResources('AWS::ApiGateway::Method')) as Array<{ Properties: { HttpMethod: string; AuthorizationType: string; ResourceId: unknown } }>;
    const resources = services.findResources('AWS::ApiGateway::Resource') as Record<string, { Properties: { PathPart: string; ParentId: unknown } }>;
    const pathOf = (id: unknown): string => {
      const ref = (id as { Ref?: string }).Ref;
      const r = ref === undefined ? undefined : resources[ref];
      return r === undefined ? '' : `${pathOf(r.Properties.ParentId)}/${r.Properties.PathPart}`;
    };
    const open = methods.filter((m) => m.Properties.AuthorizationType === 'NONE').map((m) => `${m.Properties.HttpMethod} ${pathOf(m.Properties.ResourceId)}`);
    expect(open.sort()).toEqual(PUBLIC_ROUTES.map(([method, path]) => `${method} ${path}`).sort());
    const guarded = methods.filter((m) => m.Properties.AuthorizationType === 'CUSTOM').map((m) => `${m.Properties.HttpMethod} ${pathOf(m.Properties.ResourceId) || '/'}`);
    expect(guarded.sort()).toEqual(['ANY /', 'ANY /{proxy+}']);
  });

  it('answers from API Gateway itself with the API’s problem documents', () => {
    for (const p of GATEWAY_PROBLEMS) {
      assertTemplate(() => services.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
        ResponseType: p.type.responseType,
        StatusCode: String(p.status),
        ResponseParameters: Match.objectLike({ 'gatewayresponse.header.Content-Type': "'application/problem+json'" }),
        ResponseTemplates: { 'application/json': problemTemplate(p) },
      }));
      const body = JSON.parse(problemTemplate(p)) as Record<string, unknown>;
      expect(body).toEqual({ type: `urn:strata:problem:${p.slug}`, title: p.title, status: p.status, detail: p.detail, instance: '$context.path' });
    }
  });

  it('has the EnterpriseDashboard, alarms on projector errors and iterator age and API 5xx, and GuardDuty', () => {
    assertTemplate(() => services.hasResourceProperties('AWS::CloudWatch::Dashboard', { DashboardName: 'EnterpriseDashboard' }));
    assertTemplate(() => services.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'IteratorAge', Namespace: 'AWS/Lambda' }));
    assertTemplate(() => services.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'Errors', Namespace: 'AWS/Lambda', Dimensions: [{ Name: 'FunctionName', Value: ref(service, service.projector.function) }] }));
    assertTemplate(() => services.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: '5XXError', Namespace: 'AWS/ApiGateway' }));
    assertTemplate(() => services.resourceCountIs('AWS::GuardDuty::Detector', 1));
  });

  it('exports the API endpoint, the payment state machine and the saga dead-letter queue', () => {
    expect(Object.keys(services.findOutputs('*'))).toEqual(expect.arrayContaining(['ApiEndpoint', 'PaymentStateMachineArn', 'SagaDeadLetterQueueUrl']));
  });

  it('lets each state machine record its failures on the saga dead-letter queue, and alarms on it', () => {
    const queue = logicalId(service, service.payments.deadLetters);
    const statements = Object.values(services.findResources('AWS::IAM::Policy')).flatMap((p) => (p as { Properties: { PolicyDocument: { Statement: { Action: string | string[]; Resource: unknown }[] } } }).Properties.PolicyDocument.Statement);
    const sends = statements.filter((st) => [st.Action].flat().includes('sqs:SendMessage') && JSON.stringify(st.Resource).includes(queue));
    expect(sends.length).toBeGreaterThanOrEqual(WORKFLOWS.length);
    assertTemplate(() => services.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'ApproximateNumberOfMessagesVisible', Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queue, 'QueueName'] } }] }));
  });

  it('wires the payment step to the configured provider (the enterprise stage deploys no simulated one)', () => {
    const step = services.findResources('AWS::Lambda::Function')[logicalId(service, service.payments.stepHandler)] as { Properties: { Environment: { Variables: Record<string, unknown> } } };
    expect(step.Properties.Environment.Variables[EnvKey.providerUrl]).toBe('https://provider.example');
    assertTemplate(() => services.resourceCountIs('AWS::Lambda::Url', 0));
  });
});

describe('synth inputs', () => {
  it('refuses an ASL document whose Tasks do not use the step-handler placeholder', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'strata-asl-')), 'x.asl.json');
    writeFileSync(file, JSON.stringify({ StartAt: 'A', States: { A: { Type: 'Task', Resource: 'arn:aws:lambda:eu-west-1:1:function:other', End: true } } }));
    expect(() => deployableAsl(file)).toThrow(SynthError);
  });

  it('reads the settings from the CDK context, with defaults, and rejects a bad NAT count', () => {
    expect(settingsFrom(new App())).toEqual({ projectName: 'strata', enableGuardDuty: true });
    expect(settingsFrom(new App({ context: { projectName: 'acme', guardDuty: 'false', natGateways: '2', dbSecretName: 'Db', stage: 'sandbox', corsOrigins: 'https://a.example, https://b.example' } }))).toEqual({
      projectName: 'acme',
      enableGuardDuty: false,
      natGateways: 2,
      dbSecretName: 'Db',
      stage: 'sandbox',
      corsOrigins: ['https://a.example', 'https://b.example'],
    });
    expect(() => settingsFrom(new App({ context: { natGateways: 'two' } }))).toThrow(SynthError);
    expect(() => settingsFrom(new App({ context: { stage: 'prod' } }))).toThrow(SynthError);
  });

  it('refuses to synthesise the enterprise stage without a payment provider, saying how to fix it', () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    expect(() => addStrataStacks(app, { projectName: 'strata', enableGuardDuty: true })).toThrow(new SynthError(NO_PROVIDER_MESSAGE));
    expect(NO_PROVIDER_MESSAGE).toMatch(/-c providerUrl=.*-c stage=sandbox/);
  });
});
