/** The staff scope docs/openapi.json is generated with (`npm run openapi`; the dev stage's). */
export const DOCUMENTED_STAFF_SCOPE = 'support-access/agent';

/**
 * What `GET /openapi.json` serves: docs/openapi.json — generated from the contracts at build
 * time (a unit test holds it to them) and bundled as data, so no function carries the generator
 * — with the stage's staff scope wherever it names the scope. A stage's scope is one OAuth scope
 * (stage-config refuses quotes, spaces and backslashes), so it goes into the JSON text as it is.
 */
export const withStaffScope = (documentJson: string, staffScope: string): string => documentJson.split(DOCUMENTED_STAFF_SCOPE).join(staffScope);
