/** An outbound email waiting in the outbox; written in the same transaction as its change. */
export interface Notice {
  noticeId: string;
  orgId: string;
  template: NoticeTemplate;
  to: string[];
  data: Record<string, string>;
  createdAt: string;
}

export type NoticeTemplate = 'grant-created' | 'grant-extended' | 'grant-ended';
