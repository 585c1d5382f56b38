import { CfnOutput, Fn, Stack, Token, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { AuditLog } from './auditLog.js';
import { DataLake, warehouseNamedQueries } from './dataLake.js';
import { EventStoreTable } from './eventStoreTable.js';
import { Identity } from './identity.js';
import { Network } from './network.js';
import { OrderStatusCache } from './orderStatusCache.js';
import { findRepoRoot } from './paths.js';
import { ReadModelDatabase } from './readModelDatabase.js';
import { Warehouse } from './warehouse.js';

export interface StatefulStackProps extends StackProps {
  /** Prefix of the names that must be unique per account and region (seed: `ProjectName`). */
  readonly projectName: string;
  /**
   * Secrets Manager name for the read-model database credentials (seed: `DbPasswordSecretName`).
   * @default a generated name
   */
  readonly dbSecretName?: string;
  /** @default 1 */
  readonly natGateways?: number;
  /** RDS Multi-AZ. @default false */
  readonly multiAz?: boolean;
  /** Redis read replicas; one or more turn on automatic failover. @default 0 */
  readonly cacheReplicas?: number;
  /** Athena named queries by name. @default the warehouse `.sql` files (`warehouseNamedQueries`) */
  readonly namedQueries?: Readonly<Record<string, string>>;
}

/**
 * Everything that holds data or identity, deployed apart from the services so that a service
 * change can never replace it: network, event store, read-model database, cache, data lake,
 * warehouse, user pool and the CloudTrail audit log.
 */
export class StatefulStack extends Stack {
  readonly network: Network;
  readonly eventStore: EventStoreTable;
  readonly database: ReadModelDatabase;
  readonly cache: OrderStatusCache;
  readonly lake: DataLake;
  readonly warehouse: Warehouse;
  readonly identity: Identity;
  readonly auditLog: AuditLog;

  constructor(scope: Construct, id: string, props: StatefulStackProps) {
    super(scope, id, props);
    const name = props.projectName.toLowerCase();
    this.network = new Network(this, 'Network', props.natGateways === undefined ? {} : { natGateways: props.natGateways });
    const { vpc, appSecurityGroup } = this.network;

    this.eventStore = new EventStoreTable(this, 'EventStore');
    this.database = new ReadModelDatabase(this, 'ReadModel', {
      vpc,
      clientSecurityGroup: appSecurityGroup,
      ...(props.dbSecretName === undefined ? {} : { secretName: props.dbSecretName }),
      ...(props.multiAz === undefined ? {} : { multiAz: props.multiAz }),
    });
    this.cache = new OrderStatusCache(this, 'OrderStatusCache', { vpc, clientSecurityGroup: appSecurityGroup, ...(props.cacheReplicas === undefined ? {} : { replicas: props.cacheReplicas }) });
    this.lake = new DataLake(this, 'DataLake', {
      databaseName: `${name.replace(/[^a-z0-9]/g, '_')}_lake`,
      workGroupName: `${name}-analytics`,
      namedQueries: props.namedQueries ?? warehouseNamedQueries(findRepoRoot()),
    });
    this.warehouse = new Warehouse(this, 'Warehouse', {
      vpc,
      clientSecurityGroup: appSecurityGroup,
      lakeBucket: this.lake.bucket,
      lakeDatabaseName: this.lake.database.ref,
      name: `${name}-warehouse`,
    });
    this.identity = new Identity(this, 'Identity');
    this.auditLog = new AuditLog(this, 'AuditLog');

    const output = (id: string, value: string, description: string): CfnOutput => new CfnOutput(this, id, { value, description });
    output('VpcId', vpc.vpcId, 'VPC id');
    output('PublicSubnetIds', vpc.publicSubnets.map((s) => s.subnetId).join(','), 'Comma-separated public subnet ids');
    output('OrdersTableName', this.eventStore.table.tableName, 'DynamoDB event store (every stream: orders, payments, customers, feedback)');
    output('CognitoUserPoolId', this.identity.userPool.userPoolId, 'Cognito user pool id');
    output('CognitoUserPoolClientId', this.identity.client.userPoolClientId, 'Cognito app client id (no secret)');
    output('RedisCacheEndpoint', this.cache.endpoint, 'ElastiCache Redis primary endpoint (TLS)');
    output('AnalyticsDBEndpoint', this.database.instance.dbInstanceEndpointAddress, 'RDS PostgreSQL endpoint (read model)');
    output('AnalyticsDBSecretArn', this.database.secret.secretArn, 'Secrets Manager ARN of the read-model credentials');
    output('RedshiftClusterEndpoint', this.warehouse.endpoint, 'Redshift Serverless workgroup endpoint');
    output('DataLakeBucketName', this.lake.bucket.bucketName, 'S3 data lake bucket');
    output('AthenaWorkGroup', this.lake.workGroup.ref, 'Athena workgroup for the lake');
  }

  /**
   * Three zones even when the stack is environment-agnostic (CDK would assume two): Redshift
   * Serverless needs subnets in three, and the zones stay unresolved until deployment.
   */
  override get availabilityZones(): string[] {
    return Token.isUnresolved(this.region) ? [0, 1, 2].map((i) => Fn.select(i, Fn.getAzs())) : super.availabilityZones;
  }
}
