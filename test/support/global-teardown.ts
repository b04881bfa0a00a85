import type { ChildProcess } from 'node:child_process';

/** Stops the local stack and waits until every child process of it has exited. */
export default async function globalTeardown(): Promise<void> {
  const child = (globalThis as { __stack?: ChildProcess }).__stack;
  if (!child || child.exitCode !== null) return;
  await new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}
