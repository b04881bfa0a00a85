import { ConcurrentChangeError, ConflictError } from './errors';
import type { Grant, Session } from './model';
import type { Write } from '../ports/store';

/** Items stored before they carried a version count as version 0. */
const versionOf = (item: { version?: number }) => item.version ?? 0;

/** Writes `after` over `before` only if nobody changed it since it was read (optimistic concurrency). */
export const grantUpdate = (before: Grant, after: Grant): Write => ({ kind: 'grant', grant: { ...after, version: versionOf(before) + 1 }, expect: { version: versionOf(before) } });

export const sessionUpdate = (before: Session, after: Session): Write => ({ kind: 'session', session: { ...after, version: versionOf(before) + 1 }, expect: { version: versionOf(before) } });

/**
 * Runs a read-decide-write operation again from a fresh read when its write lost a race to another
 * change of the same item. Only for operations that are safe to redo (the fresh read decides
 * again: a revoked grant is then refused, a second colleague is added to the new list). After
 * `attempts` lost races it answers 409 naming what kept changing — never success for a lost change.
 */
export async function redoOnConflict<T>(what: string, op: () => Promise<T>, attempts = 4): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await op();
    } catch (error) {
      if (!(error instanceof ConcurrentChangeError) || error.code !== 'concurrent_change') throw error;
      if (attempt >= attempts) throw new ConflictError('concurrent_change', `${what} kept changing while this change was being made; nothing was written. Reload and try again.`);
    }
  }
}
