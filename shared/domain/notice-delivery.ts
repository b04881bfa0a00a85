import { approvalToken } from './access-requests';
import type { Clock } from './clock';
import { LINKED_TEMPLATES, type Notice } from './notices';
import type { Mailer, Email } from '../ports/mailer';
import type { Outbox } from '../ports/outbox';
import { randomToken } from '../ports/ids';

export interface DeliveryDeps {
  outbox: Outbox;
  mailer: Mailer;
  clock: Clock;
  /** `link`: the recipient's single-use approval link, for templates that carry one. */
  render: (notice: Notice, link?: string) => Email;
  portalUrl: string;
}

/**
 * Issues a fresh single-use approval link for the notice's one recipient. The raw token exists
 * only in the email; the table keeps its hash. A retried send issues a new link.
 */
async function issueLink(deps: DeliveryDeps, notice: Notice): Promise<string> {
  const raw = randomToken();
  await deps.outbox.saveApprovalToken(approvalToken(raw, notice, notice.data.expiresAt!));
  return `${deps.portalUrl}/approvals/${raw}`;
}

/**
 * Sends one outbox notice at least once and, by claiming it first, never twice after a success.
 * A failed send gives the claim back and rethrows, so the caller's retry can deliver it.
 */
export async function deliverNotice(deps: DeliveryDeps, notice: Notice): Promise<'sent' | 'skipped'> {
  if (!(await deps.outbox.claim(notice.noticeId, deps.clock.now()))) return 'skipped';
  try {
    const link = LINKED_TEMPLATES.has(notice.template) ? await issueLink(deps, notice) : undefined;
    await deps.mailer.send(deps.render(notice, link));
  } catch (error) {
    await deps.outbox.release(notice.noticeId);
    throw error;
  }
  await deps.outbox.markSent(notice.noticeId, deps.clock.now());
  return 'sent';
}
