import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeJwt } from 'jose';
import { AgentClient, PortalClient } from '../support/clients';
import { givenOrg, layout, orgItems, type GivenOrg, uniqueAgent } from '../support/fixtures';
import { SupportCli } from '../support/support-cli';

const ALEX = uniqueAgent('alex');
const escaped = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const BEA = uniqueAgent('bea');

/** Each command against the local stack: what an agent sees on success, and one refusal (non-zero exit, the API's detail). */
describe('npm run support', () => {
  const cli = new SupportCli();
  let given: GivenOrg;
  let orgId: string;
  let userGrant: string;

  beforeAll(async () => {
    given = await givenOrg({}, { remoteAccessPolicy: 'all_cases', maxGrantHours: 48 });
    orgId = given.org.orgId;
    const admin = await PortalClient.signIn(given.admin.email);
    expect((await admin.post('/grants', { durationHours: '2', level: 'admin' })).status).toBe(303);
    userGrant = /data-grant="([^"]+)"/.exec((await admin.get('/')).html)![1]!;
    const login = await cli.run('login', '--as', ALEX);
    expect(login).toMatchObject({ code: 0, stdout: expect.stringMatching(new RegExp(`^Signed in to stage test as ${escaped(ALEX)}; the token ends in (1 h|59 min)`)) });
  });

  test('login keeps the tokens for the stage, readable by the agent alone; whoami reads them', async () => {
    const file = join(cli.configDir, 'test.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(cli.configDir).mode & 0o777).toBe(0o700);
    const who = await cli.run('whoami');
    expect(who.code).toBe(0);
    expect(who.stdout).toMatch(new RegExp(`^${escaped(ALEX)} \\(staff-${escaped(ALEX)}\\) on stage test\\n {2}API {5}http://localhost:\\d+\\n`));
    const json = JSON.parse((await cli.run('whoami', '--json')).stdout);
    expect(json).toMatchObject({ stage: 'test', email: ALEX, scope: layout.stage.staffScope, api: layout.urls.portal });
  });

  test('login refusals: an unknown agent, --as against a deployed stage, a stage nobody set up', async () => {
    const other = new SupportCli();
    const unknown = await other.run('login', '--as', 'mallory@evil.test');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('Could not sign in as mallory@evil.test');
    const notSetUp = await other.run('--stage', 'prod', 'grants', orgId);
    expect(notSetUp.code).toBe(2);
    expect(notSetUp.stderr).toContain('Stage prod is not set up on this machine');
    const remote = await other.run('--stage', 'prod', 'login', '--as', ALEX, '--api', 'https://api.vendor.example', '--issuer', 'https://login.vendor.example', '--client-id', 'agents');
    expect(remote.code).toBe(2);
    expect(remote.stderr).toContain('works only against a local stack');
    expect((await other.run('whoami')).code).toBe(3);
  });

  test('grants: an aligned table with relative end times; an unknown org is refused with its detail', async () => {
    const listed = await cli.run('grants', orgId);
    expect([listed.code, listed.stderr]).toEqual([0, '']);
    const [header, row] = listed.stdout.split('\n');
    expect(header).toMatch(/^GRANT +KIND +LEVEL +WHERE +ACTS AS +ENDS$/);
    expect(row).toMatch(new RegExp(`^${userGrant} +user +admin +production · all workspaces +admin@${orgId}\\.test +ends in (1 h 5\\d min|2 h)$`));
    expect(header!.indexOf('KIND')).toBe(row!.indexOf('user'));
    const json = JSON.parse((await cli.run('grants', orgId, '--json')).stdout);
    expect(json.grants.map((g: { grantId: string }) => g.grantId)).toEqual([userGrant]);
    const refused = await cli.run('grants', 'no-such-org');
    expect(refused).toMatchObject({ code: 1, stdout: '' });
    expect(refused.stderr).toBe('404 org_not_found: No org no-such-org here.');
  });

  test('access: allowed exits 0, not allowed exits 1 with the reason, a bad level is refused naming it', async () => {
    const allowed = await cli.run('access', orgId, '--level', 'admin');
    expect(allowed).toMatchObject({ code: 0, stdout: expect.stringMatching(new RegExp(`^Allowed through grant ${userGrant} \\(user, admin\\), ends in (1 h 5\\d min|2 h)\\.$`)) });
    const sandbox = await cli.run('access', orgId, '--level', 'admin', '--environment', 'sandbox');
    expect(sandbox.code).toBe(1);
    expect(sandbox.stdout).toMatch(/^Not allowed \(/);
    const bad = await cli.run('access', orgId, '--level', 'root');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toBe('400 invalid_input (level): level must be one of monitor, manage, admin.');
  });

  test('session prints the token (or shell exports); end-session ends it; refusals name the problem', async () => {
    const started = await cli.run('session', orgId, userGrant, '--justification', 'Reproduce the export bug');
    expect(started.code).toBe(0);
    expect(decodeJwt(started.stdout)).toMatchObject({ aud: 'product' });
    const sessionId = /^Session (\S+) as /.exec(started.stderr)![1]!;
    expect(started.stderr).toContain(`End it with: npm run support -- end-session ${sessionId}`);
    const exported = await cli.run('session', orgId, userGrant, '--justification', 'Second look', '--export');
    expect(exported.stdout).toMatch(/^export SA_SESSION_TOKEN='[\w-]+\.[\w-]+\.[\w-]+'\nexport SA_SESSION_ID='[\w-]+'$/);
    const ended = await cli.run('end-session', sessionId);
    expect(ended).toMatchObject({ code: 0, stdout: `Session ${sessionId} is ended.` });

    const before = await orgItems(orgId);
    const noGrant = await cli.run('session', orgId, 'g-nope', '--justification', 'x');
    expect(noGrant.code).toBe(1);
    expect(noGrant.stderr).toMatch(/^404 grant_not_found: /);
    const unknownSession = await cli.run('end-session', 'nope');
    expect(unknownSession.code).toBe(1);
    expect(unknownSession.stderr).toMatch(/^404 /);
    const missing = await cli.run('session', orgId, userGrant);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("required option '--justification <text>' not specified");
    expect(await orgItems(orgId)).toEqual(before);
  });

  test('cases, case, activate, add-agent, change-request, resolve — the case flow; each with a refusal', async () => {
    const user = await PortalClient.signIn(given.user.email);
    const opened = await user.post('/cases', { subject: 'Invoices do not load', description: 'It broke', environment: 'production' });
    const caseId = /\/cases\/([^?]+)\?done=opened/.exec(opened.location ?? '')![1]!;

    const cases = await cli.run('cases', orgId);
    expect(cases.code).toBe(0);
    expect(cases.stdout.split('\n')[0]).toMatch(/^CASE +STATUS +REMOTE ACCESS +OPENED +CONTACT +SUBJECT$/);
    expect(cases.stdout).toMatch(new RegExp(`${caseId} +open +allowed +\\d+ s ago +user@${orgId}\\.test +Invoices do not load`));
    const badStatus = await cli.run('cases', orgId, '--status', 'closed');
    expect(badStatus).toMatchObject({ code: 1, stderr: expect.stringMatching(/^400 invalid_input \(status\): /) });

    const shown = await cli.run('case', orgId, caseId);
    expect(shown.stdout).toContain(`Case ${caseId} (open) — Invoices do not load`);
    expect(shown.stdout).toMatch(/access now {4}activate: Remote access is allowed for this case; activate it/);
    expect((await cli.run('case', orgId, 'c-nope')).code).toBe(1);

    const activated = await cli.run('activate', orgId, caseId, '--justification', 'Reproduce the invoice bug');
    expect([activated.code, activated.stderr, activated.stdout]).toEqual([0, '', expect.stringMatching(/^Grant /)]);
    expect(activated.stdout).toMatch(/^Grant \S+: monitor in production, ends in (47 h 5\d min|2 d)/);
    const caseGrant = /^Grant (\S+):/.exec(activated.stdout)![1]!;
    expect(activated.stdout).toContain(`agents: ${ALEX}`);

    const added = await cli.run('add-agent', orgId, caseGrant, BEA);
    expect(added.stdout).toContain(`agents: ${ALEX}, ${BEA}`);
    const badEmail = await cli.run('add-agent', orgId, caseGrant, 'not-an-email');
    expect(badEmail).toMatchObject({ code: 1, stderr: expect.stringMatching(/^400 invalid_input \(email\): /) });

    const until = new Date(Date.now() + 3 * 3600_000).toISOString();
    const change = await cli.run('change-request', orgId, caseId, '--grant', caseGrant, '--until', until, '--description', 'Re-run the failed import');
    expect(change.code).toBe(0);
    expect(change.stdout).toMatch(new RegExp(`^Change request \\S+ is pending; asked of security@${orgId}\\.test; expires in`));
    const badUntil = await cli.run('change-request', orgId, caseId, '--grant', caseGrant, '--until', 'tomorrow', '--description', 'x');
    expect(badUntil).toMatchObject({ code: 1, stderr: expect.stringMatching(/^400 invalid_input \(until\): /) });

    const resolved = await cli.run('resolve', orgId, caseId);
    expect(resolved).toMatchObject({ code: 0, stdout: `Case ${caseId} is solved. Ended: ${caseGrant}.` });
    const again = await cli.run('activate', orgId, caseId);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/^409 |^403 /);
  });

  test('request-access on a denied case, then a second one is refused while the first is pending', async () => {
    const alex = await AgentClient.signIn(ALEX);
    const opened = await alex.call('POST', `/support/orgs/${orgId}/cases`, { subject: 'Emailed in', description: 'Please look', environment: 'production', contactEmail: given.user.email });
    expect(opened.status).toBe(201);
    const caseId = opened.body.caseId as string;
    const asked = await cli.run('request-access', orgId, caseId, '--justification', 'Need to see the failing import');
    expect(asked.code).toBe(0);
    expect(asked.stdout).toMatch(/^Access request \S+ is pending; asked of .*; expires in \d+ (d|h)/);
    const twice = await cli.run('request-access', orgId, caseId, '--justification', 'Again');
    expect(twice.code).toBe(1);
    expect(twice.stderr).toMatch(/^409 /);
  });

  test('logout forgets the tokens; a command then says how to sign in (exit 3)', async () => {
    const other = new SupportCli();
    await other.run('login', '--as', BEA);
    expect((await other.run('logout')).stdout).toBe('Signed out of stage test.');
    const after = await other.run('grants', orgId);
    expect(after.code).toBe(3);
    expect(after.stderr).toBe('Not signed in to stage test: run npm run support -- login --stage test');
  });

  test('a token about to lapse is refreshed with the refresh token and saved; a refused refresh asks for login (exit 3)', async () => {
    const other = new SupportCli();
    await other.run('login', '--as', BEA);
    const file = join(other.configDir, 'test.json');
    const saved = JSON.parse(readFileSync(file, 'utf8'));
    expect(saved.tokens.refreshToken).toEqual(expect.any(String));
    writeFileSync(file, JSON.stringify({ ...saved, tokens: { ...saved.tokens, expiresAt: Math.floor(Date.now() / 1000) + 30 } }));
    expect((await other.run('grants', orgId)).code).toBe(0);
    const refreshed = JSON.parse(readFileSync(file, 'utf8'));
    expect(refreshed.tokens.accessToken).not.toBe(saved.tokens.accessToken);
    expect(refreshed.tokens.expiresAt).toBeGreaterThan(Date.now() / 1000 + 3000);
    expect(statSync(file).mode & 0o777).toBe(0o600);

    writeFileSync(file, JSON.stringify({ ...refreshed, tokens: { ...refreshed.tokens, refreshToken: 'stolen-or-revoked', expiresAt: 0 } }));
    const refused = await other.run('grants', orgId);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toMatch(/^Your sign-in to stage test has ended \(The staff issuer refused the token request: .+\); run npm run support -- login --stage test$/);
  });

  test('--help lists every command with an example', async () => {
    const help = await cli.run('--help');
    const listing = help.stdout.split('\nCommands:\n')[1]!.split('\n\n')[0]!;
    const commands = [...listing.matchAll(/^ {2}([a-z-]+) /gm)].map((m) => m[1]!).filter((c) => c !== 'help');
    expect(commands.length).toBeGreaterThanOrEqual(14);
    for (const command of commands) expect([command, help.stdout.includes(`npm run support -- ${command}`)]).toEqual([command, true]);
  });
});
