import type { ApprovalToken } from '../domain/model';

/** The outbox's delivery bookkeeping, so each notice is sent once even when delivery is retried. */
export interface Outbox {
  /** Takes the notice for sending; false when it was sent already or someone else is sending it. */
  claim(noticeId: string, now: Date): Promise<boolean>;
  markSent(noticeId: string, now: Date): Promise<void>;
  /** Gives the notice back after a failed send, so a retry can take it. */
  release(noticeId: string): Promise<void>;
  /** Stores an approval link's hash, for the email about to carry the link. */
  saveApprovalToken(token: ApprovalToken): Promise<void>;
}
