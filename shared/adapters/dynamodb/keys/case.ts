/** Keys of a support case, under its org. */
export const caseKey = (orgId: string, caseId: string) => ({ pk: `ORG#${orgId}`, sk: `CASE#${caseId}` });
export const CASE_PREFIX = 'CASE#';
