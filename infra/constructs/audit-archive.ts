import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type { IGrantable } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectLockRetention } from 'aws-cdk-lib/aws-s3';
import { Construct, type IConstruct } from 'constructs';
import { acknowledge } from './acknowledge';

/**
 * Where a deleted org's audit trail is exported: write-once (Object Lock in governance mode for
 * the retention period), versioned, encrypted with the data key, never public, kept on teardown.
 */
export class AuditArchive extends Construct {
  readonly bucket: Bucket;

  constructor(scope: Construct, id: string, props: { retentionDays: number; key: IKey }) {
    super(scope, id);
    this.bucket = new Bucket(this, 'Bucket', {
      encryption: BucketEncryption.KMS,
      encryptionKey: props.key,
      bucketKeyEnabled: true,
      enforceSSL: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      versioned: true,
      objectLockEnabled: true,
      objectLockDefaultRetention: ObjectLockRetention.governance(Duration.days(props.retentionDays)),
      lifecycleRules: [{ expiration: Duration.days(props.retentionDays + 1), noncurrentVersionExpiration: Duration.days(props.retentionDays + 1) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    acknowledge(this.bucket, {
      'AwsSolutions-S1': 'Written only by the admin function, a few objects per deleted org; CloudTrail records every call to it. A log bucket would need a log bucket of its own.',
    });
  }

  /** Lets a function add exports (never read, overwrite or delete them). */
  grantExport(grantee: IGrantable): void {
    this.bucket.grantPut(grantee, 'audit/*');
    acknowledge(grantee as unknown as IConstruct, {
      'AwsSolutions-IAM5[Action::s3:Abort*]': 'Part of the put-only grant (aborting its own multipart uploads).',
    });
  }
}
