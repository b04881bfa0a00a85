/** Keys of an org and its settings. */
export const orgKey = (orgId: string) => ({ pk: `ORG#${orgId}`, sk: 'ORG' });

export const orgPartition = (orgId: string) => `ORG#${orgId}`;

/** An org's deletion job: outside the org's partition, so it outlives the data it removes. */
export const deletionKey = (orgId: string) => ({ pk: `DELETION#${orgId}`, sk: 'JOB' });

/** Names are unique ignoring case and spacing: "Acme  Inc" and "acme inc" are the same org. */
export const normalizeOrgName = (name: string) => name.trim().replace(/\s+/g, ' ').toLowerCase();

/** The platform's org directory: one item per org, keyed by its normalized name (uniqueness, listing). */
export const ORG_DIRECTORY = 'ORGS';
export const orgNameKey = (name: string) => ({ pk: ORG_DIRECTORY, sk: `NAME#${normalizeOrgName(name)}` });
