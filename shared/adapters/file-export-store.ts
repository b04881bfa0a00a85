import { createHmac } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { ExportStore } from '../ports/export-store';
import { EXPORT_LINK_SECONDS } from './s3-export-store';

/** The signature of a local download link: HMAC of the key and its expiry. */
export const exportLinkSignature = (secret: string, key: string, expires: number) => createHmac('sha256', secret).update(`${key}\n${expires}`).digest('base64url');

/**
 * The local stand-in: a folder under the stack's data directory, and links the local gateway
 * serves while their signature checks and they have not expired (like a presigned URL).
 */
export class FileExportStore implements ExportStore {
  constructor(
    private readonly dir: string,
    private readonly baseUrl: string,
    private readonly secret: string,
  ) {}

  async save(key: string, body: string): Promise<string> {
    const path = resolve(this.dir, key);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, body, { flag: 'wx' });
    const expires = Math.floor(Date.now() / 1000) + EXPORT_LINK_SECONDS;
    return `${this.baseUrl}/__exports/${key}?expires=${expires}&signature=${exportLinkSignature(this.secret, key, expires)}`;
  }
}
