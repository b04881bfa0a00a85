import { join } from 'node:path';
import { startLocalStack } from './local-stack';
import { TEST_ENV } from './stack-config';

/**
 * Starts the real local stack once for every test file (DynamoDB Local, SES emulator, OIDC,
 * scheduler, stream poller, gateway) with a fresh data folder; its output goes to a log file.
 */
export default async function globalSetup(): Promise<void> {
  if (process.env.SA_TEST_STACK === 'off') return;
  (globalThis as { __stack?: unknown }).__stack = await startLocalStack(TEST_ENV, join(TEST_ENV.SA_DATA_DIR, '..', 'stack.log'));
}
