import fc from 'fast-check';
import { ValidationError } from '../../shared/domain/errors';
import type { Case, Grant, Level } from '../../shared/domain/model';
import { decideScope, parseRequestedScope, sessionEnd } from '../../shared/domain/scope-rules';

const NOW = new Date('2026-01-01T10:00:00Z');
const UNTIL = '2026-01-01T12:00:00.000Z';
const grant = (level: Level, grantId = 'g1'): Grant => ({ grantId, level, expiresAt: '2026-01-02T00:00:00.000Z' }) as Grant;
const theCase = (status: Case['status'], approvedFor?: string): Case =>
  ({ caseId: 'c1', status, ...(approvedFor ? { changeApproval: { requestId: 'r1', approvedAt: '2026-01-01T00:00:00Z', approvedBy: ['a@o.test'], grantId: approvedFor, until: UNTIL } } : {}) }) as Case;

describe('session scope rules', () => {
  test.each([
    ['manage, open case, change approved for this grant', 'manage', theCase('open', 'g1'), NOW, 'read write', undefined],
    ['admin, open case, change approved for this grant', 'admin', theCase('open', 'g1'), NOW, 'read write', undefined],
    ['monitor level', 'monitor', theCase('open', 'g1'), NOW, 'read', 'monitor level'],
    ['no case named', 'manage', undefined, NOW, 'read', 'pass caseId'],
    ['a solved case', 'manage', theCase('solved', 'g1'), NOW, 'read', 'is solved'],
    ['no approved change', 'manage', theCase('open'), NOW, 'read', 'no approved change request'],
    ['a change approved for another grant', 'manage', theCase('open', 'g2'), NOW, 'read', 'approved for grant g2, not for grant g1'],
    ['the approved change has ended', 'manage', theCase('open', 'g1'), new Date(UNTIL), 'read', `ended at ${UNTIL}`],
  ] as const)('write with %s → %s', (_what, level, c, now, scope, why) => {
    const decision = decideScope(['read', 'write'], grant(level), c, now);
    expect(decision.scope.join(' ')).toBe(scope);
    if (why) expect(decision.refused.write).toContain(why);
    else expect(decision.refused).toEqual({});
  });

  test('a writing session ends no later than the approved change; a reading one is not cut by it', () => {
    const c = theCase('open', 'g1');
    const late = new Date('2026-01-01T11:55:00Z');
    expect(new Date(sessionEnd(late, 15, grant('manage'), ['read', 'write'], c)).toISOString()).toBe(UNTIL);
    expect(new Date(sessionEnd(late, 15, grant('manage'), ['read'], c)).toISOString()).toBe('2026-01-01T12:10:00.000Z');
    expect(new Date(sessionEnd(new Date('2026-01-01T23:50:00Z'), 15, grant('manage'), ['read'], undefined)).toISOString()).toBe('2026-01-02T00:00:00.000Z');
  });

  test('requested scopes parse from a string or a list; read is always in; junk is a 400', () => {
    expect(parseRequestedScope(undefined)).toEqual(['read']);
    expect(parseRequestedScope('write')).toEqual(['read', 'write']);
    expect(parseRequestedScope(['read', 'write', 'write'])).toEqual(['read', 'write']);
    expect(() => parseRequestedScope(42)).toThrow(ValidationError);
    expect(() => parseRequestedScope(['read', 7])).toThrow(ValidationError);
    // Nothing asked: read alone, whatever "nothing" looks like.
    for (const none of [undefined, null, '']) expect(parseRequestedScope(none)).toEqual(['read']);
    // Separators collapse; empty entries are dropped, never refused as a scope called "".
    expect(parseRequestedScope('read,,write  ')).toEqual(['read', 'write']);
    expect(parseRequestedScope(['', 'write'])).toEqual(['read', 'write']);
    expect(() => parseRequestedScope(42)).toThrow(expect.objectContaining({ field: 'scope', message: 'scope must be a space-separated string or a list of scopes, e.g. "read write".' }));
  });

  test('an unknown scope is refused by name, with what exists instead', () => {
    const { scope, refused } = decideScope(['read', 'admin'], grant('manage'), undefined, new Date('2026-01-01T10:00:00Z'));
    expect(scope).toEqual(['read']);
    expect(refused).toEqual({ admin: 'Support sessions never get "admin": only read and write exist, and nothing manages users or permissions.' });
  });

  test('property: the scope is only ever read or write, write only under every condition, anything else refused', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.constantFrom('read', 'write', 'users:manage', 'admin', 'permissions'), fc.string()), { maxLength: 6 }),
        fc.constantFrom<Level>('monitor', 'manage', 'admin'),
        fc.option(fc.record({ status: fc.constantFrom<Case['status']>('open', 'solved'), approvedFor: fc.constantFrom(undefined, 'g1', 'g2') }), { nil: undefined }),
        fc.integer({ min: -3 * 3_600_000, max: 3 * 3_600_000 }),
        (requested, level, c, offset) => {
          const now = new Date(Date.parse(UNTIL) + offset);
          const theOne = c && theCase(c.status, c.approvedFor);
          const { scope, refused } = decideScope(['read', ...requested], grant(level), theOne, now);
          expect(scope.every((s) => s === 'read' || s === 'write')).toBe(true);
          expect(scope).toContain('read');
          const mayWrite = level !== 'monitor' && !!c && c.status === 'open' && c.approvedFor === 'g1' && offset < 0;
          expect(scope.includes('write')).toBe(requested.includes('write') && mayWrite);
          for (const s of requested) if (s !== 'read' && s !== 'write') expect(refused[s]).toBeDefined();
        },
      ),
    );
  });
});
