import { optionalEnv, requireEnv } from '../config';
import type { AuditArchive } from '../ports/audit-archive';
import { loadedOnFirstUse } from './lazy';
import { clientConfig } from './time-budget';

/** The archive bucket in AWS (`AUDIT_ARCHIVE_BUCKET`), a folder locally (`AUDIT_ARCHIVE_DIR`); loaded with the first org deleted. */
export function auditArchiveFromEnv(): AuditArchive {
  const bucket = optionalEnv('AUDIT_ARCHIVE_BUCKET');
  if (bucket) {
    return loadedOnFirstUse(async () => {
      const { S3Client, S3AuditArchive } = await import('#s3-adapters');
      return new S3AuditArchive(new S3Client(clientConfig('s3')), bucket);
    });
  }
  const dir = requireEnv('AUDIT_ARCHIVE_DIR');
  return loadedOnFirstUse(async () => new (await import('./file-audit-archive')).FileAuditArchive(dir));
}
