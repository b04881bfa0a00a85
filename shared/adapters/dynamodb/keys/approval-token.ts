/** Keys of an approval link: by the SHA-256 of its token, never the token itself. */
export const approvalTokenKey = (tokenHash: string) => ({ pk: `TOKEN#${tokenHash}`, sk: 'TOKEN' });
