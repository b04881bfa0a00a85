/** Keys of an org's hash-chained audit trail: a head item and zero-padded sequence numbers. */
export const auditPartition = (orgId: string) => `AUDIT#${orgId}`;
export const auditHeadKey = (orgId: string) => ({ pk: auditPartition(orgId), sk: 'HEAD' });
export const auditEventKey = (orgId: string, seq: number) => ({
  pk: auditPartition(orgId),
  sk: `EVENT#${String(seq).padStart(12, '0')}`,
});
export const AUDIT_EVENT_PREFIX = 'EVENT#';
