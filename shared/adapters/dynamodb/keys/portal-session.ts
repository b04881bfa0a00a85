/** A portal sign-in lives in its user's partition, beside the profile: one BatchGetItem reads both. */
export const PORTAL_SESSION_PREFIX = 'PSESSION#';
export const portalSessionKey = (email: string, sid: string) => ({ pk: `USER#${email.toLowerCase()}`, sk: `${PORTAL_SESSION_PREFIX}${sid}` });
