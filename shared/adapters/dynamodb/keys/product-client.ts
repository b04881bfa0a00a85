/** Keys of a customer product's credentials, found by client id when the product authenticates. */
export const productClientKey = (clientId: string) => ({ pk: `CLIENT#${clientId}`, sk: 'CLIENT' });
