import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { PolicyStatement, type IGrantable } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectLockRetention } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { acknowledge } from './acknowledge';

/**
 * Where a deleted org's audit trail is exported: write-once (Object Lock in governance mode for
 * the retention period), versioned, encrypted with the data key, never public, kept on teardown.
 */
export class AuditArchive extends Construct {
  readonly bucket: Bucket;
  /** Server access logs of the archive: who put, read or tried to delete an export. */
  readonly accessLogs: Bucket;

  constructor(scope: Construct, id: string, props: { retentionDays: number; key: IKey }) {
    super(scope, id);
    // Server access logs are delivered with SSE-S3 only (S3 cannot write them under a KMS key).
    this.accessLogs = new Bucket(this, 'AccessLogs', {
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      versioned: true,
      lifecycleRules: [{ expiration: Duration.days(props.retentionDays + 1), noncurrentVersionExpiration: Duration.days(30) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    acknowledge(this.accessLogs, {
      'AwsSolutions-S1': "This bucket is the audit archive's access log; logging it in turn would need a further log bucket without end.",
    });
    this.bucket = new Bucket(this, 'Bucket', {
      serverAccessLogsBucket: this.accessLogs,
      serverAccessLogsPrefix: 'audit-archive/',
      encryption: BucketEncryption.KMS,
      encryptionKey: props.key,
      bucketKeyEnabled: true,
      enforceSSL: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      versioned: true,
      objectLockEnabled: true,
      objectLockDefaultRetention: ObjectLockRetention.governance(Duration.days(props.retentionDays)),
      lifecycleRules: [
        { expiration: Duration.days(props.retentionDays + 1), noncurrentVersionExpiration: Duration.days(props.retentionDays + 1) },
        // Large CSV exports are copies fetched once: locked for a day, then gone.
        { prefix: 'exports/', expiration: Duration.days(2), noncurrentVersionExpiration: Duration.days(2) },
      ],
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }

  /**
   * Lets a function add exports under `audit/` (never read, overwrite or delete them: Object Lock
   * keeps every version). The data key's encrypt permissions come with its table grant.
   */
  grantExport(grantee: IGrantable): void {
    grantee.grantPrincipal.addToPrincipalPolicy(new PolicyStatement({ actions: ['s3:PutObject'], resources: [this.bucket.arnForObjects('audit/*')] }));
  }

  /** Lets a function put large CSV exports under `exports/` (with a day's retention) and presign their download. */
  grantCsvExports(grantee: IGrantable): void {
    grantee.grantPrincipal.addToPrincipalPolicy(new PolicyStatement({ actions: ['s3:PutObject', 's3:PutObjectRetention', 's3:GetObject'], resources: [this.bucket.arnForObjects('exports/*')] }));
  }
}
