import { createHash } from 'node:crypto';
import type { AuditActor } from './model';

/** What a state change says about itself; the store adds sequence and hashes. */
export interface AuditEntry {
  at: string;
  actor: AuditActor;
  action: string;
  target: { type: string; id: string };
  caseId?: string;
  justification?: string;
  before?: Record<string, unknown>;
  after?: Record<string, unknown>;
  requestId?: string;
}

/** An appended event: one link of the org's hash chain. */
export interface AuditEvent extends AuditEntry {
  orgId: string;
  seq: number;
  prevHash: string;
  hash: string;
}

export const GENESIS_HASH = '0'.repeat(64);

/**
 * JSON with sorted keys and no undefined members, so a hash never depends on key order. Keys sort
 * by UTF-16 code units (the default `sort()`, the same order as comparing them with `<`).
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record)
    .filter((k) => record[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(record[k])}`).join(',')}}`;
}

/** Links `entry` after the chain head (`seq`, `hash`) of its org. */
export function chainEvent(
  orgId: string,
  entry: AuditEntry,
  head: { seq: number; hash: string },
): AuditEvent {
  const unsigned = { ...entry, orgId, seq: head.seq + 1, prevHash: head.hash };
  const hash = createHash('sha256').update(canonicalJson(unsigned)).digest('hex');
  return { ...unsigned, hash };
}

/** Recomputes the chain; returns the first sequence number whose link is broken, if any. */
export function firstBrokenLink(events: AuditEvent[]): number | undefined {
  let head = { seq: 0, hash: GENESIS_HASH };
  for (const event of events) {
    const { seq: _seq, prevHash: _prev, hash, orgId, ...entry } = event;
    const expected = chainEvent(orgId, entry, head);
    if (event.seq !== expected.seq || event.prevHash !== head.hash || hash !== expected.hash) {
      return expected.seq;
    }
    head = { seq: event.seq, hash };
  }
  return undefined;
}

/**
 * Verifies an org's whole trail against its head: the first broken sequence number, whether an
 * event was edited, removed from the middle, or removed from the end.
 */
export function verifyChain(events: AuditEvent[], head: { seq: number; hash: string }): number | undefined {
  const broken = firstBrokenLink(events);
  if (broken !== undefined) return broken;
  const last = events.at(-1);
  if ((last?.seq ?? 0) !== head.seq || (last?.hash ?? GENESIS_HASH) !== head.hash) return (last?.seq ?? 0) + 1;
  return undefined;
}
