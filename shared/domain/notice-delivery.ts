import { approvalToken, hashToken } from './access-requests';
import type { AuditEntry } from './audit';
import type { Clock } from './clock';
import { LINKED_TEMPLATES, type Notice } from './notices';
import { PermanentSendError, type Mailer, type Email } from '../ports/mailer';
import type { Outbox } from '../ports/outbox';
import type { Store } from '../ports/store';
import { randomToken } from '../ports/ids';

export interface DeliveryDeps {
  outbox: Outbox;
  mailer: Mailer;
  clock: Clock;
  /** For the audit events of refused and suppressed recipients. */
  store: Store;
  /** `link`: the recipient's single-use approval link, for templates that carry one. */
  render: (notice: Notice, link?: string) => Email;
  portalUrl: string;
}

export type DeliveryOutcome = 'sent' | 'failed' | 'skipped';

/**
 * Issues a fresh single-use approval link for one recipient. The raw token exists only in the
 * email; the table keeps its hash, unusable until that email went out.
 */
async function issueLink(deps: DeliveryDeps, notice: Notice, recipient: string): Promise<{ url: string; hash: string }> {
  const raw = randomToken();
  const token = { ...approvalToken(raw, { ...notice, to: [recipient] }, notice.data.expiresAt!), unsent: true };
  await deps.outbox.saveApprovalToken(token);
  return { url: `${deps.portalUrl}/approvals/${raw}`, hash: hashToken(raw) };
}

/**
 * Delivers one outbox notice, one email per recipient, each at most once after a success:
 * - the notice is claimed first, and who has it is recorded after each send;
 * - a recipient SES refuses for good (or one it reported bouncing) is marked failed and audited,
 *   and delivery carries on — the stream never holds a shard for one bad address;
 * - a transient failure gives the claim back with the progress and rethrows, for the caller's
 *   retries (the stream's, then the sweep's re-drive);
 * - a link-bearing notice mints one link per send attempt, usable only once its email went out.
 * A crash between a send and its record may send that one email twice (documented).
 * `suppressions` answers which recipients are not to be mailed (the stream's batch lookup).
 */
export async function deliverNotice(deps: DeliveryDeps, notice: Notice, by: 'stream' | 'sweep', suppressions: Pick<Outbox, 'suppressed'> = deps.outbox): Promise<DeliveryOutcome> {
  const claimed = await deps.outbox.claim(notice.noticeId, deps.clock.now());
  if (!claimed) return 'skipped';
  const progress = { sentTo: [...claimed.sentTo], failedTo: [...claimed.failedTo] };
  const refused: AuditEntry[] = [];
  const refuse = (recipient: string, reason: string, action: string) => {
    progress.failedTo.push(recipient);
    refused.push({ at: deps.clock.now().toISOString(), actor: { type: 'system', id: 'mailer' }, action, target: { type: 'notice', id: notice.noticeId }, after: { recipient, template: notice.template, reason } });
  };
  const todo = notice.to.filter((r) => !progress.sentTo.includes(r) && !progress.failedTo.includes(r));
  const suppressed = await suppressions.suppressed(todo);
  try {
    for (const [i, recipient] of todo.entries()) {
      if (suppressed.has(recipient)) {
        refuse(recipient, 'SES reported this address bouncing or complaining; it is not mailed any more.', 'notice.suppressed');
        continue;
      }
      try {
        const link = LINKED_TEMPLATES.has(notice.template) ? await issueLink(deps, notice, recipient) : undefined;
        await deps.mailer.send({ ...deps.render(notice, link?.url), to: [recipient] });
        if (link) await deps.outbox.activateApprovalToken(link.hash);
        progress.sentTo.push(recipient);
        // Kept after each send, so a retry mails nobody twice; after the last, `finish` keeps it.
        if (i < todo.length - 1) await deps.outbox.progress(notice.noticeId, progress);
      } catch (error) {
        if (!(error instanceof PermanentSendError)) throw error;
        refuse(recipient, error.reason, 'notice.failed');
      }
    }
  } catch (error) {
    await recordRefusals(deps, notice, refused);
    await deps.outbox.release(notice.noticeId, progress);
    throw error;
  }
  await recordRefusals(deps, notice, refused);
  const status = progress.sentTo.length ? 'sent' : 'failed';
  await deps.outbox.finish(notice.noticeId, status, progress, deps.clock.now(), by);
  return status;
}

async function recordRefusals(deps: DeliveryDeps, notice: Notice, refused: AuditEntry[]): Promise<void> {
  if (refused.length) await deps.store.commit({ orgId: notice.orgId, writes: [], audit: refused, notices: [] });
}
