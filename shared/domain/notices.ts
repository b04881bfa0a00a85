/** An outbound email waiting in the outbox; written in the same transaction as its change. */
export interface Notice {
  noticeId: string;
  orgId: string;
  template: NoticeTemplate;
  to: string[];
  data: Record<string, string>;
  createdAt: string;
}

export type NoticeTemplate =
  | 'grant-created'
  | 'grant-extended'
  | 'grant-shortened'
  | 'grant-ended'
  | 'permission-requested'
  | 'request-decided'
  | 'request-expired'
  | 'case-access-activated'
  | 'personnel-added'
  | 'change-requested'
  | 'session-started'
  | 'grant-ending-soon'
  | 'org-welcome'
  | 'webhook-disabled';

/** Templates whose email carries a single-use approval link, issued when it is sent. */
export const LINKED_TEMPLATES: ReadonlySet<NoticeTemplate> = new Set(['permission-requested', 'change-requested']);
