/** Where a large audit export is put for the browser to fetch: the archive bucket in AWS, a folder locally. */
export interface ExportStore {
  /** Stores `body` under `key`; returns a link that downloads it for a few minutes, and nobody else's. */
  save(key: string, body: string, filename: string): Promise<string>;
}
