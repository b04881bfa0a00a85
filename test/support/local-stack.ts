import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Starts the real local stack (`npm start`'s entry) as a child process with a fresh data folder,
 * its output in a log file; resolves once the banner says it is running.
 */
export async function startLocalStack(env: { SA_DATA_DIR: string } & Record<string, string>, logPath: string): Promise<ChildProcess> {
  rmSync(env.SA_DATA_DIR, { recursive: true, force: true });
  mkdirSync(join(env.SA_DATA_DIR, '..'), { recursive: true });
  const log = createWriteStream(logPath);
  const child = spawn(join('node_modules', '.bin', 'tsx'), ['infra/local/start.ts'], {
    env: { ...process.env, ...env, NODE_OPTIONS: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
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
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`The local stack exited (${code}) before it was ready:\n${output.slice(-2000)}`));
    });
  });
  return child;
}

/** Stops it and waits until every child process of it has exited. */
export async function stopLocalStack(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null) return;
  await new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}
