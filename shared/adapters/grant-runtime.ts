import { requireEnv } from '../config';
import type { GrantDeps } from '../domain/grant-service';
import { loadedOnFirstUse } from './lazy';
import { readDepsFromEnv } from './runtime';
import { clientConfig } from './time-budget';

/**
 * The dependencies of grant operations, wired from the environment once per cold start. The
 * scheduler's client loads on the first change that schedules (reads never do); every variable
 * is still read here, at cold start.
 */
export function grantDepsFromEnv(): GrantDeps {
  const config = {
    groupName: requireEnv('SCHEDULE_GROUP'),
    targetArn: requireEnv('EXPIRE_FUNCTION_ARN'),
    roleArn: requireEnv('SCHEDULER_ROLE_ARN'),
    deadLetterArn: requireEnv('SCHEDULER_DLQ_ARN'),
  };
  return {
    ...readDepsFromEnv(),
    scheduler: loadedOnFirstUse(async () => {
      const [{ SchedulerClient }, { EventBridgeScheduler }] = await Promise.all([import('@aws-sdk/client-scheduler'), import('./scheduler')]);
      return new EventBridgeScheduler(new SchedulerClient(clientConfig('scheduler')), config);
    }),
  };
}
