import type { ApprovalToken } from '../domain/model';
import type { Notice } from '../domain/notices';

/** Where a notice's delivery stands: who has it, who was refused for good. */
export interface DeliveryProgress {
  sentTo: string[];
  failedTo: string[];
}

/** The outbox's delivery bookkeeping, so each notice reaches each recipient once even when delivery is retried. */
export interface Outbox {
  /** A notice by id (the sweep re-drives from it). */
  getNotice(noticeId: string): Promise<Notice | undefined>;
  /**
   * Takes the notice for sending (pending, or a sender's claim gone stale); its progress so far,
   * or undefined when it is finished or someone else is sending it.
   */
  claim(noticeId: string, now: Date): Promise<DeliveryProgress | undefined>;
  /** Records who has it now, so a crash later never sends to them again. */
  progress(noticeId: string, progress: DeliveryProgress): Promise<void>;
  /** Gives the notice back after a transient failure, keeping its progress, so a retry can take it. */
  release(noticeId: string, progress: DeliveryProgress): Promise<void>;
  /** Finished: `sent` when anyone got it, `failed` when every recipient was refused for good; leaves the re-drive index. */
  finish(noticeId: string, status: 'sent' | 'failed', progress: DeliveryProgress, at: Date, by: string): Promise<void>;
  /** Stores an approval link's hash, unusable until `activateApprovalToken` (after the email carrying it went out). */
  saveApprovalToken(token: ApprovalToken): Promise<void>;
  activateApprovalToken(tokenHash: string): Promise<void>;
  /** Of these addresses, those SES reported as bouncing or complaining (not to be mailed). */
  suppressed(addresses: string[]): Promise<Set<string>>;
}
