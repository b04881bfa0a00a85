import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

type Payload = Record<string, unknown> & { uid?: string; userCode?: string; grantId?: string; consumed?: number };
interface Entry {
  payload: Payload;
  /** Epoch milliseconds, or absent for no expiry. */
  expiresAt?: number;
}

/**
 * oidc-provider's storage interface over one JSON file in the local data folder, so portal and
 * staff sign-ins survive a restart of `npm start` (the library's own memory adapter loses them
 * and warns about it). Local use only: one process owns the file.
 */
export function fileAdapterFactory(path: string) {
  const entries = new Map<string, Entry>(existsSync(path) ? (Object.entries(JSON.parse(readFileSync(path, 'utf8'))) as [string, Entry][]) : []);
  const live = (entry: Entry | undefined) => (entry && (entry.expiresAt === undefined || entry.expiresAt > Date.now()) ? entry : undefined);

  function save(): void {
    for (const [key, entry] of entries) if (!live(entry)) entries.delete(key);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(`${path}.tmp`, JSON.stringify(Object.fromEntries(entries)), { mode: 0o600 });
    renameSync(`${path}.tmp`, path);
  }

  return class FileAdapter {
    constructor(private readonly model: string) {}
    private key = (id: string) => `${this.model}:${id}`;
    private findWhere(match: (p: Payload) => boolean): Payload | undefined {
      for (const [key, entry] of entries) if (key.startsWith(`${this.model}:`) && live(entry) && match(entry.payload)) return entry.payload;
      return undefined;
    }

    async upsert(id: string, payload: Payload, expiresIn?: number): Promise<void> {
      entries.set(this.key(id), { payload, expiresAt: expiresIn ? Date.now() + expiresIn * 1000 : undefined });
      save();
    }
    async find(id: string): Promise<Payload | undefined> {
      return live(entries.get(this.key(id)))?.payload;
    }
    async findByUid(uid: string): Promise<Payload | undefined> {
      return this.findWhere((p) => p.uid === uid);
    }
    async findByUserCode(userCode: string): Promise<Payload | undefined> {
      return this.findWhere((p) => p.userCode === userCode);
    }
    async consume(id: string): Promise<void> {
      const entry = entries.get(this.key(id));
      if (entry) entry.payload.consumed = Math.floor(Date.now() / 1000);
      save();
    }
    async destroy(id: string): Promise<void> {
      entries.delete(this.key(id));
      save();
    }
    async revokeByGrantId(grantId: string): Promise<void> {
      for (const [key, entry] of entries) if (entry.payload.grantId === grantId) entries.delete(key);
      save();
    }
  };
}
