import { CfnElement, Validations, type Stack } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import type { ServiceStack } from './serviceStack.js';
import type { StatefulStack } from './statefulStack.js';

/**
 * cdk-nag's AwsSolutions findings that Strata accepts, each with its reason. The infra tests run
 * the pack (`Validations.of(app).addPlugins(new AwsSolutionsChecks(app))`) on both stages and fail
 * on any finding not acknowledged here. Acknowledgments are metadata: they change no resource.
 */
type Ack = readonly [id: string, reason: string];

const ack = (scope: IConstruct, acks: readonly Ack[]): void => {
  for (const [id, reason] of acks) Validations.of(scope).acknowledge({ id, reason });
};

const MANAGED = (name: string): string => `AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/${name}]`;
/** cdk-nag names a resource in a finding by its logical id (`<Id.Arn>`), as the template does. */
const arnOf = (construct: IConstruct): string => {
  const element = construct instanceof CfnElement ? construct : (construct.node.defaultChild as CfnElement);
  return `<${element.stack.getLogicalId(element)}.Arn>`;
};
const refOf = (construct: IConstruct): string => {
  const element = construct instanceof CfnElement ? construct : (construct.node.defaultChild as CfnElement);
  return `<${element.stack.getLogicalId(element)}>`;
};

/** Findings every Lambda-based stack shares. */
const LAMBDA_ACKS: readonly Ack[] = [
  [MANAGED('AWSLambdaBasicExecutionRole'), 'The minimal AWS-managed role for writing the function’s logs.'],
  [MANAGED('AWSLambdaVPCAccessExecutionRole'), 'The minimal AWS-managed role for the function’s network interfaces in the VPC.'],
  ['AwsSolutions-IAM5[Resource::*]', 'X-Ray PutTraceSegments/PutTelemetryRecords and the state machines’ log delivery actions have no resource-level permissions.'],
  ['AwsSolutions-L1', 'Node.js 22 is the runtime the workspace targets (package.json engines, esbuild target node22); moving to a newer runtime is a tested change of its own.'],
];

export const acknowledgeNagFindings = (stateful: StatefulStack, service: ServiceStack): void => {
  const bucketGrant = 'A CDK grant on the lake bucket: object-level actions on that one bucket’s objects (Firehose writes, Redshift Spectrum reads).';
  ack(stateful as Stack, [
    ...LAMBDA_ACKS,
    ...['Abort*', 'DeleteObject*', 'GetBucket*', 'GetObject*', 'List*'].map((a): Ack => [`AwsSolutions-IAM5[Action::s3:${a}]`, bucketGrant]),
    [`AwsSolutions-IAM5[Resource::${arnOf(stateful.lake.bucket)}/*]`, bucketGrant],
    [`AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:glue:<AWS::Region>:<AWS::AccountId>:table/${refOf(stateful.lake.database)}/*]`, 'Redshift Spectrum reads every table of the lake’s own Glue database (one database, created by this stack).'],
    ['AwsSolutions-SMG4', 'Credentials rotation needs the hosted rotation Lambda in the isolated subnets; the runtime reads the secret at each cold start, so rotation can be switched on without a code change (docs/how-to/deploy.md).'],
    ['AwsSolutions-RDS11', 'The database is in isolated subnets, reachable only from the application security group; a non-default port adds no protection there.'],
    ['AwsSolutions-AEC5', 'Redis is in isolated subnets, reachable only from the application security group; a non-default port adds no protection there.'],
    ['AwsSolutions-AEC6', 'Redis holds only the order-status cache (rebuilt from the event store), encrypted in transit and at rest, reachable only from the application security group; AUTH would add a secret to every Lambda for no new boundary.'],
    ['AwsSolutions-COG1', 'The seed’s sign-up flow: at least 10 characters with lower case, upper case and digits; symbols are not required (NIST 800-63B favours length).'],
    ['AwsSolutions-COG2', 'MFA is not part of the seed’s REST flow (register, then sign in with a password); the pool can turn it on as optional without a code change.'],
    ['AwsSolutions-COG8', 'The Plus feature plan (threat protection) is billed per monthly active user; WAF and GuardDuty cover the API and account.'],
    ['AwsSolutions-S1', 'Lake and trail buckets: CloudTrail records their API calls; server access logs would double the audit trail at extra cost.'],
    ['AwsSolutions-SQS3', 'These queues are dead-letter queues themselves.'],
    ['AwsSolutions-RDS3', 'Sandbox stage only: a single-AZ instance, by design (the enterprise stage is Multi-AZ).'],
    ['AwsSolutions-AEC4', 'Sandbox stage only: one Redis node, by design (the enterprise stage has a replica and automatic failover).'],
  ]);
  ack(service as Stack, [
    ...LAMBDA_ACKS,
    [`AwsSolutions-IAM5[Resource::${arnOf(service.payments.stepHandler)}:*]`, 'The state machines invoke the step handler and any of its versions (CDK’s grantInvoke).'],
    ['AwsSolutions-SQS3', 'These queues are dead-letter queues themselves (stream consumers, routing targets, the sweep schedule, the saga).'],
    ['AwsSolutions-SF1', 'Express executions log ERROR with the execution data (EXPRESS_LOG_LEVEL): every failure with its input is kept, successes are not billed per GB; failures also reach the saga dead-letter queue.'],
    ['AwsSolutions-COG4', 'The REST API uses a Lambda TOKEN authorizer on the API’s own verifier: a Cognito authorizer refuses the `Bearer <token>` form the API accepts (docs/decisions/0008). The public routes and CORS preflights need no token.'],
    ['AwsSolutions-APIG4', 'Every route has the TOKEN authorizer but the public ones (sign-up, sign-in, token refresh, health, docs, OpenAPI, JWKS) and the CORS preflights, which must be reachable without a token.'],
    ['AwsSolutions-APIG2', 'The app validates every request body against its codecs and answers problem documents naming each field; a second schema in API Gateway would drift from them.'],
    ['AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]', 'The account-level role API Gateway needs to write execution logs.'],
  ]);
  const search = service.logSearch;
  if (search !== undefined) {
    const backupGrant = 'A CDK grant on the log delivery’s own backup bucket: Firehose writes the documents it could not index.';
    ack(search, [
      ...['Abort*', 'DeleteObject*', 'GetBucket*', 'GetObject*', 'List*'].map((a): Ack => [`AwsSolutions-IAM5[Action::s3:${a}]`, backupGrant]),
      [`AwsSolutions-IAM5[Resource::${arnOf(search.backupBucket)}/*]`, backupGrant],
      [`AwsSolutions-IAM5[Resource::${arnOf(search.domain)}/*]`, 'Firehose writes daily indices (strata-logs-YYYY-MM-DD) of the one log domain.'],
      ['AwsSolutions-S1', 'The backup bucket holds only documents OpenSearch refused, for 30 days; CloudTrail records its API calls.'],
      ['AwsSolutions-OS3', 'The domain is reachable only inside the VPC, from the delivery security group; no IP allow-list applies to VPC endpoints.'],
      ['AwsSolutions-OS4', 'Dedicated master nodes triple the idle cost of a log domain of two data nodes; zone awareness keeps it available when a zone fails.'],
      ['AwsSolutions-OS5', 'No anonymous access: the domain is in the VPC and fine-grained access control maps only the delivery role (master user).'],
    ]);
  }
};
