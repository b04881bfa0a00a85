import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { AgentClient, PortalClient } from '../support/clients';
import { givenOrg, layout, orgItems, uniqueAgent, uniqueId, type GivenOrg } from '../support/fixtures';

const run = promisify(execFile);
const ALEX = uniqueAgent('alex');

/** The README's blocks tagged `product-kit`, in order: the customer's product side, end to end. */
function productKit(): string[] {
  const readme = readFileSync(resolve('README.md'), 'utf8');
  return [...readme.matchAll(/^```ts product-kit\n([\s\S]*?)^```$/gm)].map((m) => m[1]!);
}

/** Runs the kit as a product would, with its org's credentials and a session token; exit code and output. */
async function runKit(given: GivenOrg, token: string): Promise<{ code: number; stdout: string; stderr: string }> {
  // Inside the repository, so `jose` resolves from node_modules as it would in the product's own.
  const dir = resolve('.test-data', 'product-kit');
  mkdirSync(dir, { recursive: true });
  const file = resolve(dir, `${uniqueId('kit')}.mts`);
  writeFileSync(file, productKit().join('\n'));
  const env = { ...process.env, SUPPORT_ACCESS_URL: layout.urls.portal, PRODUCT_CLIENT_ID: given.product.clientId, PRODUCT_CLIENT_SECRET: given.product.secret, SESSION_TOKEN: token };
  try {
    const { stdout, stderr } = await run(process.execPath, [resolve('node_modules/tsx/dist/cli.mjs'), file], { env });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('the README product integration kit, run against the local stack', () => {
  let given: GivenOrg;
  let token: string;
  let sessionId: string;
  let alex: AgentClient;

  beforeAll(async () => {
    given = await givenOrg();
    const admin = await PortalClient.signIn(given.admin.email);
    expect((await admin.post('/grants', { durationHours: '2', level: 'manage' })).status).toBe(303);
    alex = await AgentClient.signIn(ALEX);
    const grants = await alex.call('GET', `/support/orgs/${given.org.orgId}/grants`);
    const started = await alex.call('POST', `/support/orgs/${given.org.orgId}/grants/${grants.body.grants[0].grantId}/sessions`, { justification: 'Ticket 12: export fails' });
    expect(started.status).toBe(201);
    ({ token, sessionId } = started.body);
  });

  test('the README has the kit: verify, introspect, report, and their use', () => {
    const blocks = productKit();
    expect(blocks).toHaveLength(4);
    expect(blocks.join('\n')).toMatch(/jwtVerify[\s\S]*\/oauth\/introspect[\s\S]*\/activity/);
  });

  test('a live session: the token verifies against the JWKS, introspection says live, the activity lands in the audit trail', async () => {
    const result = await runKit(given, token);
    expect(result).toMatchObject({ code: 0, stdout: `verified: ${ALEX} acting as ${given.admin.email} in org ${given.org.orgId}, scope "read"\nlive; activity recorded\n` });
    const recorded = (await orgItems(given.org.orgId)).filter((i) => i.action === 'support.activity');
    expect(recorded).toHaveLength(1);
    expect(recorded[0]).toMatchObject({ target: { type: 'resource', id: 'invoice/981' }, actor: { type: 'agent', email: ALEX, actingAs: given.admin.email }, justification: 'Ticket 12: export fails' });
  });

  test('once the agent ends the session, the kit signs support out and records nothing', async () => {
    expect((await alex.call('DELETE', `/support/sessions/${sessionId}`)).status).toBe(200);
    const result = await runKit(given, token);
    expect(result).toMatchObject({ code: 2, stdout: `verified: ${ALEX} acting as ${given.admin.email} in org ${given.org.orgId}, scope "read"\nnot live: sign support out\n` });
    expect((await orgItems(given.org.orgId)).filter((i) => i.action === 'support.activity')).toHaveLength(1);
  });

  test('a token signed by anyone else fails verification before anything is asked', async () => {
    const [header, payload] = token.split('.');
    const result = await runKit(given, `${header}.${payload}.${Buffer.from('forged').toString('base64url')}`);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('JWSSignatureVerificationFailed');
  });
});
