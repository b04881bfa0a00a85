import type { AuditEntry } from '../../shared/domain/audit';
import { AUDIT_CSV_COLUMNS, AUDIT_PAGE_SIZE, auditCsv, parseAuditFilter, readAudit, verifyAudit } from '../../shared/domain/audit-trail';
import { ForbiddenError, ValidationError } from '../../shared/domain/errors';
import type { GrantDeps } from '../../shared/domain/grant-service';
import type { UserProfile } from '../../shared/domain/model';
import { MemoryStore } from '../support/memory-store';
import { buildCase } from '../support/org-builder';

const ada: UserProfile = { email: 'ada@acme.test', orgId: 'acme', name: 'Ada', role: 'admin', level: 'admin', workspaces: 'all' };
const uma: UserProfile = { email: 'uma@acme.test', orgId: 'acme', name: 'Uma', role: 'user', level: 'manage', workspaces: 'all' };

const entry = (at: string, action: string, more: Partial<AuditEntry> = {}): AuditEntry => ({ at, actor: { type: 'user', id: ada.email, email: ada.email }, action, target: { type: 'org', id: 'acme' }, ...more });

async function world(entries: AuditEntry[]) {
  const store = new MemoryStore();
  for (const e of entries) await store.commit({ orgId: 'acme', writes: [], audit: [e], notices: [] });
  return { store, deps: { store } as unknown as GrantDeps };
}

describe('audit filters', () => {
  test('no filter: page 1, nothing else', () => {
    expect(parseAuditFilter({})).toEqual({ from: undefined, to: undefined, actor: undefined, action: undefined, page: 1 });
  });

  test('a "to" day includes the whole day; a "from" day starts at midnight UTC; full times are kept', () => {
    expect(parseAuditFilter({ from: '2026-05-01', to: '2026-05-02', page: '3' })).toMatchObject({ from: '2026-05-01T00:00:00.000Z', to: '2026-05-02T23:59:59.999Z', page: 3 });
    expect(parseAuditFilter({ from: '2026-05-01T10:00:00Z', to: '2026-05-01T11:00:00Z' })).toMatchObject({ from: '2026-05-01T10:00:00.000Z', to: '2026-05-01T11:00:00.000Z' });
  });

  test('actor is trimmed and lower-cased, action trimmed; blank ones are no filter', () => {
    expect(parseAuditFilter({ actor: '  Ada@ACME.test ', action: ' grant. ' })).toMatchObject({ actor: 'ada@acme.test', action: 'grant.' });
    expect(parseAuditFilter({ actor: '   ', action: '  ', from: ' ', to: '' })).toEqual({ from: undefined, to: undefined, actor: undefined, action: undefined, page: 1 });
  });

  test.each([
    [{ from: 'yesterday' }, 'from', 'From must be a date (YYYY-MM-DD).'],
    [{ to: '2026-13-45' }, 'to', 'To must be a date (YYYY-MM-DD).'],
    [{ page: '0' }, 'page', 'page must be a whole number from 1.'],
    [{ page: '1.5' }, 'page', 'page must be a whole number from 1.'],
    [{ page: 'x' }, 'page', 'page must be a whole number from 1.'],
    [{ from: '2026-05-02', to: '2026-05-01' }, 'to', 'To must not be before From.'],
  ])('%j is refused, naming %s', (query, field, message) => {
    const error = (() => {
      try {
        parseAuditFilter(query);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ValidationError);
    expect([(error as ValidationError).field, (error as ValidationError).message]).toEqual([field, message]);
  });

  test('the same day as from and to is allowed', () => {
    expect(parseAuditFilter({ from: '2026-05-01', to: '2026-05-01' }).to).toBe('2026-05-01T23:59:59.999Z');
  });
});

describe('reading the trail', () => {
  const T = (n: number) => `2026-05-0${n}T12:00:00.000Z`;

  test('admins see everything, newest first, filtered by dates (inclusive), actor (or whom support acted as) and action prefix', async () => {
    const { deps } = await world([
      entry(T(1), 'org.settings_changed'),
      entry(T(2), 'grant.created', { target: { type: 'grant', id: 'g1' } }),
      entry(T(3), 'session.started', { actor: { type: 'agent', id: 'alex@vendor.test', email: 'alex@vendor.test', actingAs: 'uma@acme.test' }, target: { type: 'session', id: 's1' } }),
      entry(T(4), 'grant.revoked', { actor: { type: 'system', id: 'scheduler' }, target: { type: 'grant', id: 'g1' } }),
    ]);
    const read = async (q: Record<string, string>) => (await readAudit(deps, ada, parseAuditFilter(q))).rows.map((e) => e.seq);
    expect(await read({})).toEqual([4, 3, 2, 1]);
    expect(await read({ from: '2026-05-02', to: '2026-05-03' })).toEqual([3, 2]);
    expect(await read({ from: T(2), to: T(2) })).toEqual([2]);
    expect(await read({ actor: 'ALEX' })).toEqual([3]);
    expect(await read({ actor: 'uma@' })).toEqual([3]);
    expect(await read({ actor: 'schedul' })).toEqual([4]);
    expect(await read({ action: 'grant.' })).toEqual([4, 2]);
    expect(await read({ action: 'revoked' })).toEqual([]);
    expect(await readAudit(deps, ada, parseAuditFilter({}))).toMatchObject({ total: 4, page: 1, pages: 1 });
  });

  test('a user sees what they did, what support did as them, their grants from start to end (and what points to them), and their cases', async () => {
    const { store, deps } = await world([
      entry(T(1), 'org.settings_changed'),
      entry(T(2), 'grant.created', { actor: { type: 'user', id: uma.email, email: uma.email }, target: { type: 'grant', id: 'g-uma' } }),
      entry(T(3), 'grant.created', { target: { type: 'grant', id: 'g-ada' } }),
      entry(T(4), 'grant.expired', { actor: { type: 'system', id: 'scheduler' }, target: { type: 'grant', id: 'g-uma' } }),
      entry(T(5), 'session.ended', { actor: { type: 'system', id: 'sweep' }, target: { type: 'session', id: 's1' }, after: { grantId: 'g-uma' } }),
      entry(T(6), 'session.started', { actor: { type: 'agent', id: 'alex@vendor.test', email: 'alex@vendor.test', actingAs: 'uma@acme.test' }, target: { type: 'session', id: 's2' } }),
      entry(T(7), 'case.solved', { target: { type: 'case', id: 'c-uma' }, caseId: 'c-uma' }),
      entry(T(8), 'case.solved', { target: { type: 'case', id: 'c-other' }, caseId: 'c-other' }),
      entry(T(9), 'session.ended', { actor: { type: 'system', id: 'sweep' }, target: { type: 'session', id: 's3' }, after: { grantId: 'g-ada' } }),
    ]);
    store.cases.set('acme#c-uma', buildCase({ orgId: 'acme', caseId: 'c-uma', contact: { id: uma.email, email: uma.email } }));
    store.cases.set('acme#c-other', buildCase({ orgId: 'acme', caseId: 'c-other', contact: { id: 'bob@acme.test', email: 'bob@acme.test' } }));
    expect((await readAudit(deps, uma, parseAuditFilter({}))).rows.map((e) => e.seq)).toEqual([7, 6, 5, 4, 2]);
    expect((await readAudit(deps, ada, parseAuditFilter({}))).total).toBe(9);
  });

  test('pages of 50, the last one short; an export is every row', async () => {
    const entries = Array.from({ length: AUDIT_PAGE_SIZE * 2 + 3 }, (_, i) => entry(new Date(Date.UTC(2026, 4, 1, 0, i)).toISOString(), 'org.settings_changed'));
    const { deps } = await world(entries);
    const page = async (n: number, all = false) => readAudit(deps, ada, parseAuditFilter({ page: String(n) }), all);
    expect(await page(1)).toMatchObject({ total: 103, page: 1, pages: 3 });
    expect((await page(1)).rows.map((e) => e.seq).slice(0, 2)).toEqual([103, 102]);
    expect((await page(2)).rows.map((e) => e.seq)).toEqual(Array.from({ length: 50 }, (_, i) => 53 - i));
    expect((await page(3)).rows.map((e) => e.seq)).toEqual([3, 2, 1]);
    expect((await page(4)).rows).toEqual([]);
    expect((await page(2, true)).rows).toHaveLength(103);
  });

  test('an empty trail is one empty page', async () => {
    const { deps } = await world([]);
    expect(await readAudit(deps, ada, parseAuditFilter({}))).toEqual({ rows: [], total: 0, page: 1, pages: 1 });
  });
});

describe('verifying the chain', () => {
  test('intact: the number of events and no break; a non-admin is refused', async () => {
    const { deps } = await world([entry('2026-05-01T00:00:00.000Z', 'a'), entry('2026-05-01T00:00:01.000Z', 'b')]);
    expect(await verifyAudit(deps, ada)).toEqual({ events: 2, brokenAt: undefined });
    await expect(verifyAudit(deps, uma)).rejects.toBeInstanceOf(ForbiddenError);
  });

  test('an edited event is named as the first broken one', async () => {
    const { store, deps } = await world([entry('2026-05-01T00:00:00.000Z', 'a'), entry('2026-05-01T00:00:01.000Z', 'b'), entry('2026-05-01T00:00:02.000Z', 'c')]);
    store.audit.get('acme')![1]!.action = 'forged';
    expect(await verifyAudit(deps, ada)).toEqual({ events: 3, brokenAt: 2 });
  });
});

describe('CSV export', () => {
  test('RFC 4180 with the header, CRLF, JSON for objects, quoting where needed, and formulas defused', async () => {
    const { store } = await world([
      entry('2026-05-01T00:00:00.000Z', 'grant.created', {
        actor: { type: 'agent', id: 'alex@vendor.test', email: 'alex@vendor.test', actingAs: 'uma@acme.test' },
        target: { type: 'grant', id: 'g1' },
        caseId: 'c1',
        justification: '=HYPERLINK("x"), "quoted"\nline',
        after: { level: 'admin' },
      }),
      entry('2026-05-01T00:00:01.000Z', 'org.settings_changed', { actor: { type: 'system', id: 'sweep' }, justification: '+1' }),
    ]);
    const [a, b] = store.audit.get('acme')!;
    const csv = auditCsv([a!, b!]);
    const lines = csv.split('\r\n');
    expect(lines[0]).toBe(AUDIT_CSV_COLUMNS.join(','));
    expect(lines[1]).toBe(`1,2026-05-01T00:00:00.000Z,agent,alex@vendor.test,uma@acme.test,grant.created,grant,g1,c1,"'=HYPERLINK(""x""), ""quoted""\nline",,"{""level"":""admin""}",${a!.prevHash},${a!.hash}`.replace('\nline', '\nline'));
    expect(lines.slice(2)).toEqual([`2,2026-05-01T00:00:01.000Z,system,sweep,,org.settings_changed,org,acme,,'+1,,,${b!.prevHash},${b!.hash}`, '']);
    expect(auditCsv([])).toBe(`${AUDIT_CSV_COLUMNS.join(',')}\r\n`);
  });

  test.each([
    ['-2', "'-2"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\tx', "'\tx"],
    ['\rx', `"'\rx"`],
    ['a-b', 'a-b'],
  ])('a cell %j is written as %j', async (text, cell) => {
    const { store } = await world([entry('2026-05-01T00:00:00.000Z', 'x', { justification: text })]);
    const row = auditCsv(store.audit.get('acme')!).split('\r\n')[1]!;
    expect(row).toContain(`,acme,,${cell},,,`);
  });
});
