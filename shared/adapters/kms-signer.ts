import { createHash } from 'node:crypto';
import { GetPublicKeyCommand, SignCommand, type KMSClient } from '@aws-sdk/client-kms';
import { exportJWK, importSPKI, type JWK } from 'jose';
import type { TokenSigner } from '../ports/token-signer';

/**
 * Converts a DER-encoded ECDSA signature (what KMS returns) into the JOSE form: r and s as
 * fixed-width big-endian integers, concatenated (RFC 7518 §3.4).
 */
export function derToJose(der: Uint8Array, size = 32): Buffer {
  const buf = Buffer.from(der);
  let offset = 0;
  if (buf[offset++] !== 0x30) throw new Error('Not a DER sequence.');
  const seqLength = buf[offset++]!;
  if (seqLength & 0x80) offset += seqLength & 0x7f; // long-form length: skip its bytes
  const readInt = (): Buffer => {
    if (buf[offset++] !== 0x02) throw new Error('Not a DER integer.');
    const length = buf[offset++]!;
    let value = buf.subarray(offset, offset + length);
    offset += length;
    while (value.length > size && value[0] === 0) value = value.subarray(1);
    if (value.length > size) throw new Error('DER integer too long.');
    return Buffer.concat([Buffer.alloc(size - value.length), value]);
  };
  return Buffer.concat([readInt(), readInt()]);
}

const kidOf = (keyId: string) => createHash('sha256').update(keyId).digest('base64url').slice(0, 16);

/**
 * Cloud signer: an asymmetric KMS key (ECC_NIST_P256); the private key never leaves KMS.
 * Rotation: a new key signs while the retired keys stay published until their tokens expire.
 */
export class KmsSigner implements TokenSigner {
  private readonly publicJwks_ = new Map<string, Promise<JWK>>();

  constructor(
    private readonly kms: KMSClient,
    private readonly keyId: string,
    private readonly retiredKeyIds: string[] = [],
  ) {}

  /** A stable `kid`: derived from the key id, so rotation to a new key changes it. */
  get kid(): string {
    return kidOf(this.keyId);
  }

  async sign(claims: Record<string, unknown>): Promise<string> {
    const header = Buffer.from(JSON.stringify({ alg: 'ES256', kid: this.kid, typ: 'JWT' })).toString('base64url');
    const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
    const signingInput = `${header}.${payload}`;
    const out = await this.kms.send(
      new SignCommand({
        KeyId: this.keyId,
        // RAW: KMS hashes with SHA-256 itself (ECDSA_SHA_256); a JWT's signing input is far below 4 KB.
        Message: Buffer.from(signingInput),
        MessageType: 'RAW',
        SigningAlgorithm: 'ECDSA_SHA_256',
      }),
    );
    if (!out.Signature) throw new Error('KMS returned no signature.');
    return `${signingInput}.${derToJose(out.Signature).toString('base64url')}`;
  }

  /** The current key and every retired one still published; each fetched once per container. */
  async publicJwks(): Promise<{ keys: JWK[] }> {
    const keys = await Promise.all([this.keyId, ...this.retiredKeyIds].map(async (keyId) => ({ ...(await this.publicKey(keyId)), kid: kidOf(keyId), alg: 'ES256', use: 'sig' })));
    return { keys };
  }

  private publicKey(keyId: string): Promise<JWK> {
    let jwk = this.publicJwks_.get(keyId);
    if (!jwk) {
      jwk = (async () => {
        const out = await this.kms.send(new GetPublicKeyCommand({ KeyId: keyId }));
        if (!out.PublicKey) throw new Error('KMS returned no public key.');
        const pem = `-----BEGIN PUBLIC KEY-----\n${Buffer.from(out.PublicKey).toString('base64')}\n-----END PUBLIC KEY-----`;
        return exportJWK(await importSPKI(pem, 'ES256', { extractable: true }));
      })();
      this.publicJwks_.set(keyId, jwk);
    }
    return jwk;
  }
}
