import fc from 'fast-check';
import { canonicalJson, chainEvent, firstBrokenLink, GENESIS_HASH, verifyChain, type AuditEvent } from '../../shared/domain/audit';

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
    expect(canonicalJson({ c: 1, a: 2, d: 4, b: 3 })).toBe('{"a":2,"b":3,"c":1,"d":4}');
    expect(canonicalJson({ b: 1, c: 2, a: 3 })).toBe('{"a":3,"b":1,"c":2}');
    for (const [value, json] of [[5, '5'], ['a', '"a"'], [null, 'null'], [true, 'true']] as const) expect(canonicalJson(value)).toBe(json);
  });

  test('keys sort by UTF-16 code units, exactly as the comparator every stored hash was made with', () => {
    // The order events were hashed with before the default sort replaced an explicit comparator.
    const reference = (value: unknown): string => {
      if (value === null || typeof value !== 'object') return JSON.stringify(value);
      if (Array.isArray(value)) return `[${value.map(reference).join(',')}]`;
      const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${reference(v)}`).join(',')}}`;
    };
    expect(canonicalJson({ a: 1, B: 2, é: 3, z: 4, '10': 5, '9': 6, _: 7 })).toBe('{"10":5,"9":6,"B":2,"_":7,"a":1,"z":4,"é":3}');
    fc.assert(fc.property(fc.object({ maxDepth: 3, key: fc.string({ unit: 'grapheme', maxLength: 6 }) }), (value) => canonicalJson(value) === reference(value)));
  });

  test('the chain starts from 64 zeros', () => {
    expect(GENESIS_HASH).toBe('0'.repeat(64));
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

  test('rewriting an event and fixing up only the next prevHash is caught at the next event (the hash covers prevHash)', () => {
    const events = chain(4);
    const { seq: _s, prevHash: _p, hash: _h, orgId: _o, ...entry2 } = events[1]!;
    // The forger rewrites event 2 consistently with event 1 …
    events[1] = chainEvent('o1', { ...entry2, action: 'grant.revoked' }, { seq: 1, hash: events[0]!.hash });
    expect(firstBrokenLink(events.slice(0, 2))).toBeUndefined();
    // … and points event 3 at the forgery without being able to re-sign it.
    events[2] = { ...events[2]!, prevHash: events[1]!.hash };
    expect(firstBrokenLink(events)).toBe(3);
  });

  test('reordering, inserting and changing a sequence number are each caught at the first broken link', () => {
    const reordered = chain(4);
    [reordered[1], reordered[2]] = [reordered[2]!, reordered[1]!];
    expect(firstBrokenLink(reordered)).toBe(2);

    const inserted = chain(4);
    const forged = chainEvent('o1', entry(9), { seq: 2, hash: inserted[1]!.hash });
    inserted.splice(2, 0, forged);
    expect(firstBrokenLink(inserted)).toBe(4);

    const renumbered = chain(3);
    renumbered[2] = { ...renumbered[2]!, seq: 7 };
    expect(firstBrokenLink(renumbered)).toBe(3);

    const otherOrg = chain(3);
    otherOrg[1] = { ...otherOrg[1]!, orgId: 'o2' };
    expect(firstBrokenLink(otherOrg)).toBe(2);
  });

  test('the stored head is cross-checked: events cut from the end, or a head that does not match, are caught', () => {
    const events = chain(4);
    const head = { seq: 4, hash: events[3]!.hash };
    expect(verifyChain(events, head)).toBeUndefined();
    expect(verifyChain(events.slice(0, 3), head)).toBe(4);
    expect(verifyChain(events, { seq: 4, hash: 'f'.repeat(64) })).toBe(5);
    expect(verifyChain(events, { seq: 5, hash: events[3]!.hash })).toBe(5);
    expect(verifyChain([], { seq: 0, hash: GENESIS_HASH })).toBeUndefined();
    expect(verifyChain([], { seq: 1, hash: 'a'.repeat(64) })).toBe(1);
    // A broken link wins over the head check: the first problem is named.
    const edited = chain(4);
    edited[1] = { ...edited[1]!, action: 'x' };
    expect(verifyChain(edited, head)).toBe(2);
  });

  test("an event's hash is the SHA-256 of its canonical JSON including orgId, seq and prevHash", async () => {
    const { createHash } = await import('node:crypto');
    const [first] = chain(1);
    const { hash, ...unsigned } = first!;
    expect(hash).toBe(createHash('sha256').update(canonicalJson(unsigned)).digest('hex'));
    expect(unsigned).toMatchObject({ orgId: 'o1', seq: 1, prevHash: GENESIS_HASH });
  });
});
