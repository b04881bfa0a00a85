import { S3Client } from '@aws-sdk/client-s3';
import { optionalEnv, requireEnv } from '../config';
import type { AuditArchive } from '../ports/audit-archive';
import { FileAuditArchive } from './file-audit-archive';
import { S3AuditArchive } from './s3-audit-archive';
import { clientConfig } from './time-budget';

/** The archive bucket in AWS (`AUDIT_ARCHIVE_BUCKET`), a folder locally (`AUDIT_ARCHIVE_DIR`). */
export function auditArchiveFromEnv(): AuditArchive {
  const bucket = optionalEnv('AUDIT_ARCHIVE_BUCKET');
  return bucket ? new S3AuditArchive(new S3Client(clientConfig('s3')), bucket) : new FileAuditArchive(requireEnv('AUDIT_ARCHIVE_DIR'));
}
