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
import { stateMachineArnEnv } from '@strata/runtime/aws/stateMachines';
import { PAYMENT_STEP_ARN_PLACEHOLDER, WORKFLOW_FILES, WORKFLOW_TYPES, WORKFLOWS } from '@strata/workflows/asl/definitions';
import { routingRules } from '@strata/workflows/routing/rules';
import { TABLE_KEY } from '@strata/write-model/adapters/dynamodb/item';
import { addStrataStacks, ASL_DIR, DEPLOYED_WORKFLOW_TYPES, deployableAsl, findRepoRoot, settingsFrom, SynthError, LAKE_COLUMNS, type ServiceStack, type StatefulStack } from '../src/index.js';

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
  ({ stateful, service } = addStrataStacks(app, { projectName: 'strata', enableGuardDuty: true }));
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
    assertTemplate(() => services.resourceCountIs('AWS::Lambda::Function', 6));
    assertTemplate(() => services.allResourcesProperties('AWS::Lambda::Function', {
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
    }));
  });

  it('lets the API Lambda make conditional writes to the event store, once', () => {
    const role = ref(service, service.api.function.role!);
    const policies = services.findResources('AWS::IAM::Policy', { Properties: { Roles: Match.arrayWith([role]) } });
    const statements = Object.values(policies).flatMap((p) => (p as { Properties: { PolicyDocument: { Statement: { Action: string | string[] }[] } } }).Properties.PolicyDocument.Statement);
    const writes = statements.filter((s) => [s.Action].flat().includes('dynamodb:PutItem'));
    expect(writes).toHaveLength(1);
    expect(writes[0]).toEqual(expect.objectContaining({ Effect: 'Allow', Action: expect.arrayContaining(['dynamodb:PutItem', 'dynamodb:ConditionCheckItem', 'dynamodb:Query']) }));
  });

  it('drives the projector and the publisher from the table stream with partial batch failures, bisection and a DLQ', () => {
    assertTemplate(() => services.resourceCountIs('AWS::Lambda::EventSourceMapping', 2));
    for (const consumer of [service.projector, service.publisher]) {
      assertTemplate(() => services.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        FunctionName: ref(service, consumer.function),
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        BisectBatchOnFunctionError: true,
        StartingPosition: 'TRIM_HORIZON',
        DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [logicalId(service, consumer.deadLetterQueue), 'Arn'] } } },
      }));
    }
  });

  it('deploys each ASL document of the workflows package as written, with its type, tracing and the step handler', () => {
    const root = findRepoRoot();
    for (const name of WORKFLOWS) {
      const file = join(root, ASL_DIR, WORKFLOW_FILES[name]);
      const machine = service.payments.stateMachines[name];
      const resource = services.findResources('AWS::StepFunctions::StateMachine')[logicalId(service, machine)] as { Properties: Record<string, unknown> };
      expect(resource.Properties).toEqual(
        expect.objectContaining({
          DefinitionString: deployableAsl(file),
          StateMachineType: DEPLOYED_WORKFLOW_TYPES[name],
          TracingConfiguration: { Enabled: true },
          DefinitionSubstitutions: { PaymentStepFunctionArn: { 'Fn::GetAtt': [logicalId(service, service.payments.stepHandler), 'Arn'] } },
        }),
      );
      const deployed = resource.Properties.DefinitionString as string;
      expect(deployed).not.toContain(PAYMENT_STEP_ARN_PLACEHOLDER);
      const states = (text: string): string[] => Object.keys((JSON.parse(text) as { States: object }).States);
      expect(states(deployed)).toEqual(states(readFileSync(file, 'utf8')));
    }
  });

  it('runs HoldExpiry as Standard (it waits days for the hold to expire), the others as the workflows package chose', () => {
    expect(DEPLOYED_WORKFLOW_TYPES.HoldExpiry).toBe('STANDARD');
    for (const name of WORKFLOWS.filter((w) => w !== 'HoldExpiry')) expect(DEPLOYED_WORKFLOW_TYPES[name]).toBe(WORKFLOW_TYPES[name]);
  });

  it('starts the workflows through the saga starter, which knows every state machine and may start them', () => {
    const starter = service.payments.starter;
    const resource = services.findResources('AWS::Lambda::Function')[logicalId(service, starter)] as { Properties: { Environment: { Variables: Record<string, unknown> } } };
    for (const name of WORKFLOWS) {
      expect(resource.Properties.Environment.Variables[stateMachineArnEnv(name)]).toEqual({ Ref: logicalId(service, service.payments.stateMachines[name]) });
    }
    const policies = services.findResources('AWS::IAM::Policy', { Properties: { Roles: Match.arrayWith([ref(service, starter.role!)]) } });
    const started = Object.values(policies).flatMap((p) => (p as { Properties: { PolicyDocument: { Statement: { Action: string | string[]; Resource: unknown }[] } } }).Properties.PolicyDocument.Statement)
      .filter((st) => [st.Action].flat().includes('states:StartExecution'))
      .map((st) => st.Resource);
    expect(started).toEqual(expect.arrayContaining(WORKFLOWS.map((name) => ({ Ref: logicalId(service, service.payments.stateMachines[name]) }))));
  });

  it('targets Lambdas only: the starter for the workflow rules, the notification function for the others', () => {
    const starterArn = { 'Fn::GetAtt': [logicalId(service, service.payments.starter), 'Arn'] };
    const notifierArn = { 'Fn::GetAtt': [logicalId(service, service.notifications.function), 'Arn'] };
    for (const rule of routingRules) {
      const arn = rule.target === 'CustomerNotifications' ? notifierArn : starterArn;
      assertTemplate(() => services.hasResourceProperties('AWS::Events::Rule', { Name: `strata-events-${rule.name}`, Targets: [Match.objectLike({ Arn: arn })] }));
    }
  });

  it('creates one EventBridge rule per shared routing rule, with exactly its pattern', () => {
    assertTemplate(() => services.resourceCountIs('AWS::Events::Rule', routingRules.length));
    for (const rule of routingRules) {
      assertTemplate(() => services.hasResourceProperties('AWS::Events::Rule', {
        Name: `strata-events-${rule.name}`,
        EventBusName: ref(service, service.routing.bus),
        EventPattern: Match.objectEquals(JSON.parse(JSON.stringify(rule.pattern)) as Record<string, unknown>),
        Targets: [Match.objectLike({ DeadLetterConfig: Match.anyValue() })],
      }));
    }
  });

  it('serves the API on the showcase stage behind a WAF web ACL with managed rules', () => {
    assertTemplate(() => services.hasResourceProperties('AWS::ApiGateway::Stage', { StageName: 'showcase', TracingEnabled: true }));
    assertTemplate(() => services.hasResourceProperties('AWS::ApiGateway::Method', { HttpMethod: 'ANY', AuthorizationType: 'NONE', Integration: Match.objectLike({ Type: 'AWS_PROXY' }) }));
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

  it('has the EnterpriseDashboard, alarms on projector errors and iterator age and API 5xx, and GuardDuty', () => {
    assertTemplate(() => services.hasResourceProperties('AWS::CloudWatch::Dashboard', { DashboardName: 'EnterpriseDashboard' }));
    assertTemplate(() => services.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'IteratorAge', Namespace: 'AWS/Lambda' }));
    assertTemplate(() => services.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'Errors', Namespace: 'AWS/Lambda', Dimensions: [{ Name: 'FunctionName', Value: ref(service, service.projector.function) }] }));
    assertTemplate(() => services.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: '5XXError', Namespace: 'AWS/ApiGateway' }));
    assertTemplate(() => services.resourceCountIs('AWS::GuardDuty::Detector', 1));
  });

  it('exports the API endpoint and the payment state machine', () => {
    expect(Object.keys(services.findOutputs('*'))).toEqual(expect.arrayContaining(['ApiEndpoint', 'PaymentStateMachineArn']));
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
    expect(settingsFrom(new App({ context: { projectName: 'acme', guardDuty: 'false', natGateways: '2', dbSecretName: 'Db' } }))).toEqual({
      projectName: 'acme',
      enableGuardDuty: false,
      natGateways: 2,
      dbSecretName: 'Db',
    });
    expect(() => settingsFrom(new App({ context: { natGateways: 'two' } }))).toThrow(SynthError);
  });
});
