import { generateKeyPairSync, sign } from 'node:crypto';
import { GetPublicKeyCommand, KMSClient, SignCommand } from '@aws-sdk/client-kms';
import { mockClient } from 'aws-sdk-client-mock';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { derToJose, KmsSigner } from '../../shared/adapters/kms-signer';

describe('the KMS token signer', () => {
  const kms = mockClient(KMSClient);
  const keyArn = 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
  // A real P-256 key stands in for the one inside KMS: the mock signs what it is sent, as KMS does.
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });

  beforeEach(() => {
    kms.reset();
    kms.on(SignCommand).callsFake((input: { Message: Uint8Array }) => ({
      Signature: sign('sha256', Buffer.from(input.Message), { key: privateKey, dsaEncoding: 'der' }),
      KeyId: keyArn,
      SigningAlgorithm: 'ECDSA_SHA_256',
    }));
    kms.on(GetPublicKeyCommand).resolves({ PublicKey: publicKey.export({ type: 'spki', format: 'der' }), KeySpec: 'ECC_NIST_P256' });
  });

  test('DER to JOSE: a known vector with a leading-zero r and a short s', () => {
    // SEQUENCE { INTEGER 0x00 || 0x80 0x01…(32 bytes), INTEGER 0x05 }
    const r = Buffer.concat([Buffer.from([0x80]), Buffer.alloc(31, 0x01)]);
    const der = Buffer.concat([Buffer.from([0x30, 2 + 33 + 2 + 1, 0x02, 33, 0x00]), r, Buffer.from([0x02, 0x01, 0x05])]);
    const jose = derToJose(der);
    expect(jose).toHaveLength(64);
    expect(jose.subarray(0, 32).equals(r)).toBe(true);
    expect(jose.subarray(32).equals(Buffer.concat([Buffer.alloc(31), Buffer.from([0x05])]))).toBe(true);
  });

  test('signs with the exact request KMS requires and produces a token the published JWKS verifies', async () => {
    const signer = new KmsSigner(new KMSClient({ region: 'eu-west-1' }), keyArn);
    const token = await signer.sign({ sub: 'ann@acme.test', act: { sub: 'alex' }, exp: Math.floor(Date.now() / 1000) + 60 });

    const calls = kms.commandCalls(SignCommand);
    expect(calls).toHaveLength(1);
    const input = calls[0]!.args[0].input;
    expect(input).toMatchObject({ KeyId: keyArn, MessageType: 'RAW', SigningAlgorithm: 'ECDSA_SHA_256' });
    expect(Buffer.from(input.Message as Uint8Array).toString()).toBe(token.split('.').slice(0, 2).join('.'));

    const jwks = await signer.publicJwks();
    expect(jwks.keys[0]).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig', kid: signer.kid });
    const { payload, protectedHeader } = await jwtVerify(token, createLocalJWKSet(jwks));
    expect(protectedHeader).toMatchObject({ alg: 'ES256', kid: signer.kid });
    expect(payload.sub).toBe('ann@acme.test');
  });

  test('the public key is fetched once', async () => {
    const signer = new KmsSigner(new KMSClient({ region: 'eu-west-1' }), keyArn);
    await signer.publicJwks();
    await signer.publicJwks();
    expect(kms.commandCalls(GetPublicKeyCommand)).toHaveLength(1);
  });

  test('rotation: a token signed by the retired key still verifies; new tokens carry the new kid', async () => {
    const retiredArn = keyArn.replace('1234abcd', 'feedbeef');
    const retired = new KmsSigner(new KMSClient({ region: 'eu-west-1' }), retiredArn);
    const oldToken = await retired.sign({ sub: 'ann@acme.test', exp: Math.floor(Date.now() / 1000) + 60 });
    const rotated = new KmsSigner(new KMSClient({ region: 'eu-west-1' }), keyArn, [retiredArn]);

    const jwks = await rotated.publicJwks();

    expect(jwks.keys.map((k) => k.kid)).toEqual([rotated.kid, retired.kid]);
    expect(rotated.kid).not.toBe(retired.kid);
    expect(kms.commandCalls(GetPublicKeyCommand).map((c) => c.args[0].input.KeyId)).toEqual([keyArn, retiredArn]);
    await expect(jwtVerify(oldToken, createLocalJWKSet(jwks))).resolves.toBeDefined();
    const newToken = await rotated.sign({ sub: 'ann@acme.test', exp: Math.floor(Date.now() / 1000) + 60 });
    expect(JSON.parse(Buffer.from(newToken.split('.')[0]!, 'base64url').toString()).kid).toBe(rotated.kid);
  });
});
