/** Keys of an outbox notice. */
export const noticeKey = (noticeId: string) => ({ pk: `NOTICE#${noticeId}`, sk: 'NOTICE' });
export const isNoticeKey = (pk: unknown): boolean => typeof pk === 'string' && pk.startsWith('NOTICE#');
