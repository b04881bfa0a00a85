/** Keys of an org's hash-chained audit trail: a head item and zero-padded sequence numbers. */
export const auditPartition = (orgId: string) => `AUDIT#${orgId}`;
export const auditHeadKey = (orgId: string) => ({ pk: auditPartition(orgId), sk: 'HEAD' });
export const auditEventKey = (orgId: string, seq: number) => ({
  pk: auditPartition(orgId),
  sk: `EVENT#${String(seq).padStart(12, '0')}`,
});
export const AUDIT_EVENT_PREFIX = 'EVENT#';

/** An audit event's item (not the head), as the stream sees its keys. */
export const isAuditEventKey = (pk: unknown, sk: unknown): boolean => typeof pk === 'string' && pk.startsWith('AUDIT#') && typeof sk === 'string' && sk.startsWith(AUDIT_EVENT_PREFIX);
