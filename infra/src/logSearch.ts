import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as firehose from 'aws-cdk-lib/aws-kinesisfirehose';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as opensearch from 'aws-cdk-lib/aws-opensearchservice';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

export interface LogSearchProps {
  readonly vpc: ec2.IVpc;
  /** Log groups forwarded to the domain, by a short name (the subscription filter's id). */
  readonly logGroups: Readonly<Record<string, logs.ILogGroup>>;
  /** @default 't3.small.search' */
  readonly instanceType?: string;
  /** Data nodes, spread over as many zones (2 or 3). @default 2 */
  readonly dataNodes?: 2 | 3;
}

/**
 * Centralised log search (the seed's "OpenSearch dashboards"): an OpenSearch domain in the VPC's
 * isolated subnets — encrypted at rest and between nodes, HTTPS only, fine-grained access control
 * — fed by a Firehose stream that every given log group is subscribed to. Firehose unpacks the
 * CloudWatch Logs envelopes (decompression + message extraction, no Lambda) and writes one daily
 * index; documents it cannot index land in a backup bucket. The delivery role is the domain's
 * master user (fine-grained access control maps nobody else); operators get a role mapped in
 * OpenSearch Dashboards (docs/how-to/deploy.md).
 */
export class LogSearch extends Construct {
  readonly domain: opensearch.Domain;
  readonly deliveryStream: firehose.CfnDeliveryStream;
  readonly deliveryRole: iam.Role;
  readonly backupBucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: LogSearchProps) {
    super(scope, id);
    const nodes = props.dataNodes ?? 2;
    const subnets = props.vpc.selectSubnets({ subnetType: ec2.SubnetType.PRIVATE_ISOLATED }).subnets.slice(0, nodes);
    const clientGroup = new ec2.SecurityGroup(this, 'DeliverySecurityGroup', { vpc: props.vpc, description: 'Firehose delivery to the log domain', allowAllOutbound: true });
    const domainGroup = new ec2.SecurityGroup(this, 'DomainSecurityGroup', { vpc: props.vpc, description: 'Strata log domain', allowAllOutbound: false });
    domainGroup.addIngressRule(clientGroup, ec2.Port.tcp(443), 'Firehose delivery');

    this.deliveryRole = new iam.Role(this, 'DeliveryRole', { assumedBy: new iam.ServicePrincipal('firehose.amazonaws.com') });
    this.domain = new opensearch.Domain(this, 'Domain', {
      version: opensearch.EngineVersion.OPENSEARCH_2_17,
      vpc: props.vpc,
      vpcSubnets: [{ subnets }],
      securityGroups: [domainGroup],
      capacity: { dataNodes: nodes, dataNodeInstanceType: props.instanceType ?? 't3.small.search', multiAzWithStandbyEnabled: false },
      zoneAwareness: { enabled: true, availabilityZoneCount: nodes },
      ebs: { volumeSize: 20, volumeType: ec2.EbsDeviceVolumeType.GP3 },
      encryptionAtRest: { enabled: true },
      nodeToNodeEncryption: true,
      enforceHttps: true,
      tlsSecurityPolicy: opensearch.TLSSecurityPolicy.TLS_1_2,
      fineGrainedAccessControl: { masterUserArn: this.deliveryRole.roleArn },
      logging: { appLogEnabled: true, slowSearchLogEnabled: true, slowIndexLogEnabled: true },
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.domain.grantReadWrite(this.deliveryRole);
    this.deliveryRole.addToPolicy(new iam.PolicyStatement({ actions: ['es:DescribeDomain', 'es:DescribeDomains', 'es:DescribeDomainConfig'], resources: [this.domain.domainArn, `${this.domain.domainArn}/*`] }));
    // Firehose places its own network interfaces in the subnets to reach the domain.
    this.deliveryRole.addToPolicy(
      new iam.PolicyStatement({
        actions: ['ec2:DescribeVpcs', 'ec2:DescribeVpcAttribute', 'ec2:DescribeSubnets', 'ec2:DescribeSecurityGroups', 'ec2:DescribeNetworkInterfaces', 'ec2:CreateNetworkInterface', 'ec2:CreateNetworkInterfacePermission', 'ec2:DeleteNetworkInterface'],
        resources: ['*'],
      }),
    );

    this.backupBucket = new s3.Bucket(this, 'FailedDocuments', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      lifecycleRules: [{ expiration: Duration.days(30) }],
      removalPolicy: RemovalPolicy.DESTROY,
      autoDeleteObjects: false,
    });
    this.backupBucket.grantReadWrite(this.deliveryRole);

    this.deliveryStream = new firehose.CfnDeliveryStream(this, 'Delivery', {
      deliveryStreamType: 'DirectPut',
      deliveryStreamEncryptionConfigurationInput: { keyType: 'AWS_OWNED_CMK' },
      amazonopensearchserviceDestinationConfiguration: {
        domainArn: this.domain.domainArn,
        indexName: 'strata-logs',
        indexRotationPeriod: 'OneDay',
        roleArn: this.deliveryRole.roleArn,
        s3BackupMode: 'FailedDocumentsOnly',
        s3Configuration: { bucketArn: this.backupBucket.bucketArn, roleArn: this.deliveryRole.roleArn },
        vpcConfiguration: { roleArn: this.deliveryRole.roleArn, subnetIds: subnets.map((s) => s.subnetId), securityGroupIds: [clientGroup.securityGroupId] },
        bufferingHints: { intervalInSeconds: 60, sizeInMBs: 5 },
        processingConfiguration: {
          enabled: true,
          processors: [
            { type: 'Decompression', parameters: [{ parameterName: 'CompressionFormat', parameterValue: 'GZIP' }] },
            { type: 'CloudWatchLogProcessing', parameters: [{ parameterName: 'DataMessageExtraction', parameterValue: 'true' }] },
          ],
        },
      },
    });
    this.deliveryStream.node.addDependency(this.deliveryRole);

    const logsRole = new iam.Role(this, 'SubscriptionRole', { assumedBy: new iam.ServicePrincipal(`logs.${Stack.of(this).region}.amazonaws.com`) });
    logsRole.addToPolicy(new iam.PolicyStatement({ actions: ['firehose:PutRecord', 'firehose:PutRecordBatch'], resources: [this.deliveryStream.attrArn] }));
    for (const [name, group] of Object.entries(props.logGroups)) {
      const filter = new logs.CfnSubscriptionFilter(this, `Forward${name}`, { logGroupName: group.logGroupName, destinationArn: this.deliveryStream.attrArn, roleArn: logsRole.roleArn, filterPattern: '' });
      filter.node.addDependency(logsRole);
    }
  }

  /** The domain's endpoint (host name, HTTPS). */
  get endpoint(): string {
    return this.domain.domainEndpoint;
  }
}
