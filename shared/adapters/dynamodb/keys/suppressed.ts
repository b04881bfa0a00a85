/** An address SES reported bouncing or complaining: notices skip it (written by the mail-feedback function). */
export const suppressedKey = (email: string) => ({ pk: `SUPPRESSED#${email.toLowerCase()}`, sk: 'SUPPRESSED' });
