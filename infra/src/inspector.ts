import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';

/** What Inspector v2 scans: the Lambdas' packages and code, and container images (issue 14's Fargate tasks). */
export const INSPECTOR_RESOURCE_TYPES = ['LAMBDA', 'LAMBDA_CODE', 'ECR'] as const;

/**
 * Amazon Inspector v2 enabled for this account (the seed's "Inspector scans Lambda and Fargate"):
 * CloudFormation has no resource for it, so a custom resource calls `inspector2:Enable` on create
 * and update. Deleting the stack leaves scanning on (turning off an account-wide scanner is an
 * operator's decision, not a stack's). Findings go to Inspector and EventBridge; an account whose
 * Inspector is managed by a delegated administrator turns this off (`-c inspector=false`).
 */
export class VulnerabilityScanning extends Construct {
  readonly enable: cr.AwsCustomResource;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const call: cr.AwsSdkCall = {
      service: 'Inspector2',
      action: 'enable',
      parameters: { accountIds: [Stack.of(this).account], resourceTypes: [...INSPECTOR_RESOURCE_TYPES] },
      physicalResourceId: cr.PhysicalResourceId.of('inspector2-enable'),
    };
    this.enable = new cr.AwsCustomResource(this, 'Enable', {
      onCreate: call,
      onUpdate: call,
      installLatestAwsSdk: false,
      policy: cr.AwsCustomResourcePolicy.fromStatements([
        new iam.PolicyStatement({ actions: ['inspector2:Enable', 'inspector2:BatchGetAccountStatus'], resources: ['*'] }),
        // Inspector creates its service-linked role on first enablement.
        new iam.PolicyStatement({
          actions: ['iam:CreateServiceLinkedRole'],
          resources: ['*'],
          conditions: { StringEquals: { 'iam:AWSServiceName': 'inspector2.amazonaws.com' } },
        }),
      ]),
    });
  }
}
