import { sweep } from '../shared/domain/sweep';
import { grantDepsFromEnv, log } from '../shared/adapters/runtime';

const deps = grantDepsFromEnv();

/** Runs on a fixed schedule (an EventBridge rule in AWS, a timer locally): expires what is overdue. */
export async function handler(): Promise<{ found: number; expired: number }> {
  const result = await sweep(deps);
  if (result.found) log.info('sweep', result);
  return result;
}
