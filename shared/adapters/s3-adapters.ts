/**
 * The S3 adapters with the S3 client they need, imported as `#s3-adapters`. Bundled apart from
 * every function (`ISOLATED_MODULES` in infra/constructs/support-function.ts): only a rare route
 * uses S3 (a large audit export, an org's deletion), and bundled with the function S3's share of
 * the SDK core (its XML protocol, checksums, streams) would land in every cold start.
 */
export { S3Client } from '@aws-sdk/client-s3';
export { S3AuditArchive } from './s3-audit-archive';
export { S3ExportStore } from './s3-export-store';
