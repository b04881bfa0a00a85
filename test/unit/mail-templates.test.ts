import type { Notice, NoticeTemplate } from '../../shared/domain/notices';
import { renderNotice } from '../../shared/mail/templates';

const PORTAL = 'https://access.vendor.example';
const GRANT = { orgName: 'Acme Inc', orgId: 'acme', grantId: 'g-1', grantedBy: 'Ada Admin', actAs: 'uma@acme.test', level: 'manage', scope: 'workspaces sales', environment: 'sandbox', expiresAt: '2026-11-27T19:38:00.000Z', grantKind: 'user' };
const REQUEST = { orgName: 'Acme Inc', orgId: 'acme', requestId: 'r-1', caseId: 'c-9', caseSubject: 'Totals look wrong', agent: 'Alex (alex@vendor.test)', justification: 'Compare totals', expiresAt: '2026-11-29T10:00:00.000Z', requiredApprovals: '1', kind: 'access' };

const render = (template: NoticeTemplate, data: Record<string, string>, link?: string) =>
  renderNotice({ noticeId: 'n', orgId: 'acme', template, to: ['x@acme.test'], data, createdAt: '2026-11-26T00:00:00.000Z' } as Notice, { portalUrl: PORTAL, link });

/** Every fact a reader needs, in the text part; the HTML part says the same. */
function expectFacts(email: ReturnType<typeof render>, facts: string[]) {
  for (const fact of facts) {
    expect([fact, email.text.includes(fact)]).toEqual([fact, true]);
    expect([fact, email.html.includes(fact.replace(/&/g, '&amp;').replace(/'/g, '&#39;').replace(/"/g, '&quot;'))]).toEqual([fact, true]);
  }
}

describe('every email states what the access is and what its reader can do', () => {
  test.each([
    ['grant-created', GRANT, ['Ada Admin granted', 'as uma@acme.test (manage level, workspaces sales, sandbox) until 2026-11-27 19:38:00 UTC']],
    ['grant-extended', { ...GRANT, previousExpiresAt: '2026-11-27T01:42:00.000Z' }, ['was extended', 'manage level, workspaces sales, sandbox', 'It now ends later, at 2026-11-27 19:38:00 UTC instead of 2026-11-27 01:42:00 UTC.']],
    ['grant-shortened', { ...GRANT, previousExpiresAt: '2026-11-30T01:42:00.000Z' }, ['was shortened', 'manage level, workspaces sales, sandbox', 'It now ends earlier, at 2026-11-27 19:38:00 UTC instead of 2026-11-30 01:42:00 UTC.']],
    ['grant-ending-soon', GRANT, ['manage level, workspaces sales, sandbox', 'ends at 2026-11-27 19:38:00 UTC', 'change its end time on the dashboard']],
    ['case-access-activated', { ...GRANT, grantKind: 'case', actAs: 'Acme Inc support profile', level: 'monitor', scope: 'the whole account', environment: 'production', agent: 'Alex', caseSubject: 'Totals' }, ['Support acts as Acme Inc support profile (monitor level, the whole account, production)']],
  ] as const)('%s: level, scope, environment and end time; a link into the portal', (template, data, facts) => {
    const email = render(template, data);
    expectFacts(email, [...facts]);
    expect(email.text).toContain(`Open Support Access: ${PORTAL}/`);
    expect(email.text).toContain('user or authorized contact of Acme Inc');
  });

  test('the level appears once (no "(monitor) (monitor)")', () => {
    const email = render('case-access-activated', { ...GRANT, grantKind: 'case', actAs: 'Acme Inc support profile', level: 'monitor', agent: 'Alex', caseSubject: 'Totals' });
    expect(email.text.match(/monitor/g)).toHaveLength(1);
  });

  test('session-started, user grant: the user acted as is told to end it from their dashboard', () => {
    const email = render('session-started', { ...GRANT, agent: 'Alex (alex@vendor.test)', startedAt: '2026-11-26T10:00:00.000Z', sessionExpiresAt: '2026-11-26T10:15:00.000Z', justification: 'Look', sessionScope: 'read', caseSubject: '', caseId: '' });
    expectFacts(email, ['look but not change anything (manage level, workspaces sales, sandbox)', 'ends at 2026-11-26 10:15:00 UTC at the latest', 'end the session from your dashboard']);
    expect(email.text).toContain(`Open Support Access: ${PORTAL}/`);
  });

  test('session-started, case grant: contacts are told what actually stops it, with a link to the case', () => {
    const email = render('session-started', { ...GRANT, grantKind: 'case', agent: 'Alex', startedAt: '2026-11-26T10:00:00.000Z', sessionExpiresAt: '2026-11-26T10:15:00.000Z', justification: 'Look', sessionScope: 'read write', caseSubject: 'Totals', caseId: 'c-9' });
    expectFacts(email, ['look and make the approved change', 'set remote access for the case to Denied on the case page']);
    expect(email.text).not.toContain('from your dashboard');
    expect(email.text).toContain(`Open the case: ${PORTAL}/cases/c-9`);
  });

  test.each([
    ['request-decided', { ...REQUEST, outcome: 'approved', decidedBy: 'uma@acme.test', comment: '', audience: 'agent' }, 'Your access request to access Acme Inc for the case "Totals look wrong" was approved by uma@acme.test.'],
    ['request-expired', REQUEST, 'Your access request for the case "Totals look wrong" in Acme Inc expired at 2026-11-29 10:00:00 UTC'],
  ] as const)('%s to the agent: the support CLI command, never a portal link they cannot use', (template, data, fact) => {
    const email = render(template, data);
    expectFacts(email, [fact, 'npm run support -- case acme c-9']);
    expect(email.text).toContain('See it in the support CLI: npm run support -- case acme c-9');
    expect(email.text).not.toContain(PORTAL);
    expect(email.html).not.toContain(PORTAL);
    expect(email.text).toContain('you asked for access to Acme Inc');
  });

  test('request-decided to the other approvers: nothing left to decide, a portal link', () => {
    const email = render('request-decided', { ...REQUEST, outcome: 'denied', decidedBy: 'ada@acme.test', comment: 'Not now', audience: 'approvers' });
    expectFacts(email, ['was denied by ada@acme.test. There is nothing left for you to decide.', 'Comment: Not now']);
    expect(email.text).toContain(`Open Support Access: ${PORTAL}/`);
  });

  test('permission-requested carries the reader\'s own single-use link', () => {
    const email = render('permission-requested', REQUEST, `${PORTAL}/approvals/tok`);
    expectFacts(email, ['Alex (alex@vendor.test) from the support team asks', 'Why: Compare totals', 'expires at 2026-11-29 10:00:00 UTC']);
    expect(email.text).toContain(`Review the request: ${PORTAL}/approvals/tok`);
  });
});

describe("the sender: the vendor's display name and the verified address", () => {
  test('ASCII names are quoted (commas and quotes kept inside); others are RFC 2047 encoded', async () => {
    const { fromHeader } = await import('../../shared/adapters/ses-mailer');
    expect(fromHeader('Acme Support', 'help@acme.example')).toBe('"Acme Support" <help@acme.example>');
    expect(fromHeader('Acme, Inc. "Care"', 'help@acme.example')).toBe('"Acme, Inc. \\"Care\\"" <help@acme.example>');
    expect(fromHeader('Société Générale', 'help@sg.example')).toBe(`=?UTF-8?B?${Buffer.from('Société Générale').toString('base64')}?= <help@sg.example>`);
  });
});
