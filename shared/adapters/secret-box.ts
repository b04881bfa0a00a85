import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { DecryptCommand, EncryptCommand, type KMSClient } from '@aws-sdk/client-kms';
import { canonicalJson } from '../domain/audit';
import type { SecretBox } from '../ports/webhooks';

/**
 * Webhook secrets sealed with KMS (symmetric key `keyId`): the encryption context binds each to
 * its org and endpoint, so a sealed secret copied onto another endpoint does not open.
 */
export class KmsSecretBox implements SecretBox {
  constructor(
    private readonly kms: KMSClient,
    private readonly keyId: string,
  ) {}

  async seal(plaintext: string, context: Record<string, string>): Promise<string> {
    const out = await this.kms.send(new EncryptCommand({ KeyId: this.keyId, Plaintext: Buffer.from(plaintext, 'utf8'), EncryptionContext: context }));
    return `kms:${Buffer.from(out.CiphertextBlob!).toString('base64')}`;
  }

  async open(sealed: string, context: Record<string, string>): Promise<string> {
    if (!sealed.startsWith('kms:')) throw new Error('This secret was not sealed with KMS.');
    const out = await this.kms.send(new DecryptCommand({ KeyId: this.keyId, CiphertextBlob: Buffer.from(sealed.slice(4), 'base64'), EncryptionContext: context }));
    return Buffer.from(out.Plaintext!).toString('utf8');
  }
}

/**
 * The local stand-in for KMS: AES-256-GCM under a key of the local stack, the context as
 * additional authenticated data (a wrong context fails to open, as with KMS).
 */
export class LocalSecretBox implements SecretBox {
  private readonly key: Buffer;

  constructor(hexKey: string) {
    this.key = Buffer.from(hexKey, 'hex');
    if (this.key.length !== 32) throw new Error('The local webhook secret key must be 32 bytes of hex.');
  }

  async seal(plaintext: string, context: Record<string, string>): Promise<string> {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv).setAAD(Buffer.from(canonicalJson(context)));
    const sealed = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return `local:${Buffer.concat([iv, cipher.getAuthTag(), sealed]).toString('base64')}`;
  }

  async open(sealed: string, context: Record<string, string>): Promise<string> {
    if (!sealed.startsWith('local:')) throw new Error('This secret was not sealed by the local stack.');
    const raw = Buffer.from(sealed.slice(6), 'base64');
    const decipher = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, 12)).setAAD(Buffer.from(canonicalJson(context)));
    decipher.setAuthTag(raw.subarray(12, 28));
    return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
  }
}

