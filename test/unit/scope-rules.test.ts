import fc from 'fast-check';
import { ValidationError } from '../../shared/domain/errors';
import type { Case, Grant, Level } from '../../shared/domain/model';
import { decideScope, parseRequestedScope } from '../../shared/domain/scope-rules';

const grant = (level: Level): Grant => ({ level } as Grant);
const theCase = (status: Case['status'], approved: boolean): Case =>
  ({ caseId: 'c1', status, ...(approved ? { changeApproval: { requestId: 'r1', approvedAt: '2026-01-01T00:00:00Z', approvedBy: ['a@o.test'] } } : {}) }) as Case;

describe('session scope rules', () => {
  test.each([
    ['manage, open case, approved change', 'manage', theCase('open', true), 'read write', undefined],
    ['admin, open case, approved change', 'admin', theCase('open', true), 'read write', undefined],
    ['monitor level', 'monitor', theCase('open', true), 'read', 'monitor level'],
    ['no case named', 'manage', undefined, 'read', 'pass caseId'],
    ['a solved case', 'manage', theCase('solved', true), 'read', 'is solved'],
    ['no approved change', 'manage', theCase('open', false), 'read', 'no approved change request'],
  ] as const)('write with %s → %s', (_what, level, c, scope, why) => {
    const decision = decideScope(['read', 'write'], grant(level), c);
    expect(decision.scope.join(' ')).toBe(scope);
    if (why) expect(decision.refused.write).toContain(why);
    else expect(decision.refused).toEqual({});
  });

  test('requested scopes parse from a string or a list; read is always in; junk is a 400', () => {
    expect(parseRequestedScope(undefined)).toEqual(['read']);
    expect(parseRequestedScope('write')).toEqual(['read', 'write']);
    expect(parseRequestedScope(['read', 'write', 'write'])).toEqual(['read', 'write']);
    expect(() => parseRequestedScope(42)).toThrow(ValidationError);
    expect(() => parseRequestedScope(['read', 7])).toThrow(ValidationError);
  });

  test('property: the scope is only ever read or write, write only under every condition, anything else refused', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.constantFrom('read', 'write', 'users:manage', 'admin', 'permissions'), fc.string()), { maxLength: 6 }),
        fc.constantFrom<Level>('monitor', 'manage', 'admin'),
        fc.option(fc.record({ status: fc.constantFrom<Case['status']>('open', 'solved'), approved: fc.boolean() }), { nil: undefined }),
        (requested, level, c) => {
          const theOne = c && theCase(c.status, c.approved);
          const { scope, refused } = decideScope(['read', ...requested], grant(level), theOne);
          expect(scope.every((s) => s === 'read' || s === 'write')).toBe(true);
          expect(scope).toContain('read');
          const mayWrite = level !== 'monitor' && !!c && c.status === 'open' && c.approved;
          expect(scope.includes('write')).toBe(requested.includes('write') && mayWrite);
          for (const s of requested) if (s !== 'read' && s !== 'write') expect(refused[s]).toBeDefined();
        },
      ),
    );
  });
});
