/** Keys of a customer product's credentials, found by client id when the product authenticates. */
export const productClientKey = (clientId: string) => ({ pk: `CLIENT#${clientId}`, sk: 'CLIENT' });

/** The org's pointer to its product credentials, so an org knows its clients (deleting an org). */
export const productClientRefKey = (orgId: string, clientId: string) => ({ pk: `ORG#${orgId}`, sk: `CLIENTREF#${clientId}` });
