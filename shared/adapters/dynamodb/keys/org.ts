/** Keys of an org and its settings. */
export const orgKey = (orgId: string) => ({ pk: `ORG#${orgId}`, sk: 'ORG' });
