import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { exportJWK, generateKeyPair, importJWK, SignJWT, type JWK } from 'jose';
import type { TokenSigner } from '../ports/token-signer';

interface KeyFile {
  kid: string;
  privateJwk: JWK;
  publicJwk: JWK;
}

/** Creates the local ES256 key pair under the data folder, once. */
export async function ensureLocalKey(path: string, kid = `local-${Date.now()}`): Promise<void> {
  if (existsSync(path)) return;
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const file: KeyFile = { kid, privateJwk: await exportJWK(privateKey), publicJwk: await exportJWK(publicKey) };
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, JSON.stringify(file), { mode: 0o600 });
}

/** Local signer: an ES256 key pair kept in a file (the cloud signs through KMS instead). */
export class LocalKeySigner implements TokenSigner {
  private key?: { kid: string; privateKey: Awaited<ReturnType<typeof importJWK>>; publicJwk: JWK };

  constructor(private readonly path: string) {}

  private async load() {
    if (!this.key) {
      const file = JSON.parse(readFileSync(this.path, 'utf8')) as KeyFile;
      this.key = { kid: file.kid, privateKey: await importJWK(file.privateJwk, 'ES256'), publicJwk: file.publicJwk };
    }
    return this.key;
  }

  async sign(claims: Record<string, unknown>): Promise<string> {
    const { kid, privateKey } = await this.load();
    return new SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid, typ: 'JWT' }).sign(privateKey);
  }

  async publicJwks(): Promise<{ keys: JWK[] }> {
    const { kid, publicJwk } = await this.load();
    return { keys: [{ ...publicJwk, kid, alg: 'ES256', use: 'sig' }] };
  }
}
