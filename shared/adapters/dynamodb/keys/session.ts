/** Keys of a "log in as" session: under its org, grouped by grant so a grant can end them all. */
export const sessionKey = (orgId: string, grantId: string, sessionId: string) => ({
  pk: `ORG#${orgId}`,
  sk: `SESSION#${grantId}#${sessionId}`,
});

export const sessionsOfGrantPrefix = (grantId: string) => `SESSION#${grantId}#`;

export const SESSION_PREFIX = 'SESSION#';

/** A session found by its id alone (an agent ends "my session"): a pointer to where it lives. */
export const sessionRefKey = (sessionId: string) => ({ pk: `SESSION#${sessionId}`, sk: 'SESSION' });
