import { stackClock, systemClock, type Clock } from '../domain/clock';
import type { GrantDeps } from '../domain/grant-service';
import { limitsFromEnv, optionalEnv, requireEnv } from '../config';
import { newId } from '../ports/ids';
import { createDocumentClient } from './dynamodb/client';
import { DynamoStore } from './dynamodb/store';
import type { Scheduler } from '../ports/scheduler';
import { logger } from './observability';

/**
 * What every function wires from its environment: the table, the clock, logs, and the read-only
 * grant dependencies. What only some functions need is wired apart (`grant-runtime.ts`,
 * `delivery-runtime.ts`, `export-runtime.ts`, `signer-runtime.ts`, `webhook-runtime.ts`,
 * `audit-archive-env.ts`): the SDK clients behind them load on first use, and esbuild bundles
 * into a function's cold-start code the SDK parts of every client whose `import()` the function
 * can reach — so a function reaches only its own.
 */

/** Structured JSON log lines (`observability.ts`); never whole events (they carry personal data). */
export const log = {
  info: (message: string, detail: Record<string, unknown> = {}) => logger.info(message, detail),
  error: (message: string, detail: Record<string, unknown> = {}) => logger.error(message, detail),
};

export const documentClient = createDocumentClient();

export function storeFromEnv(): DynamoStore {
  return new DynamoStore(documentClient, requireEnv('TABLE_NAME'));
}

/**
 * Real time in AWS. On a local test stack started with `SA_CLOCK_CONTROL=on` (never set by the
 * CDK stack; an infra test checks), the stack clock that tests move.
 */
export const clockFromEnv = (): Clock => (optionalEnv('SA_CLOCK_CONTROL') === 'on' ? stackClock : systemClock);

/** A function without the schedules binding: anything that would schedule fails loudly. */
const NO_SCHEDULER: Scheduler = {
  scheduleAt: async () => {
    throw new Error('This function has no schedules binding.');
  },
  cancel: async () => {
    throw new Error('This function has no schedules binding.');
  },
};

/** For a function that reads and appends but never schedules (the product API). */
export function readDepsFromEnv(): GrantDeps {
  return { store: storeFromEnv(), scheduler: NO_SCHEDULER, clock: clockFromEnv(), ids: newId, limits: limitsFromEnv(), log };
}
