import { optionalEnv, requireEnv } from '../config';
import type { ExportStore } from '../ports/export-store';
import { loadedOnFirstUse } from './lazy';
import { clockFromEnv } from './runtime';
import { clientConfig } from './time-budget';

/**
 * Where large audit exports go: the archive bucket (`AUDIT_EXPORT_BUCKET`) in AWS, a folder
 * locally; loaded with the first export too big to answer inline.
 */
export function exportStoreFromEnv(): ExportStore {
  const bucket = optionalEnv('AUDIT_EXPORT_BUCKET');
  const clock = clockFromEnv();
  if (bucket) {
    return loadedOnFirstUse(async () => {
      const { S3Client, S3ExportStore } = await import('#s3-adapters');
      return new S3ExportStore(new S3Client(clientConfig('s3')), bucket, () => clock.now());
    });
  }
  const local = { dir: requireEnv('AUDIT_EXPORT_DIR'), portalUrl: requireEnv('PORTAL_URL'), secret: requireEnv('EXPORT_LINK_SECRET') };
  return loadedOnFirstUse(async () => new (await import('./file-export-store')).FileExportStore(local.dir, local.portalUrl, local.secret));
}
