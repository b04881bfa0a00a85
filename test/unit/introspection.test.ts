import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT, generateKeyPair } from 'jose';
import { ensureLocalKey, LocalKeySigner } from '../../shared/adapters/local-key-signer';
import { basicCredentials } from '../../shared/http/basic-auth';
import { ManualClock } from '../../shared/domain/clock';
import { ForbiddenError, UnauthenticatedError } from '../../shared/domain/errors';
import { introspect, recordActivity, verifySessionToken, type ProductDeps } from '../../shared/domain/introspection';
import type { Session } from '../../shared/domain/model';
import { authenticateProduct, credentialsMatch, hashSecret, newProductClient } from '../../shared/domain/product-clients';
import { MemoryStore } from '../support/memory-store';
import { buildGrant, buildOrg, buildSession } from '../support/org-builder';

const NOW = new Date('2026-01-01T05:00:00.000Z');
const TOKEN = { issuer: 'https://access.example', audience: 'product' };
const SECRET = 's3cret-of-o1';

const session = (overrides: Partial<Session> = {}): Session => buildSession({ caseId: 'c1', justification: 'Look at the import', ...overrides });

async function world() {
  const file = join(mkdtempSync(join(tmpdir(), 'keys-')), 'key.json');
  await ensureLocalKey(file, 'k1');
  const signer = new LocalKeySigner(file);
  const store = new MemoryStore();
  store.orgs.set('o1', buildOrg('o1'));
  store.grants.set('o1#g1', buildGrant());
  store.sessions.set('s1', session());
  const client = newProductClient('o1', SECRET, NOW, 'test');
  store.clients.set(client.clientId, client);
  const other = newProductClient('o2', 'other-secret', NOW, 'test');
  store.clients.set(other.clientId, other);
  const clock = new ManualClock(NOW);
  const deps = { store, clock, signer, token: TOKEN, ids: () => 'id', scheduler: { scheduleAt: async () => undefined, cancel: async () => undefined }, limits: { maxGrantHours: 4320, minGrantSeconds: 3600, sessionMinutes: 15, requestExpiryHours: 72 } } as unknown as ProductDeps;
  const claims = { iss: TOKEN.issuer, aud: TOKEN.audience, sub: 'a@o.test', act: { sub: 'alex', email: 'alex@vendor.test' }, org: 'o1', grant: 'g1', case: 'c1', level: 'manage', workspaces: 'all', env: 'production', scope: 'read', jti: 's1', iat: NOW.getTime() / 1000 - 60, exp: NOW.getTime() / 1000 + 600 };
  const token = await signer.sign(claims);
  return { store, deps, clock, signer, client, other, claims, token, credentials: { clientId: client.clientId, secret: SECRET } };
}

describe('verifying a session token', () => {
  test('a token signed with a published key, for this issuer and audience, unexpired at the clock: its claims', async () => {
    const { deps, token, claims } = await world();
    expect(await verifySessionToken(deps, token)).toEqual(claims);
  });

  test.each([
    ['another issuer', { iss: 'https://evil.example' }],
    ['another audience', { aud: 'someone-else' }],
    ['no org claim', { org: undefined }],
    ['no grant claim', { grant: undefined }],
    ['a numeric org', { org: 7 }],
    ['no jti', { jti: undefined }],
  ])('%s: not valid', async (_label, change) => {
    const { deps, signer, claims } = await world();
    expect(await verifySessionToken(deps, await signer.sign({ ...claims, ...change }))).toBeUndefined();
  });

  test('the published keys are fetched and imported once per signer, and fetched again after a failure', async () => {
    const { deps, token, signer } = await world();
    let fetches = 0;
    let failNext = true;
    const counting = {
      sign: signer.sign.bind(signer),
      publicJwks: async () => {
        fetches++;
        if (failNext) {
          failNext = false;
          throw new Error('KMS unreachable');
        }
        return signer.publicJwks();
      },
    };
    const d = { ...deps, signer: counting };
    expect(await verifySessionToken(d, token)).toBeUndefined();
    expect(await verifySessionToken(d, token)).toMatchObject({ jti: 's1' });
    expect(await verifySessionToken(d, token)).toMatchObject({ jti: 's1' });
    expect(fetches).toBe(2);
  });

  test('expired at the clock\'s now (not the machine\'s), a tampered payload, or a key that is not published: not valid', async () => {
    const { deps, clock, token, claims } = await world();
    const [h, , s] = token.split('.');
    expect(await verifySessionToken(deps, `${h}.${Buffer.from(JSON.stringify({ ...claims, level: 'admin' })).toString('base64url')}.${s}`)).toBeUndefined();
    const { privateKey } = await generateKeyPair('ES256');
    expect(await verifySessionToken(deps, await new SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid: 'k1' }).sign(privateKey))).toBeUndefined();
    expect(await verifySessionToken(deps, 'not-a-jwt')).toBeUndefined();
    clock.advance(601_000);
    expect(await verifySessionToken(deps, token)).toBeUndefined();
  });
});

describe('introspection (RFC 7662): checked against the table on every call', () => {
  test('a live session of the client\'s org: active, with the token\'s claims and the client', async () => {
    const { deps, token, credentials, claims, client } = await world();
    expect(await introspect(deps, credentials, token)).toEqual({ active: true, token_type: 'Bearer', client_id: client.clientId, username: 'a@o.test', ...claims });
  });

  test.each([
    ['the session ended', (w: Awaited<ReturnType<typeof world>>) => w.store.sessions.set('s1', session({ status: 'ended' }))],
    ['the session item gone', (w: Awaited<ReturnType<typeof world>>) => w.store.sessions.delete('s1')],
    ['the grant revoked', (w: Awaited<ReturnType<typeof world>>) => w.store.grants.set('o1#g1', buildGrant({ status: 'revoked' }))],
    ['the grant gone', (w: Awaited<ReturnType<typeof world>>) => w.store.grants.delete('o1#g1')],
    ['the grant past its expiry', (w: Awaited<ReturnType<typeof world>>) => w.store.grants.set('o1#g1', buildGrant({ expiresAt: '2026-01-01T05:00:00.000Z' }))],
  ])('%s: inactive', async (_label, change) => {
    const w = await world();
    change(w);
    expect(await introspect(w.deps, w.credentials, w.token)).toEqual({ active: false });
  });

  test('a token of another org, or no valid token at all: inactive (never another org\'s claims)', async () => {
    const w = await world();
    expect(await introspect(w.deps, { clientId: w.other.clientId, secret: 'other-secret' }, w.token)).toEqual({ active: false });
    expect(await introspect(w.deps, w.credentials, 'garbage')).toEqual({ active: false });
  });

  test('missing, unknown or wrong credentials: 401 alike, even with a live token', async () => {
    const w = await world();
    for (const credentials of [undefined, { clientId: 'nobody', secret: SECRET }, { clientId: w.client.clientId, secret: 'wrong' }]) {
      await expect(introspect(w.deps, credentials, w.token)).rejects.toBeInstanceOf(UnauthenticatedError);
    }
  });
});

describe('activity reports', () => {
  test('a live session: one audit event with the agent, the user acted as, the case, the justification and what was done', async () => {
    const w = await world();
    expect(await recordActivity(w.deps, w.client, { token: w.token, action: 'exported', resource: 'report-7', at: '2026-01-01T04:59:00.000Z' })).toEqual({ at: '2026-01-01T04:59:00.000Z' });
    expect(await recordActivity(w.deps, w.client, { token: w.token, action: 'viewed', resource: 'r' })).toEqual({ at: NOW.toISOString() });
    const [first] = w.store.audit.get('o1')!;
    expect(first).toMatchObject({
      at: NOW.toISOString(),
      actor: { type: 'agent', id: 'alex', email: 'alex@vendor.test', actingAs: 'a@o.test' },
      action: 'support.activity',
      target: { type: 'resource', id: 'report-7' },
      caseId: 'c1',
      justification: 'Look at the import',
      after: { action: 'exported', at: '2026-01-01T04:59:00.000Z', sessionId: 's1', grantId: 'g1', scope: 'read' },
    });
  });

  test('an invalid token is 401, another org\'s 403, an ended session 403 — and nothing is recorded', async () => {
    const w = await world();
    await expect(recordActivity(w.deps, w.client, { token: 'x', action: 'a', resource: 'r' })).rejects.toBeInstanceOf(UnauthenticatedError);
    await expect(recordActivity(w.deps, w.other, { token: w.token, action: 'a', resource: 'r' })).rejects.toThrow(expect.objectContaining({ code: 'wrong_org' }));
    w.store.sessions.set('s1', session({ status: 'ended' }));
    await expect(recordActivity(w.deps, w.client, { token: w.token, action: 'a', resource: 'r' })).rejects.toThrow(expect.objectContaining({ code: 'session_not_active' }));
    await expect(recordActivity(w.deps, w.client, { token: w.token, action: 'a', resource: 'r' })).rejects.toBeInstanceOf(ForbiddenError);
    expect(w.store.audit.get('o1') ?? []).toEqual([]);
  });
});

describe('product credentials', () => {
  test('the stored form is the SHA-256 of the secret; the client id names the org', () => {
    const client = newProductClient('o9', 'abc', NOW, 'x1');
    expect(client).toEqual({ clientId: 'o9.product.x1', orgId: 'o9', secretHash: hashSecret('abc'), createdAt: NOW.toISOString() });
    expect(hashSecret('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  test('authenticate: the client for its own secret, 401 otherwise', async () => {
    const w = await world();
    expect(await authenticateProduct(w.store, w.credentials)).toEqual(w.client);
    await expect(authenticateProduct(w.store, undefined)).rejects.toThrow('The product credentials are missing or wrong');
    await expect(authenticateProduct(w.store, { ...w.credentials, secret: 'nope' })).rejects.toBeInstanceOf(UnauthenticatedError);
    expect(() => credentialsMatch(undefined, w.credentials)).toThrow(UnauthenticatedError);
  });

  test.each([
    ['Basic ' + Buffer.from('o1.product.test:s3cret').toString('base64'), { clientId: 'o1.product.test', secret: 's3cret' }],
    ['basic   ' + Buffer.from('id%3Ax:a%2Bb+c').toString('base64') + '  ', { clientId: 'id:x', secret: 'a+b c' }],
    ['Basic ' + Buffer.from('id:').toString('base64'), { clientId: 'id', secret: '' }],
    ['Basic ' + Buffer.from(':secret').toString('base64'), undefined],
    ['Basic ' + Buffer.from('no-colon').toString('base64'), undefined],
    ['Basic ' + Buffer.from('bad%:x').toString('base64'), undefined],
    ['Bearer abc', undefined],
    ['Basic !!!', undefined],
    [undefined, undefined],
  ])('Authorization %j → %j', (header, expected) => {
    const event = { headers: header === undefined ? {} : { authorization: header } } as never;
    expect(basicCredentials(event)).toEqual(expected);
  });

  test('the header is also read as "Authorization"', () => {
    const event = { headers: { Authorization: `Basic ${Buffer.from('a:b').toString('base64')}` } } as never;
    expect(basicCredentials(event)).toEqual({ clientId: 'a', secret: 'b' });
  });
});
