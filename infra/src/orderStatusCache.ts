import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elasticache from 'aws-cdk-lib/aws-elasticache';
import { Construct } from 'constructs';

export interface OrderStatusCacheProps {
  readonly vpc: ec2.IVpc;
  /** The only group allowed to connect (the Lambdas'). */
  readonly clientSecurityGroup: ec2.ISecurityGroup;
  /** @default 'cache.t4g.micro' */
  readonly nodeType?: string;
  /**
   * Read replicas besides the primary; with one or more, failover is automatic and Multi-AZ.
   * @default 0
   */
  readonly replicas?: number;
}

/**
 * The order-status cache: an ElastiCache Redis replication group in the isolated `data` subnets,
 * encrypted at rest and in transit (hence `rediss://` in {@link OrderStatusCache.url}).
 */
export class OrderStatusCache extends Construct {
  readonly replicationGroup: elasticache.CfnReplicationGroup;
  /** Primary endpoint host name. */
  readonly endpoint: string;
  /** `rediss://host:port`, the runtime's `REDIS_URL`. */
  readonly url: string;

  constructor(scope: Construct, id: string, props: OrderStatusCacheProps) {
    super(scope, id);
    const port = 6379;
    const securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', { vpc: props.vpc, description: 'Strata order-status cache', allowAllOutbound: false });
    securityGroup.addIngressRule(props.clientSecurityGroup, ec2.Port.tcp(port), 'Strata Lambdas');
    const subnetGroup = new elasticache.CfnSubnetGroup(this, 'Subnets', {
      description: 'Strata order-status cache',
      subnetIds: props.vpc.selectSubnets({ subnetType: ec2.SubnetType.PRIVATE_ISOLATED }).subnetIds,
    });
    const replicas = props.replicas ?? 0;
    this.replicationGroup = new elasticache.CfnReplicationGroup(this, 'Redis', {
      replicationGroupDescription: 'Strata order-status cache',
      engine: 'redis',
      engineVersion: '7.1',
      cacheNodeType: props.nodeType ?? 'cache.t4g.micro',
      port,
      numCacheClusters: replicas + 1,
      automaticFailoverEnabled: replicas > 0,
      multiAzEnabled: replicas > 0,
      atRestEncryptionEnabled: true,
      transitEncryptionEnabled: true,
      cacheSubnetGroupName: subnetGroup.ref,
      securityGroupIds: [securityGroup.securityGroupId],
    });
    this.endpoint = this.replicationGroup.attrPrimaryEndPointAddress;
    this.url = `rediss://${this.endpoint}:${this.replicationGroup.attrPrimaryEndPointPort}`;
  }
}
