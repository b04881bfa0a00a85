import {
  ConflictException,
  CreateScheduleCommand,
  DeleteScheduleCommand,
  ResourceNotFoundException,
  SchedulerClient,
  UpdateScheduleCommand,
  type CreateScheduleCommandInput,
} from '@aws-sdk/client-scheduler';
import type { ExpiryTarget, Scheduler } from '../ports/scheduler';

export interface SchedulerTargetConfig {
  groupName: string;
  /** The `expire` function. */
  targetArn: string;
  /** The role EventBridge Scheduler assumes to invoke it. */
  roleArn: string;
  deadLetterArn: string;
}

const MINUTE_MS = 60_000;

/**
 * `at()` takes whole seconds, no zone suffix (the zone goes in its own field). Scheduler's
 * precision is one minute, so the time is rounded *up* to the next whole minute: a fire is never
 * early (reads deny at the second anyway).
 */
export const atExpression = (at: Date): string => `at(${new Date(Math.ceil(at.getTime() / MINUTE_MS) * MINUTE_MS).toISOString().slice(0, 19)})`;

/**
 * EventBridge Scheduler adapter: one one-time schedule per item, deleted after it fires, with
 * retries and a dead-letter queue. Locally the same client talks to the local scheduler.
 */
export class EventBridgeScheduler implements Scheduler {
  constructor(
    private readonly client: SchedulerClient,
    private readonly config: SchedulerTargetConfig,
  ) {}

  scheduleInput(name: string, at: Date, target: ExpiryTarget): CreateScheduleCommandInput {
    return {
      Name: name,
      GroupName: this.config.groupName,
      ScheduleExpression: atExpression(at),
      ScheduleExpressionTimezone: 'UTC',
      FlexibleTimeWindow: { Mode: 'OFF' },
      ActionAfterCompletion: 'DELETE',
      Target: {
        Arn: this.config.targetArn,
        RoleArn: this.config.roleArn,
        Input: JSON.stringify(target),
        RetryPolicy: { MaximumRetryAttempts: 20, MaximumEventAgeInSeconds: 3600 },
        DeadLetterConfig: { Arn: this.config.deadLetterArn },
      },
    };
  }

  async scheduleAt(name: string, at: Date, target: ExpiryTarget): Promise<void> {
    const input = this.scheduleInput(name, at, target);
    try {
      await this.client.send(new CreateScheduleCommand(input));
    } catch (error) {
      if (!(error instanceof ConflictException)) throw error;
      await this.client.send(new UpdateScheduleCommand(input));
    }
  }

  async cancel(name: string): Promise<void> {
    try {
      await this.client.send(new DeleteScheduleCommand({ Name: name, GroupName: this.config.groupName }));
    } catch (error) {
      if (!(error instanceof ResourceNotFoundException)) throw error;
    }
  }
}
