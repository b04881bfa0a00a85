import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { TEST_ENV } from './stack-config';

/**
 * Starts the real local stack once for every test file (DynamoDB Local, SES emulator, OIDC,
 * scheduler, stream poller, gateway) with a fresh data folder; its output goes to a log file.
 */
export default async function globalSetup(): Promise<void> {
  if (process.env.SA_TEST_STACK === 'off') return;
  rmSync(TEST_ENV.SA_DATA_DIR, { recursive: true, force: true });
  mkdirSync(join(TEST_ENV.SA_DATA_DIR, '..'), { recursive: true });
  const logPath = join(TEST_ENV.SA_DATA_DIR, '..', 'stack.log');
  const log = createWriteStream(logPath);
  const child = spawn(join('node_modules', '.bin', 'tsx'), ['infra/local/start.ts'], {
    env: { ...process.env, ...TEST_ENV, NODE_OPTIONS: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  (globalThis as { __stack?: typeof child }).__stack = child;
  await new Promise<void>((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`The local stack did not start in 90 s; see ${logPath}`)), 90_000);
    const onData = (chunk: Buffer) => {
      log.write(chunk);
      output += chunk.toString();
      if (output.includes('Support Access is running')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`The local stack exited (${code}) before it was ready:\n${output.slice(-2000)}`));
    });
  });
}
