import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { ExportStore } from '../ports/export-store';

/** How long a download link works. */
export const EXPORT_LINK_SECONDS = 300;

/**
 * Large exports in the archive bucket under `exports/`: kept a day (governance Object Lock for a
 * day, then the bucket's lifecycle removes them), fetched through a presigned GET link.
 */
export class S3ExportStore implements ExportStore {
  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
    private readonly now: () => Date,
  ) {}

  async save(key: string, body: string, filename: string): Promise<string> {
    await this.s3.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: key,
        Body: body,
        ContentType: 'text/csv; charset=utf-8',
        ContentDisposition: `attachment; filename="${filename}"`,
        ChecksumAlgorithm: 'SHA256',
        // Shorter than the bucket's default retention: an export is a copy, not the record.
        ObjectLockMode: 'GOVERNANCE',
        ObjectLockRetainUntilDate: new Date(this.now().getTime() + 24 * 3_600_000),
      }),
    );
    return getSignedUrl(this.s3, new GetObjectCommand({ Bucket: this.bucket, Key: key }), { expiresIn: EXPORT_LINK_SECONDS });
  }
}
