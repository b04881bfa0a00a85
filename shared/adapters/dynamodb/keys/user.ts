/** Keys of a customer user's profile, by sign-in email. */
export const userKey = (email: string) => ({ pk: `USER#${email.toLowerCase()}`, sk: 'PROFILE' });

/** The user's membership in their org's partition, so an org knows its users (deleting an org). */
export const memberKey = (orgId: string, email: string) => ({ pk: `ORG#${orgId}`, sk: `MEMBER#${email.toLowerCase()}` });
