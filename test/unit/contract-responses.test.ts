import * as z from 'zod/mini';
import { CONTRACTS } from '../../shared/contracts';

/** The schema ids registered so far (every shared response schema carries one: Grant, Case, ActiveSession…). */
const registeredIds = () => [...z.globalRegistry._idmap.keys()].sort();

/**
 * A function's cold start loads its contracts to check requests; the response schemas serve only
 * the OpenAPI document and the contract tests, so loading the contracts builds none of them.
 */
describe('response schemas are built on first use, once', () => {
  test('loading every contract builds no response schema; asking for one builds it', () => {
    // Prepare: this file has loaded all three APIs' contracts and asked nothing of them
    expect(registeredIds()).toEqual([]);

    // Act
    const introspect = CONTRACTS['POST /oauth/introspect'].responses();

    // Assess: that answer's schemas are built (with the views they share); no other contract's, nor the problem document
    expect(introspect[200]!.schema).toBeDefined();
    expect(registeredIds()).toEqual(expect.arrayContaining(['ActiveSession', 'Workspaces']));
    expect(registeredIds()).not.toEqual(expect.arrayContaining(['Jwk']));
    expect(registeredIds()).not.toEqual(expect.arrayContaining(['Problem']));
  });

  test('asking again gives the same schemas (an id is registered once)', () => {
    const contract = CONTRACTS['GET /admin/orgs/{orgId}'];

    expect(contract.responses()).toBe(contract.responses());
    expect(contract.responses()[200]!.schema).toBe(contract.responses()[200]!.schema);
  });
});
