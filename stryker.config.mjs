/**
 * Mutation testing of the domain and the security-relevant HTTP pieces (`npm run mutation`; not
 * part of `npm test`). Incremental: a re-run only tests mutants whose code or tests changed.
 * Mutants judged equivalent are listed, each with its reason, in test/mutation/equivalent.md.
 */
export default {
  packageManager: 'npm',
  testRunner: 'jest',
  testRunnerNodeArgs: ['--experimental-vm-modules'],
  jest: { projectType: 'custom', configFile: 'jest.mutation.config.mjs', enableFindRelatedTests: true },
  checkers: ['typescript'],
  // The checker type-checks each mutant: a program of the domain, the HTTP pieces and the unit tests
  // (not the CDK app or the stack tests) is half the work and catches the same compile errors.
  tsconfigFile: 'tsconfig.mutation.json',
  typescriptChecker: { prioritizePerformanceOverAccuracy: true },
  mutate: [
    'shared/domain/**/*.ts',
    'shared/http/portal-session.ts',
    'shared/http/signed-cookie.ts',
    'shared/http/redirects.ts',
    'shared/http/basic-auth.ts',
  ],
  coverageAnalysis: 'perTest',
  incremental: true,
  incrementalFile: 'reports/mutation/stryker-incremental.json',
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  thresholds: { high: 90, low: 80, break: null },
  concurrency: 2,
  timeoutMS: 10000,
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
  ignorePatterns: ['.data', '.test-data', '.screenshots-data', 'cdk.out', 'reports', 'docs'],
};
