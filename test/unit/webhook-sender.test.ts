import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DecryptCommand, EncryptCommand, KMSClient } from '@aws-sdk/client-kms';
import { mockClient } from 'aws-sdk-client-mock';
import { KmsSecretBox, LocalSecretBox } from '../../shared/adapters/secret-box';
import { openedOnce } from '../../shared/adapters/opened-once';
import { SafeWebhookSender, type Resolve } from '../../shared/adapters/webhook-sender';

/** A receiver on loopback that answers as told and counts what reached it. */
async function receiver(answer: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ server: Server; port: number; hits: { path: string; body: string; headers: IncomingMessage['headers'] }[] }> {
  const hits: { path: string; body: string; headers: IncomingMessage['headers'] }[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      hits.push({ path: req.url ?? '', body: Buffer.concat(chunks).toString(), headers: req.headers });
      answer(req, res);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, port: (server.address() as AddressInfo).port, hits };
}

const servers: Server[] = [];
afterAll(() => servers.forEach((s) => s.closeAllConnections?.() ?? s.close()));

async function ok() {
  const r = await receiver((_req, res) => res.writeHead(200).end('thanks'));
  servers.push(r.server);
  return r;
}

/** A resolver that answers from a script, one answer per call, and counts its calls. */
function scripted(...answers: string[][]): Resolve & { calls: number } {
  const resolve = (async () => {
    const next = answers[Math.min(resolve.calls++, answers.length - 1)]!;
    return next.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  }) as unknown as Resolve & { calls: number };
  resolve.calls = 0;
  return resolve;
}

describe('the webhook sender: SSRF-safe, bounded, no redirects', () => {
  test('posts the body and headers to a receiver (loopback allowed on the local stage only)', async () => {
    const r = await ok();
    const sender = new SafeWebhookSender({ allowLocalReceivers: true });
    const answer = await sender.post(`http://localhost:${r.port}/hooks/a?x=1`, '{"a":1}', { 'webhook-id': 'evt_1' });
    expect(answer).toMatchObject({ statusCode: 200, body: 'thanks' });
    expect(r.hits).toEqual([{ path: '/hooks/a?x=1', body: '{"a":1}', headers: expect.objectContaining({ 'webhook-id': 'evt_1', 'content-length': '7' }) }]);
  });

  test('loopback is refused in a deployed stage, without connecting', async () => {
    const r = await ok();
    const sender = new SafeWebhookSender({ allowLocalReceivers: false });
    const answer = await sender.post(`https://localhost:${r.port}/`, '{}', {});
    expect(answer.statusCode).toBeUndefined();
    expect(answer.error).toMatch(/^refused: localhost resolves to (127\.0\.0\.1|::1), a loopback address$/);
    expect(r.hits).toEqual([]);
    expect((await sender.post(`http://example.com/`, '{}', {})).error).toBe('refused: the URL is not https');
  });

  test.each([
    ['10.0.0.5', 'a private address'],
    ['192.168.1.20', 'a private address'],
    ['172.31.0.2', 'a private address'],
    ['169.254.169.254', 'a link-local address (this includes the cloud metadata service)'],
    ['100.100.100.200', 'a carrier-grade NAT address'],
    ['0.0.0.0', 'an unspecified address'],
    ['fe80::1', 'a link-local address (this includes the cloud metadata service)'],
    ['fd00:ec2::254', 'a private (unique local) address'],
    ['::ffff:127.0.0.1', 'a loopback address'],
    ['64:ff9b::a00:1', 'an address of the rfc6052 range, not a public one'],
  ])('a name resolving to %s is refused: %s', async (address, why) => {
    const sender = new SafeWebhookSender({ allowLocalReceivers: false, resolve: scripted([address]) });
    expect((await sender.post('https://hooks.example.com/x', '{}', {})).error).toBe(`refused: hooks.example.com resolves to ${address}, ${why}`);
  });

  test('a name with any inside address among its answers is refused, even when the first is public', async () => {
    const sender = new SafeWebhookSender({ allowLocalReceivers: false, resolve: scripted(['93.184.216.34', '10.0.0.1']) });
    expect((await sender.post('https://hooks.example.com/x', '{}', {})).error).toBe('refused: hooks.example.com resolves to 10.0.0.1, a private address');
  });

  test('DNS rebinding cannot redirect the connection: the name is resolved once and the checked address is the one connected to', async () => {
    const r = await ok();
    // First answer: loopback (allowed on this local-stage sender); any later one: an address
    // nothing listens on. The request must arrive at the first, with one resolution.
    const resolve = scripted(['127.0.0.1'], ['10.255.255.1']);
    const sender = new SafeWebhookSender({ allowLocalReceivers: true, resolve });
    const answer = await sender.post(`http://rebind.example:${r.port}/hooks/r`, '{}', {});
    expect(answer.statusCode).toBe(200);
    expect(resolve.calls).toBe(1);
    expect(r.hits.map((h) => [h.path, h.headers.host])).toEqual([['/hooks/r', `rebind.example:${r.port}`]]);
  });

  test('a public first answer and a private second one: the private one is never connected to', async () => {
    const r = await ok();
    const resolve = scripted(['8.8.8.8'], ['127.0.0.1']);
    const sender = new SafeWebhookSender({ allowLocalReceivers: false, resolve, timeoutMs: 300 });
    const answer = await sender.post(`https://rebind.example:${r.port}/`, '{}', {});
    expect(answer.statusCode).toBeUndefined();
    expect(resolve.calls).toBe(1);
    expect(r.hits).toEqual([]);
  });

  test('redirects are answers, not followed', async () => {
    const target = await ok();
    const r = await receiver((_req, res) => res.writeHead(302, { location: `http://127.0.0.1:${target.port}/stolen` }).end());
    servers.push(r.server);
    const answer = await new SafeWebhookSender({ allowLocalReceivers: true }).post(`http://127.0.0.1:${r.port}/`, '{}', {});
    expect(answer.statusCode).toBe(302);
    expect(target.hits).toEqual([]);
  });

  test('a receiver that does not answer is given up after the timeout', async () => {
    const r = await receiver(() => undefined);
    servers.push(r.server);
    const answer = await new SafeWebhookSender({ allowLocalReceivers: true, timeoutMs: 200 }).post(`http://127.0.0.1:${r.port}/`, '{}', {});
    expect(answer).toMatchObject({ error: 'no answer within 0.2 s', body: '' });
    expect(answer.statusCode).toBeUndefined();
  });

  test('only the first 1 KB of an answer is kept', async () => {
    const r = await receiver((_req, res) => res.writeHead(500).end('x'.repeat(50_000)));
    servers.push(r.server);
    const answer = await new SafeWebhookSender({ allowLocalReceivers: true }).post(`http://127.0.0.1:${r.port}/`, '{}', {});
    expect(answer.statusCode).toBe(500);
    expect(answer.body).toBe('x'.repeat(1024));
  });

  test('a name that does not resolve is a failure that names it', async () => {
    const resolve: Resolve = async () => {
      throw Object.assign(new Error('nope'), { code: 'ENOTFOUND' });
    };
    expect((await new SafeWebhookSender({ allowLocalReceivers: false, resolve }).post('https://nowhere.example/', '{}', {})).error).toBe('could not resolve nowhere.example: ENOTFOUND');
  });
});

describe('sealed secrets', () => {
  test('KMS: Encrypt and Decrypt with the key and the org and endpoint as encryption context', async () => {
    const kms = mockClient(KMSClient);
    kms.on(EncryptCommand).resolves({ CiphertextBlob: Buffer.from('sealed-bytes') });
    kms.on(DecryptCommand).resolves({ Plaintext: Buffer.from('whsec_abc') });
    const box = new KmsSecretBox(new KMSClient({ region: 'eu-west-1' }), 'arn:aws:kms:eu-west-1:123456789012:key/k1');
    const context = { orgId: 'acme', endpointId: 'wh_1' };
    const sealed = await box.seal('whsec_abc', context);
    expect(sealed).toBe(`kms:${Buffer.from('sealed-bytes').toString('base64')}`);
    expect(await box.open(sealed, context)).toBe('whsec_abc');
    const encrypt = kms.commandCalls(EncryptCommand)[0]!.args[0].input;
    expect({ ...encrypt, Plaintext: Buffer.from(encrypt.Plaintext!).toString() }).toEqual({ KeyId: 'arn:aws:kms:eu-west-1:123456789012:key/k1', Plaintext: 'whsec_abc', EncryptionContext: context });
    const decrypt = kms.commandCalls(DecryptCommand)[0]!.args[0].input;
    expect({ ...decrypt, CiphertextBlob: Buffer.from(decrypt.CiphertextBlob!).toString() }).toEqual({ KeyId: 'arn:aws:kms:eu-west-1:123456789012:key/k1', CiphertextBlob: 'sealed-bytes', EncryptionContext: context });
    await expect(box.open('local:abc', context)).rejects.toThrow('not sealed with KMS');
    kms.restore();
  });

  test('locally: AES-GCM with the context authenticated, so a secret moved to another endpoint or altered does not open', async () => {
    const box = new LocalSecretBox('22'.repeat(32));
    const sealed = await box.seal('whsec_xyz', { orgId: 'acme', endpointId: 'wh_1' });
    expect(await box.open(sealed, { orgId: 'acme', endpointId: 'wh_1' })).toBe('whsec_xyz');
    expect(await box.seal('whsec_xyz', { orgId: 'acme', endpointId: 'wh_1' })).not.toBe(sealed);
    await expect(box.open(sealed, { orgId: 'globex', endpointId: 'wh_1' })).rejects.toThrow();
    const raw = Buffer.from(sealed.slice(6), 'base64');
    raw[raw.length - 1]! ^= 1;
    await expect(box.open(`local:${raw.toString('base64')}`, { orgId: 'acme', endpointId: 'wh_1' })).rejects.toThrow();
    expect(() => new LocalSecretBox('abcd')).toThrow('32 bytes');
  });
});

describe('secrets opened once by the sender', () => {
  test('each sealed secret is opened once (not a KMS call per delivery); a failed open is asked again; the context is part of the key', async () => {
    let opens = 0;
    let failNext = true;
    const box = {
      seal: async (p: string) => p,
      open: async (sealed: string, context: Record<string, string>) => {
        opens++;
        if (failNext) {
          failNext = false;
          throw new Error('KMS throttled');
        }
        return `${sealed}@${context.endpointId}`;
      },
    };
    const cached = openedOnce(box, 2);
    await expect(cached.open('s1', { orgId: 'o', endpointId: 'a' })).rejects.toThrow('KMS throttled');
    expect(await cached.open('s1', { orgId: 'o', endpointId: 'a' })).toBe('s1@a');
    expect(await cached.open('s1', { orgId: 'o', endpointId: 'a' })).toBe('s1@a');
    expect(await cached.open('s1', { orgId: 'o', endpointId: 'b' })).toBe('s1@b');
    expect(opens).toBe(3);
    // At most two kept: a third pushes the oldest out.
    await cached.open('s2', { orgId: 'o', endpointId: 'c' });
    await cached.open('s1', { orgId: 'o', endpointId: 'a' });
    expect(opens).toBe(5);
  });
});
