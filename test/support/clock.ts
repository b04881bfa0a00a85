import { layout } from './fixtures';

async function control(body?: Record<string, unknown>): Promise<Date> {
  const res = await fetch(`${layout.urls.scheduler}/__clock`, body ? { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) } : {});
  if (!res.ok) throw new Error(`The stack clock refused ${JSON.stringify(body)}: ${res.status} ${await res.text()}`);
  return new Date(((await res.json()) as { now: string }).now);
}

/**
 * The test stack's one clock (functions, scheduler, sweep). Moving it returns once everything
 * that came due — schedules, Lambda's async retries, the sweep — has run. The gateway's JWT
 * check, the OIDC issuers and DynamoDB Local stay on real time: after moving the clock far,
 * sign in again (portal cookies and session tokens follow the stack clock).
 */
export const stackClock = {
  now: () => control(),
  advance: (ms: number) => control({ advanceMs: ms }),
  /** Stands still at `to` (moved only by `advance`/`set`), or runs on from it with `flowing`. */
  set: (to: Date, options: { flowing?: boolean } = {}) => control({ set: to.toISOString(), ...options }),
  /** Back to real time and the stack's fire mode; call it after a test that moved the clock. */
  reset: () => control({ reset: true }),
  /** Schedules created from now on fire exactly at their at-time instead of within its minute. */
  exactFires: () => control({ fireMode: 'exact' }),
};

/** Lambda's async invocations of `expire` the local stack made, and what reached its on-failure destination. */
export async function expireInvocations(): Promise<{ attempts: { requestId: string; attempt: number; at: string; outcome: string }[]; failures: { requestContext: { approximateInvokeCount: number; condition: string }; requestPayload: unknown; responsePayload: { errorMessage: string } }[]; waiting: unknown[] }> {
  const res = await fetch(`${layout.urls.scheduler}/__lambda/expire`);
  if (!res.ok) throw new Error(`No async-invocation record: ${res.status}`);
  return (await res.json()) as never;
}
