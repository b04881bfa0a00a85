import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { TEST_ENV } from '../support/stack-config';
import { auditEventKey } from '../../shared/adapters/dynamodb/keys/audit';
import { AgentClient, PortalClient, anonymous } from '../support/clients';
import { db, givenOrg, layout, orgItems, type GivenOrg, uniqueAgent } from '../support/fixtures';

const ALEX = uniqueAgent('alex');

const grant = async (client: PortalClient, fields: Record<string, string> = {}) => expect((await client.post('/grants', { durationHours: '1', ...fields })).status).toBe(303);
const auditEvents = async (orgId: string) => (await orgItems(orgId)).filter((i) => i.type === 'audit').sort((a, b) => Number(a.seq) - Number(b.seq));
const seqsOnPage = (html: string) => [...html.matchAll(/<tr data-seq="(\d+)"/g)].map((m) => Number(m[1]));

describe('the audit trail page', () => {
  let given: GivenOrg;
  let admin: PortalClient;
  let user: PortalClient;

  beforeAll(async () => {
    given = await givenOrg({}, { allowNonAdminGrants: true });
    admin = await PortalClient.signIn(given.admin.email);
    user = await PortalClient.signIn(given.user.email);
    for (let i = 0; i < 52; i++) await grant(admin);
    await grant(user, { scope: 'workspaces', workspaces: 'sales' });
    const alex = await AgentClient.signIn(ALEX);
    const c = await user.post('/cases', { subject: 'Audit me' });
    expect(c.status).toBe(303);
    await alex.call('POST', `/support/orgs/${given.org.orgId}/cases/${/\/cases\/([^?]+)/.exec(c.location!)![1]}/access-requests`, { justification: 'look' });
  });

  test('admins see the whole org, newest first, 50 to a page, with paging that keeps the filter', async () => {
    const total = (await auditEvents(given.org.orgId)).length;
    expect(total).toBe(57); // two sign-ins, 53 grants, a case opened, a permission request
    const first = await admin.get('/audit');
    expect(first.status).toBe(200);
    expect(seqsOnPage(first.html)).toEqual(Array.from({ length: 50 }, (_, i) => total - i));
    expect(first.html).toContain(`Page 1 of 2 (${total} events)`);
    const second = await admin.get('/audit?page=2');
    expect(seqsOnPage(second.html)).toEqual([7, 6, 5, 4, 3, 2, 1]);

    const filtered = await admin.get('/audit?action=request.');
    expect(seqsOnPage(filtered.html)).toEqual([total]);
    // Each event reads as a sentence, with the raw record one click away; the picker keeps the choice.
    expect(filtered.html).toContain(`${ALEX} asked for permission to access the account.`);
    expect(filtered.html).toMatch(/<details><summary>Details<span class="visually-hidden"> of event \d+<\/span><\/summary><dl class="raw">\n<dt>Event<\/dt><dd>#\d+ <code>request.created<\/code>/);
    expect(filtered.html).toContain('<option value="request." selected>Access requests</option>');
    expect(filtered.html).toMatch(/<a href="\/cases\/[^"]+">Case<\/a>/);
    expect(first.html).toMatch(new RegExp(`${given.user.email.replace(/[.]/g, '\\.')} granted support login access \\((monitor|manage|admin), `));
    const byActor = await admin.get(`/audit?actor=${encodeURIComponent(given.user.email)}`);
    expect(seqsOnPage(byActor.html)).toHaveLength(3); // signed in, granted, opened the case
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    expect(seqsOnPage((await admin.get(`/audit?from=${tomorrow}`)).html)).toEqual([]);
  });

  test('a user sees only what concerns them — not another person\'s case', async () => {
    // Another person's case, with a request on it, in the same org.
    const theirs = await admin.post('/cases', { subject: 'Not yours' });
    const theirCase = /\/cases\/([^?]+)/.exec(theirs.location!)![1]!;
    const alex = await AgentClient.signIn(ALEX);
    expect((await alex.call('POST', `/support/orgs/${given.org.orgId}/cases/${theirCase}/access-requests`, { justification: 'look' })).status).toBe(201);

    const page = await user.get('/audit');
    const events = await auditEvents(given.org.orgId);
    const userCases = new Set(events.filter((e) => e.action === 'case.opened' && (e.actor as { email?: string }).email === given.user.email).map((e) => e.caseId));
    expect(userCases.size).toBe(1);
    const expected = events.filter((e) => (e.actor as { email?: string }).email === given.user.email || userCases.has(e.caseId)).map((e) => Number(e.seq)).reverse();
    expect(seqsOnPage(page.html)).toEqual(expected);
    const theirSeqs = events.filter((e) => e.caseId === theirCase).map((e) => Number(e.seq));
    expect(theirSeqs.length).toBeGreaterThanOrEqual(2);
    expect(seqsOnPage(page.html).filter((s) => theirSeqs.includes(s))).toEqual([]);
    expect(page.html).not.toContain('id="verify"');
    expect((await user.get('/audit/verify')).status).toBe(403);
  });

  test('CSV export has every row of the filter, not just the page, with a header', async () => {
    const res = await anonymous('GET', '/audit/export.csv?action=grant.', { headers: { cookie: admin.jar.header(`${layout.urls.portal}/`) } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toContain(`audit-${given.org.orgId}.csv`);
    const lines = (await res.text()).trimEnd().split('\r\n');
    expect(lines[0]).toBe('seq,at,actor_type,actor,acting_as,action,target_type,target,case,justification,before,after,prev_hash,hash');
    expect(lines).toHaveLength(1 + 53);
    expect(lines.slice(1).every((l) => l.split(',')[5] === 'grant.created')).toBe(true);
  });

  test('a bad filter → the page with the field error (400); no session → sign-in', async () => {
    const bad = await admin.get('/audit?from=yesterday');
    expect(bad.status).toBe(400);
    expect(bad.html).toContain('id="from-error"');
    expect((await admin.get('/audit?page=0')).status).toBe(400);
    expect((await anonymous('GET', '/audit')).status).toBe(303);
    expect((await anonymous('GET', '/audit/export.csv')).status).toBe(303);
  });
});

describe('verifying the chain', () => {
  test('intact; an edited event names its sequence number; a removed last event is found too', async () => {
    const given = await givenOrg();
    const admin = await PortalClient.signIn(given.admin.email);
    for (let i = 0; i < 5; i++) await grant(admin);
    const intact = await admin.get('/audit/verify');
    expect(intact.html).toContain('The chain is intact: all 6 events verify.'); // the sign-in and 5 grants

    // Act: someone with table access rewrites history at event 3
    await db.send(new UpdateCommand({ TableName: layout.tableName, Key: auditEventKey(given.org.orgId, 3), UpdateExpression: 'SET actor.email = :e', ExpressionAttributeValues: { ':e': 'nobody@else.test' } }));
    expect((await admin.get('/audit/verify')).html).toContain('The chain is broken at event 3');

    // A separate org: the last event deleted
    const other = await givenOrg();
    const otherAdmin = await PortalClient.signIn(other.admin.email);
    for (let i = 0; i < 3; i++) await grant(otherAdmin);
    await db.send(new DeleteCommand({ TableName: layout.tableName, Key: auditEventKey(other.org.orgId, 4) }));
    expect((await otherAdmin.get('/audit/verify')).html).toContain('The chain is broken at event 4');
  });

  test('50 concurrent state changes in one org form one chain: 1..50, no gap, no fork', async () => {
    const given = await givenOrg();
    const admin = await PortalClient.signIn(given.admin.email);
    const csrf = await admin.csrf();
    const results = await Promise.all(Array.from({ length: 50 }, () => admin.post('/grants', { durationHours: '1' }, { csrf })));
    expect(results.map((r) => r.status)).toEqual(Array(50).fill(303));
    const events = await auditEvents(given.org.orgId);
    // The sign-in is event 1, then the 50 grants
    expect(events.map((e) => Number(e.seq))).toEqual(Array.from({ length: 51 }, (_, i) => i + 1));
    for (let i = 1; i < events.length; i++) expect(events[i]!.prevHash).toBe(events[i - 1]!.hash);
    expect((await admin.get('/audit/verify')).html).toContain('all 51 events verify');
  });

  test('the platform-admin CLI exports one org’s whole trail as CSV and verifies it', () => {
    return (async () => {
      const given = await givenOrg();
      const admin = await PortalClient.signIn(given.admin.email);
      for (let i = 0; i < 3; i++) await grant(admin);
      const out = join(mkdtempSync(join(tmpdir(), 'audit-')), 'trail.csv');
      const printed = execFileSync('node_modules/.bin/tsx', ['infra/admin/export-audit.ts', given.org.orgId, '--out', out], { env: { ...process.env, ...TEST_ENV }, encoding: 'utf8' });
      expect(printed).toContain(`4 events written to ${out}; chain intact.`); // the sign-in and 3 grants
      expect(readFileSync(out, 'utf8').trimEnd().split('\r\n')).toHaveLength(5);
      let failure: { status: number; stderr: string } | undefined;
      try {
        execFileSync('node_modules/.bin/tsx', ['infra/admin/export-audit.ts', 'no-such-org'], { env: { ...process.env, ...TEST_ENV }, encoding: 'utf8', stdio: 'pipe' });
      } catch (error) {
        failure = error as { status: number; stderr: string };
      }
      expect(failure?.status).toBe(1);
      expect(failure?.stderr).toContain('No org "no-such-org"');
    })();
  });
});

describe('exports larger than a Lambda response', () => {
  test('past the stage\'s inline limit the CSV goes to the archive and the browser gets a short-lived link', async () => {
    // Prepare: 120 grants in an org (the test stage answers up to 100 rows inline)
    const given = await givenOrg();
    const admin = await PortalClient.signIn(given.admin.email);
    const csrf = await admin.csrf();
    for (let i = 0; i < 120; i += 20) await Promise.all(Array.from({ length: 20 }, () => admin.post('/grants', { durationHours: '1' }, { csrf })));
    // Act
    const res = await anonymous('GET', '/audit/export.csv?action=grant.', { headers: { cookie: admin.jar.header(`${layout.urls.portal}/`) } });
    // Assess: a redirect to a signed, expiring link that serves every row
    expect(res.status).toBe(303);
    const link = new URL(res.headers.get('location')!);
    expect(link.pathname).toMatch(new RegExp(`^/__exports/exports/${given.org.orgId}/.+\\.csv$`));
    const download = await fetch(link);
    expect(download.status).toBe(200);
    expect(download.headers.get('content-disposition')).toContain('.csv');
    expect((await download.text()).trimEnd().split('\r\n')).toHaveLength(1 + 120);
    // A link with another expiry or signature does not work
    const forged = new URL(link);
    forged.searchParams.set('expires', String(Number(link.searchParams.get('expires')) + 3600));
    expect((await fetch(forged)).status).toBe(403);
  });
});
