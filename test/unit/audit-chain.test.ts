import { canonicalJson, chainEvent, firstBrokenLink, GENESIS_HASH, type AuditEvent } from '../../shared/domain/audit';

const entry = (n: number) => ({
  at: `2026-01-01T00:00:0${n}.000Z`,
  actor: { type: 'user' as const, id: 'a@o.test', email: 'a@o.test' },
  action: 'grant.created',
  target: { type: 'grant', id: `g${n}` },
});

function chain(length: number): AuditEvent[] {
  const events: AuditEvent[] = [];
  let head = { seq: 0, hash: GENESIS_HASH };
  for (let i = 1; i <= length; i++) events.push((head = chainEvent('o1', entry(i), head)));
  return events;
}

describe('the hash-chained audit trail', () => {
  test('canonical JSON ignores key order and undefined members', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: undefined } })).toBe('{"a":{"d":[1,{"x":1,"y":2}]},"b":1}');
  });

  test('each event links to the previous hash with consecutive sequence numbers', () => {
    const events = chain(3);
    expect(events.map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(events[0]!.prevHash).toBe(GENESIS_HASH);
    expect(events[1]!.prevHash).toBe(events[0]!.hash);
    expect(firstBrokenLink(events)).toBeUndefined();
  });

  test('an edited event breaks the chain at its sequence number', () => {
    const events = chain(4);
    events[2] = { ...events[2]!, action: 'grant.revoked' };
    expect(firstBrokenLink(events)).toBe(3);
  });

  test('a deleted event breaks the chain where it was', () => {
    const events = chain(4);
    events.splice(1, 1);
    expect(firstBrokenLink(events)).toBe(2);
  });
});
