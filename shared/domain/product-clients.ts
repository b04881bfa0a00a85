import { createHash, timingSafeEqual } from 'node:crypto';
import { UnauthenticatedError } from './errors';
import type { ProductClient } from './model';
import type { Store } from '../ports/store';

/**
 * The customer product's credentials (for introspection and activity reports), one pair per org,
 * created when the org is provisioned. The secret is 256 random bits, so a SHA-256 of it is a safe
 * stored form; the secret itself is shown once.
 */
export const hashSecret = (secret: string): string => createHash('sha256').update(secret).digest('hex');

export function newProductClient(orgId: string, secret: string, now: Date, suffix: string): ProductClient {
  return { clientId: `${orgId}.product.${suffix}`, orgId, secretHash: hashSecret(secret), createdAt: now.toISOString() };
}

/** 401, the same for missing, unknown and wrong credentials. */
export function productRefused(): never {
  throw new UnauthenticatedError('The product credentials are missing or wrong: send HTTP Basic with the client id and secret issued for the org.');
}

export interface ProductCredentials {
  clientId: string;
  secret: string;
}

/** The client, when the credentials are its own; otherwise 401 (missing, unknown or wrong alike). */
export function credentialsMatch(client: ProductClient | undefined, credentials: ProductCredentials | undefined): ProductClient {
  if (!credentials || !client || !timingSafeEqual(Buffer.from(hashSecret(credentials.secret), 'hex'), Buffer.from(client.secretHash, 'hex'))) productRefused();
  return client;
}

/** The product client these credentials belong to, or 401. */
export async function authenticateProduct(store: Store, credentials: ProductCredentials | undefined): Promise<ProductClient> {
  if (!credentials) productRefused();
  return credentialsMatch(await store.getProductClient(credentials.clientId), credentials);
}
