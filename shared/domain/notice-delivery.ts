import type { Clock } from './clock';
import type { Notice } from './notices';
import type { Mailer, Email } from '../ports/mailer';
import type { Outbox } from '../ports/outbox';

export interface DeliveryDeps {
  outbox: Outbox;
  mailer: Mailer;
  clock: Clock;
  render: (notice: Notice) => Email;
}

/**
 * Sends one outbox notice at least once and, by claiming it first, never twice after a success.
 * A failed send gives the claim back and rethrows, so the caller's retry can deliver it.
 */
export async function deliverNotice(deps: DeliveryDeps, notice: Notice): Promise<'sent' | 'skipped'> {
  if (!(await deps.outbox.claim(notice.noticeId, deps.clock.now()))) return 'skipped';
  try {
    await deps.mailer.send(deps.render(notice));
  } catch (error) {
    await deps.outbox.release(notice.noticeId);
    throw error;
  }
  await deps.outbox.markSent(notice.noticeId, deps.clock.now());
  return 'sent';
}
