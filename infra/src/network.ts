import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';

export interface NetworkProps {
  /**
   * NAT gateways for the application subnets. The payment step calls an external provider and
   * the API fetches Cognito's JWKS, so the Lambdas need egress; AWS services they call through
   * the VPC's gateway endpoints (DynamoDB, S3) do not cross the NAT.
   * @default 1
   */
  readonly natGateways?: number;
  /**
   * Availability zones. Redshift Serverless needs subnets in three.
   * @default 3
   */
  readonly maxAzs?: number;
}

/**
 * The VPC: public subnets (NAT only), `app` subnets with egress for the Lambdas, `data` subnets
 * without any route out for RDS, ElastiCache and Redshift, and the application security group
 * that the data stores accept connections from.
 */
export class Network extends Construct {
  readonly vpc: ec2.IVpc;
  /** Attached to every Lambda; RDS, Redis and Redshift allow their ports from it. */
  readonly appSecurityGroup: ec2.SecurityGroup;
  /** Rejected traffic of the VPC, to CloudWatch Logs. */
  readonly flowLogs: ec2.FlowLog;

  constructor(scope: Construct, id: string, props: NetworkProps = {}) {
    super(scope, id);
    // CDK classes do not satisfy their own interfaces under exactOptionalPropertyTypes (getters typed
    // `T | undefined` against optional members); consumers only need the interface.
    this.vpc = new ec2.Vpc(this, 'Vpc', {
      maxAzs: props.maxAzs ?? 3,
      natGateways: props.natGateways ?? 1,
      subnetConfiguration: [
        { name: 'public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 },
        { name: 'app', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 22 },
        { name: 'data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 },
      ],
      gatewayEndpoints: {
        DynamoDb: { service: ec2.GatewayVpcEndpointAwsService.DYNAMODB },
        S3: { service: ec2.GatewayVpcEndpointAwsService.S3 },
      },
    }) as ec2.IVpc;
    // GuardDuty reads flow logs on its own; these are the operator's copy, rejected traffic only.
    this.flowLogs = new ec2.FlowLog(this, 'FlowLogs', { resourceType: ec2.FlowLogResourceType.fromVpc(this.vpc), trafficType: ec2.FlowLogTrafficType.REJECT });
    this.appSecurityGroup = new ec2.SecurityGroup(this, 'AppSecurityGroup', {
      vpc: this.vpc,
      description: 'Strata Lambdas (the data stores accept connections from this group)',
      allowAllOutbound: true,
    });
  }
}
