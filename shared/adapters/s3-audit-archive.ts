import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { AuditArchive } from '../ports/audit-archive';

/** The archive bucket (versioned, object-locked, KMS-encrypted by the stack's defaults). */
export class S3AuditArchive implements AuditArchive {
  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
  ) {}

  async put(name: string, body: string): Promise<string> {
    await this.s3.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: name,
        Body: body,
        ContentType: 'application/json',
        // Object Lock requires an integrity checksum on every PUT.
        ChecksumAlgorithm: 'SHA256',
        // Never overwrite an earlier export of the same name.
        IfNoneMatch: '*',
      }),
    );
    return `s3://${this.bucket}/${name}`;
  }
}
