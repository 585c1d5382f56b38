import { Aws, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as athena from 'aws-cdk-lib/aws-athena';
import * as glue from 'aws-cdk-lib/aws-glue';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as firehose from 'aws-cdk-lib/aws-kinesisfirehose';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { EVENT_TYPES } from '@strata/events';
import type { LakePartition, LakeRow } from '@strata/projections/domain/lake';
import { readWarehouseSql, sqlStatements, viewName, WAREHOUSE_SQL_DIR, type WarehouseSql } from '@strata/projections/warehouse/files';
import { Construct } from 'constructs';
import { join } from 'node:path';
import { SynthError } from './paths.js';

/**
 * The Parquet columns of a lake row, as Glue (and so Firehose's Parquet conversion, Athena and
 * Redshift Spectrum) sees them. Typed against `LakeRow` so the two cannot drift apart.
 */
export const LAKE_COLUMNS: { readonly [K in keyof LakeRow]: 'string' | 'int' | 'bigint' } = {
  event_id: 'string',
  stream_id: 'string',
  stream_version: 'bigint',
  schema_version: 'int',
  occurred_at: 'string',
  actor_kind: 'string',
  actor_id: 'string',
  actor_roles: 'string',
  causation_id: 'string',
  correlation_id: 'string',
  command_id: 'string',
  prev_hash: 'string',
  hash: 'string',
  payload: 'string',
};

/** Hive partition keys of the lake paths (`events/type=…/dt=…/`), in path order. */
export const LAKE_PARTITION_KEYS: readonly (keyof LakePartition)[] = ['type', 'dt'];

/**
 * The warehouse `.sql` files as Athena named queries: `prelude-<n>-<view>`, one per view of
 * `prelude.athena.sql` (to run once, in order: Athena runs one statement per query), then one per
 * analytics query under its own name (`revenue_by_day`, …). Read at synth time from the workspace.
 */
export const warehouseNamedQueries = (repoRoot: string): Record<string, string> => {
  const dir = join(repoRoot, WAREHOUSE_SQL_DIR);
  let sql: WarehouseSql;
  try {
    sql = readWarehouseSql(dir);
  } catch (cause) {
    throw new SynthError(`cannot read the warehouse .sql files in ${dir}`, { cause });
  }
  const views = sqlStatements(sql.preludes.athena).map((statement, i) => {
    const view = viewName(statement);
    if (view === undefined) throw new SynthError(`statement ${i + 1} of prelude.athena.sql is not a CREATE VIEW`);
    return [`prelude-${i + 1}-${view}`, statement] as const;
  });
  return { ...Object.fromEntries(views), ...sql.queries };
};

export interface DataLakeProps {
  /** Glue database name (lower case, digits and underscores). */
  readonly databaseName: string;
  /** Athena workgroup name. */
  readonly workGroupName: string;
  /**
   * Athena named queries by name, run in the lake database (the warehouse `.sql` files).
   * @default {}
   */
  readonly namedQueries?: Readonly<Record<string, string>>;
  /**
   * How long Firehose buffers before writing a file (60–900 s).
   * @default Duration.seconds(60)
   */
  readonly bufferInterval?: Duration;
  /** @default RemovalPolicy.RETAIN */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * The data lake: an S3 bucket written by a Firehose delivery stream that converts JSON records to
 * Parquet and partitions them by event type and day (`events/type=<Type>/dt=YYYY-MM-DD/`, the
 * layout the local lake writer uses), the Glue table over it (partition projection, so no
 * crawler or MSCK REPAIR is needed), and an Athena workgroup with its named queries.
 *
 * Records put to the stream hold JSON lines, one object per event (up to 500 per record, which
 * the stream deaggregates): the `LakeRow` columns plus the partition keys `type` and `dt`; the keys
 * feed dynamic partitioning and are not stored as columns.
 */
export class DataLake extends Construct {
  readonly bucket: s3.IBucket;
  readonly deliveryStream: firehose.CfnDeliveryStream;
  readonly database: glue.CfnDatabase;
  readonly table: glue.CfnTable;
  readonly workGroup: athena.CfnWorkGroup;
  static readonly tableName = 'events';

  constructor(scope: Construct, id: string, props: DataLakeProps) {
    super(scope, id);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    // CDK classes do not satisfy their own interfaces under exactOptionalPropertyTypes (getters typed
    // `T | undefined` against optional members); consumers only need the interface.
    this.bucket = new s3.Bucket(this, 'Bucket', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      removalPolicy,
      lifecycleRules: [
        { prefix: 'events/', transitions: [{ storageClass: s3.StorageClass.INTELLIGENT_TIERING, transitionAfter: Duration.days(30) }] },
        { prefix: 'athena-results/', expiration: Duration.days(30) },
        { prefix: 'errors/', expiration: Duration.days(90) },
      ],
    }) as s3.IBucket;

    this.database = new glue.CfnDatabase(this, 'Database', {
      catalogId: Aws.ACCOUNT_ID,
      databaseInput: { name: props.databaseName, description: 'Strata data lake: one row per event' },
    });
    const location = `s3://${this.bucket.bucketName}/events/`;
    this.table = new glue.CfnTable(this, 'EventsTable', {
      catalogId: Aws.ACCOUNT_ID,
      databaseName: props.databaseName,
      tableInput: {
        name: DataLake.tableName,
        tableType: 'EXTERNAL_TABLE',
        partitionKeys: LAKE_PARTITION_KEYS.map((name) => ({ name, type: 'string' })),
        parameters: {
          classification: 'parquet',
          'projection.enabled': 'true',
          'projection.type.type': 'enum',
          'projection.type.values': EVENT_TYPES.join(','),
          'projection.dt.type': 'date',
          'projection.dt.format': 'yyyy-MM-dd',
          'projection.dt.range': '2024-01-01,NOW',
          'projection.dt.interval': '1',
          'projection.dt.interval.unit': 'DAYS',
          'storage.location.template': `${location}type=\${type}/dt=\${dt}/`,
        },
        storageDescriptor: {
          location,
          columns: Object.entries(LAKE_COLUMNS).map(([name, type]) => ({ name, type })),
          inputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat',
          outputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat',
          serdeInfo: { serializationLibrary: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe' },
        },
      },
    });
    this.table.node.addDependency(this.database);

    const role = new iam.Role(this, 'DeliveryRole', { assumedBy: new iam.ServicePrincipal('firehose.amazonaws.com') });
    this.bucket.grantReadWrite(role);
    const stack = Stack.of(this);
    role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['glue:GetTable', 'glue:GetTableVersion', 'glue:GetTableVersions'],
        resources: [
          stack.formatArn({ service: 'glue', resource: 'catalog' }),
          stack.formatArn({ service: 'glue', resource: 'database', resourceName: props.databaseName }),
          stack.formatArn({ service: 'glue', resource: 'table', resourceName: `${props.databaseName}/${DataLake.tableName}` }),
        ],
      }),
    );
    const logGroup = new logs.LogGroup(this, 'DeliveryLogs', { retention: logs.RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.DESTROY });
    const logStream = logGroup.addStream('S3Delivery');
    logGroup.grantWrite(role);

    this.deliveryStream = new firehose.CfnDeliveryStream(this, 'DeliveryStream', {
      deliveryStreamType: 'DirectPut',
      deliveryStreamEncryptionConfigurationInput: { keyType: 'AWS_OWNED_CMK' },
      extendedS3DestinationConfiguration: {
        bucketArn: this.bucket.bucketArn,
        roleArn: role.roleArn,
        prefix: 'events/type=!{partitionKeyFromQuery:type}/dt=!{partitionKeyFromQuery:dt}/',
        errorOutputPrefix: 'errors/!{firehose:error-output-type}/dt=!{timestamp:yyyy-MM-dd}/',
        // Dynamic partitioning needs a buffer of at least 64 MiB.
        bufferingHints: { sizeInMBs: 64, intervalInSeconds: (props.bufferInterval ?? Duration.seconds(60)).toSeconds() },
        dynamicPartitioningConfiguration: { enabled: true, retryOptions: { durationInSeconds: 300 } },
        processingConfiguration: {
          enabled: true,
          processors: [
            // The projector packs up to 500 rows (JSON lines) into one record: Firehose bills
            // ingestion per record rounded up to 5 KB, a row is under 1 KB.
            { type: 'RecordDeAggregation', parameters: [{ parameterName: 'SubRecordType', parameterValue: 'JSON' }] },
            {
              type: 'MetadataExtraction',
              parameters: [
                { parameterName: 'MetadataExtractionQuery', parameterValue: '{type: .type, dt: .dt}' },
                { parameterName: 'JsonParsingEngine', parameterValue: 'JQ-1.6' },
              ],
            },
          ],
        },
        dataFormatConversionConfiguration: {
          enabled: true,
          inputFormatConfiguration: { deserializer: { openXJsonSerDe: {} } },
          outputFormatConfiguration: { serializer: { parquetSerDe: { compression: 'SNAPPY' } } },
          schemaConfiguration: { catalogId: Aws.ACCOUNT_ID, databaseName: props.databaseName, tableName: DataLake.tableName, region: Aws.REGION, roleArn: role.roleArn, versionId: 'LATEST' },
        },
        cloudWatchLoggingOptions: { enabled: true, logGroupName: logGroup.logGroupName, logStreamName: logStream.logStreamName },
      },
    });
    // Firehose checks its role when the stream is created: the policy must exist first.
    this.deliveryStream.node.addDependency(role);
    this.deliveryStream.node.addDependency(this.table);

    this.workGroup = new athena.CfnWorkGroup(this, 'WorkGroup', {
      name: props.workGroupName,
      description: 'Strata analytics over the data lake',
      recursiveDeleteOption: true,
      workGroupConfiguration: {
        enforceWorkGroupConfiguration: true,
        publishCloudWatchMetricsEnabled: true,
        engineVersion: { selectedEngineVersion: 'AUTO' },
        resultConfiguration: { outputLocation: `s3://${this.bucket.bucketName}/athena-results/`, encryptionConfiguration: { encryptionOption: 'SSE_S3' } },
      },
    });
    for (const [name, queryString] of Object.entries(props.namedQueries ?? {})) {
      const query = new athena.CfnNamedQuery(this, `Query-${name}`, { name, database: props.databaseName, queryString, workGroup: this.workGroup.name });
      query.node.addDependency(this.workGroup);
      query.node.addDependency(this.database);
    }
  }

  /** Lets a producer (the projector) put records to the delivery stream. */
  grantPutRecords(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({ grantee, actions: ['firehose:PutRecord', 'firehose:PutRecordBatch'], resourceArns: [this.deliveryStream.attrArn] });
  }
}
