import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { AuditArchive } from '../ports/audit-archive';

/** The local stand-in for the archive bucket: a folder under the stack's data directory. */
export class FileAuditArchive implements AuditArchive {
  constructor(private readonly dir: string) {}

  async put(name: string, body: string): Promise<string> {
    const path = resolve(this.dir, name);
    await mkdir(dirname(path), { recursive: true });
    // `wx`: like the bucket, never overwrite an earlier export.
    await writeFile(path, body, { flag: 'wx' });
    return path;
  }
}
