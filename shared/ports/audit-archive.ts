/** Where an org's audit trail is exported before the org is deleted: S3 in AWS, a folder locally. */
export interface AuditArchive {
  /** Stores the document under `name`; returns where it now is (an s3:// URL or a file path). */
  put(name: string, body: string): Promise<string>;
}
