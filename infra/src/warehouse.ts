import { Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as redshift from 'aws-cdk-lib/aws-redshiftserverless';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

export interface WarehouseProps {
  readonly vpc: ec2.IVpc;
  /** The only group allowed to connect (the Lambdas'). */
  readonly clientSecurityGroup: ec2.ISecurityGroup;
  /** The lake bucket Redshift reads (Spectrum over the Glue table, or COPY). */
  readonly lakeBucket: s3.IBucket;
  /** The Glue database of the lake, which Spectrum reads as an external schema. */
  readonly lakeDatabaseName: string;
  /** Namespace and workgroup name (lower case, digits and hyphens). */
  readonly name: string;
  /**
   * Base capacity in Redshift processing units (8 is the minimum).
   * @default 8
   */
  readonly baseCapacity?: number;
}

/**
 * The warehouse: Redshift **Serverless** rather than a provisioned cluster. Strata's analytics are
 * a handful of report queries over the lake, run now and then; Serverless bills RPU-seconds only
 * while queries run and needs no node sizing, whereas the smallest useful provisioned cluster bills
 * every hour of the day. Its role reads the lake through Spectrum (external schema over the Glue
 * database) so the warehouse SQL runs on the same rows as Athena and DuckDB: the views of
 * `packages/projections/sql/warehouse/prelude.redshift.sql`, then the analytics `.sql` files unchanged. The admin password is
 * generated and kept in Secrets Manager by Redshift itself.
 */
export class Warehouse extends Construct {
  readonly namespace: redshift.CfnNamespace;
  readonly workgroup: redshift.CfnWorkgroup;
  readonly role: iam.Role;
  /** The workgroup endpoint host name. */
  readonly endpoint: string;
  static readonly databaseName = 'strata';

  constructor(scope: Construct, id: string, props: WarehouseProps) {
    super(scope, id);
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.CompositePrincipal(new iam.ServicePrincipal('redshift.amazonaws.com'), new iam.ServicePrincipal('redshift-serverless.amazonaws.com')),
    });
    props.lakeBucket.grantRead(this.role);
    const stack = Stack.of(this);
    this.role.addToPolicy(
      new iam.PolicyStatement({
        // Create*Partition: Spectrum ignores Athena's partition projection, so each new day's partitions are
        // registered from Redshift (`ALTER TABLE lake.events ADD PARTITION`, see prelude.redshift.sql).
        actions: ['glue:GetDatabase', 'glue:GetDatabases', 'glue:GetTable', 'glue:GetTables', 'glue:GetPartition', 'glue:GetPartitions', 'glue:CreatePartition', 'glue:BatchCreatePartition'],
        resources: [
          stack.formatArn({ service: 'glue', resource: 'catalog' }),
          stack.formatArn({ service: 'glue', resource: 'database', resourceName: props.lakeDatabaseName }),
          stack.formatArn({ service: 'glue', resource: 'table', resourceName: `${props.lakeDatabaseName}/*` }),
        ],
      }),
    );

    const securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', { vpc: props.vpc, description: 'Strata warehouse', allowAllOutbound: true });
    securityGroup.addIngressRule(props.clientSecurityGroup, ec2.Port.tcp(5439), 'Strata Lambdas');

    this.namespace = new redshift.CfnNamespace(this, 'Namespace', {
      namespaceName: props.name,
      dbName: Warehouse.databaseName,
      adminUsername: 'strata_admin',
      manageAdminPassword: true,
      iamRoles: [this.role.roleArn],
      defaultIamRoleArn: this.role.roleArn,
    });
    this.workgroup = new redshift.CfnWorkgroup(this, 'Workgroup', {
      workgroupName: props.name,
      namespaceName: props.name,
      baseCapacity: props.baseCapacity ?? 8,
      publiclyAccessible: false,
      subnetIds: props.vpc.selectSubnets({ subnetType: ec2.SubnetType.PRIVATE_ISOLATED }).subnetIds,
      securityGroupIds: [securityGroup.securityGroupId],
    });
    this.workgroup.node.addDependency(this.namespace);
    this.endpoint = this.workgroup.attrWorkgroupEndpointAddress;
  }
}
