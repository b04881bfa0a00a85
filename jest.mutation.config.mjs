/**
 * The fast tests Stryker runs against each mutant (`npm run mutation`): the unit project alone,
 * no local stack. `rootDir` stays unset on purpose: Stryker runs in a sandbox copy, and a rootDir
 * pointing back at the checkout would silently test the unmutated code.
 */
export default {
  testMatch: ['<rootDir>/test/unit/**/*.test.ts'],
  // The OpenAPI document's lint and freshness say nothing about the domain's behaviour.
  testPathIgnorePatterns: ['/node_modules/', '/test/unit/openapi\\.test\\.ts$'],
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'es6' } }] },
  testEnvironment: 'node',
};
