import type { ApprovalToken } from '../../shared/domain/model';
import type { Notice } from '../../shared/domain/notices';
import type { DeliveryProgress, Outbox } from '../../shared/ports/outbox';
import type { MemoryStore } from './memory-store';

type Row = { notice: Notice; status: 'pending' | 'sending' | 'sent' | 'failed'; claimedAt?: number; progress: DeliveryProgress; by?: string };

/** The outbox port in memory, with the DynamoDB adapter's claim rules (pending, or a claim older than 5 minutes). */
export class MemoryOutbox implements Outbox {
  readonly rows = new Map<string, Row>();
  readonly suppressedAddresses = new Set<string>();

  constructor(private readonly store: MemoryStore) {}

  add(notice: Notice): void {
    this.rows.set(notice.noticeId, { notice, status: 'pending', progress: { sentTo: [], failedTo: [] } });
  }
  async getNotice(noticeId: string) { return this.rows.get(noticeId)?.notice; }
  async claim(noticeId: string, now: Date) {
    const row = this.rows.get(noticeId);
    if (!row) return undefined;
    const stale = row.status === 'sending' && (row.claimedAt ?? 0) < now.getTime() - 5 * 60_000;
    if (row.status !== 'pending' && !stale) return undefined;
    row.status = 'sending';
    row.claimedAt = now.getTime();
    return { sentTo: [...row.progress.sentTo], failedTo: [...row.progress.failedTo] };
  }
  async progress(noticeId: string, progress: DeliveryProgress) { this.rows.get(noticeId)!.progress = { sentTo: [...progress.sentTo], failedTo: [...progress.failedTo] }; }
  async release(noticeId: string, progress: DeliveryProgress) {
    const row = this.rows.get(noticeId)!;
    if (row.status !== 'sending') return;
    row.status = 'pending';
    row.claimedAt = undefined;
    row.progress = { sentTo: [...progress.sentTo], failedTo: [...progress.failedTo] };
  }
  async finish(noticeId: string, status: 'sent' | 'failed', progress: DeliveryProgress, _at: Date, by: string) {
    Object.assign(this.rows.get(noticeId)!, { status, progress, by, claimedAt: undefined });
  }
  async saveApprovalToken(token: ApprovalToken) {
    if (this.store.tokens.has(token.tokenHash)) throw new Error('token exists');
    this.store.tokens.set(token.tokenHash, token);
  }
  async activateApprovalToken(tokenHash: string) {
    const { unsent: _unsent, ...token } = this.store.tokens.get(tokenHash)!;
    this.store.tokens.set(tokenHash, token);
  }
  async suppressed(addresses: string[]) { return new Set(addresses.filter((a) => this.suppressedAddresses.has(a))); }
}
