import { optionalEnv, requireEnv } from '../config';
import type { TokenSigner } from '../ports/token-signer';
import { loadedOnFirstUse } from './lazy';
import { clientConfig } from './time-budget';

/**
 * The session-token signer: KMS in AWS (`SIGNING_KEY_ID`), a key file locally (`SIGNING_KEY_FILE`);
 * loaded with the first token signed or key published.
 */
export function signerFromEnv(): TokenSigner {
  const keyId = optionalEnv('SIGNING_KEY_ID');
  const retired = (optionalEnv('RETIRED_SIGNING_KEY_IDS') ?? '').split(',').filter(Boolean);
  if (keyId) {
    return loadedOnFirstUse(async () => {
      const [{ KMSClient }, { KmsSigner }] = await Promise.all([import('@aws-sdk/client-kms'), import('./kms-signer')]);
      return new KmsSigner(new KMSClient(clientConfig('kms')), keyId, retired);
    });
  }
  const file = requireEnv('SIGNING_KEY_FILE');
  return loadedOnFirstUse(async () => new (await import('./local-key-signer')).LocalKeySigner(file));
}
