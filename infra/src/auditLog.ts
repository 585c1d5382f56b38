import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

/**
 * CloudTrail: every AWS API call of the account, in all regions, to a versioned bucket with log
 * file validation. It lives with the stateful resources because the bucket policy names the trail
 * (one stack, no cross-stack cycle) and because audit logs outlive any service deployment.
 */
export class AuditLog extends Construct {
  readonly bucket: s3.IBucket;
  readonly trail: cloudtrail.Trail;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    // CDK classes do not satisfy their own interfaces under exactOptionalPropertyTypes (getters typed
    // `T | undefined` against optional members); consumers only need the interface.
    this.bucket = new s3.Bucket(this, 'Bucket', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      versioned: true,
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [{ transitions: [{ storageClass: s3.StorageClass.GLACIER, transitionAfter: Duration.days(90) }] }],
    }) as s3.IBucket;
    this.trail = new cloudtrail.Trail(this, 'Trail', { bucket: this.bucket, isMultiRegionTrail: true, includeGlobalServiceEvents: true, enableFileValidation: true });
  }
}
