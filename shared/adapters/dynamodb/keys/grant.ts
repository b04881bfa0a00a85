import { createHash } from 'node:crypto';
import { EXPIRY_SHARDS } from '../table-definition';

/** Keys of a grant: under its org, plus the sparse "active" index keys while it is active. */
export const grantKey = (orgId: string, grantId: string) => ({ pk: `ORG#${orgId}`, sk: `GRANT#${grantId}` });

export const activeGrantsOfOrg = (orgId: string) => `ORG#${orgId}#ACTIVE`;

/** The partition of the sparse active-by-expiry index numbered `shard` (0 to EXPIRY_SHARDS − 1). */
export const expiryShardKey = (shard: number) => `EXPIRY#${shard}`;

/** The active-by-expiry partition an item (grant, request, notice, deletion) falls in, by its id. */
export const expiryShard = (id: string) => expiryShardKey(createHash('sha1').update(id).digest().readUInt8(0) % EXPIRY_SHARDS);

/** An ended grant whose sessions are still to end: due for the sweep at once (its end is past). */
export const pendingSessionsIndexKeys = (orgId: string, grantId: string, endedAt: string) => ({
  gsi2pk: expiryShard(grantId),
  gsi2sk: `${endedAt}#SESSIONS#${orgId}#${grantId}`,
});

export const activeGrantIndexKeys = (orgId: string, grantId: string, expiresAt: string) => ({
  gsi1pk: activeGrantsOfOrg(orgId),
  gsi1sk: `${expiresAt}#${grantId}`,
  gsi2pk: expiryShard(grantId),
  gsi2sk: `${expiresAt}#GRANT#${orgId}#${grantId}`,
});
