/** Keys of a customer user's profile, by sign-in email. */
export const userKey = (email: string) => ({ pk: `USER#${email.toLowerCase()}`, sk: 'PROFILE' });
