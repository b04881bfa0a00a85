import * as z from 'zod/mini';
import { CONTRACTS } from '../../shared/contracts';
import { contract } from '../../shared/contracts/contract';

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

/** A request builds its own route's schemas; a cold start builds none. */
describe('a contract is built on its first read, once', () => {
  test('declaring it builds nothing; reading it builds it once; it reads like the object it built', () => {
    // Prepare
    let builds = 0;
    const declared = contract(() => {
      builds++;
      return { summary: 'Read a thing', security: 'public', body: z.strictObject({ name: z.string() }), responses: () => ({}), problems: [400], example: { status: 200, response: {} } };
    });
    expect(builds).toBe(0);

    // Act
    const read = { summary: declared.summary, has: 'body' in declared, keys: Object.keys(declared), spread: { ...declared }.problems, parsed: declared.body!.safeParse({ name: 'x' }).success };

    // Assess
    expect(read).toEqual({ summary: 'Read a thing', has: true, keys: ['summary', 'security', 'body', 'responses', 'problems', 'example'], spread: [400], parsed: true });
    expect(declared.body).toBe(declared.body);
    expect(builds).toBe(1);
  });
});
