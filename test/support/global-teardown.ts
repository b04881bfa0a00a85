import type { ChildProcess } from 'node:child_process';
import { stopLocalStack } from './local-stack';

/** Stops the local stack and waits until every child process of it has exited. */
export default async function globalTeardown(): Promise<void> {
  await stopLocalStack((globalThis as { __stack?: ChildProcess }).__stack);
}
