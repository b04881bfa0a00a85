import { ConflictException, CreateScheduleCommand, DeleteScheduleCommand, ResourceNotFoundException, SchedulerClient, UpdateScheduleCommand } from '@aws-sdk/client-scheduler';
import { mockClient } from 'aws-sdk-client-mock';
import { atExpression, EventBridgeScheduler } from '../../shared/adapters/scheduler';

describe('the EventBridge Scheduler adapter', () => {
  const mock = mockClient(SchedulerClient);
  const config = {
    groupName: 'support-access-prod',
    targetArn: 'arn:aws:lambda:eu-west-1:123456789012:function:support-access-prod-expire',
    roleArn: 'arn:aws:iam::123456789012:role/scheduler',
    deadLetterArn: 'arn:aws:sqs:eu-west-1:123456789012:dlq',
  };
  const scheduler = new EventBridgeScheduler(new SchedulerClient({ region: 'eu-west-1' }), config);
  const at = new Date('2026-03-01T12:30:05.000Z');

  beforeEach(() => mock.reset());

  test('at() is rounded up to the next whole minute (Scheduler fires to the minute, never early), without a zone suffix', () => {
    expect(atExpression(at)).toBe('at(2026-03-01T12:31:00)');
    expect(atExpression(new Date('2026-03-01T12:31:00.000Z'))).toBe('at(2026-03-01T12:31:00)');
    // A request expiry with milliseconds just past a minute still moves to the next one.
    expect(atExpression(new Date('2026-03-01T12:31:00.001Z'))).toBe('at(2026-03-01T12:32:00)');
    expect(atExpression(new Date('2026-12-31T23:59:59.999Z'))).toBe('at(2027-01-01T00:00:00)');
  });

  test('creates a one-time schedule named after the grant, deleted after it fires, with retries and a DLQ', async () => {
    mock.on(CreateScheduleCommand).resolves({ ScheduleArn: 'arn' });
    await scheduler.scheduleAt('grant-g1', at, { type: 'grant', orgId: 'o1', id: 'g1' });
    expect(mock.commandCalls(CreateScheduleCommand)[0]!.args[0].input).toEqual({
      Name: 'grant-g1',
      GroupName: 'support-access-prod',
      ScheduleExpression: 'at(2026-03-01T12:31:00)',
      ScheduleExpressionTimezone: 'UTC',
      FlexibleTimeWindow: { Mode: 'OFF' },
      ActionAfterCompletion: 'DELETE',
      Target: {
        Arn: config.targetArn,
        RoleArn: config.roleArn,
        Input: '{"type":"grant","orgId":"o1","id":"g1"}',
        RetryPolicy: { MaximumRetryAttempts: 20, MaximumEventAgeInSeconds: 3600 },
        DeadLetterConfig: { Arn: config.deadLetterArn },
      },
    });
  });

  test('moves an existing schedule with UpdateSchedule', async () => {
    mock.on(CreateScheduleCommand).rejects(new ConflictException({ message: 'exists', Message: 'exists', $metadata: {} }));
    mock.on(UpdateScheduleCommand).resolves({ ScheduleArn: 'arn' });
    await scheduler.scheduleAt('grant-g1', at, { type: 'grant', orgId: 'o1', id: 'g1' });
    expect(mock.commandCalls(UpdateScheduleCommand)[0]!.args[0].input.ScheduleExpression).toBe('at(2026-03-01T12:31:00)');
  });

  test('cancelling deletes it in its group; one already gone is fine, other errors are not', async () => {
    mock.on(DeleteScheduleCommand).resolvesOnce({}).rejectsOnce(new ResourceNotFoundException({ message: 'gone', Message: 'gone', $metadata: {} })).rejects(new Error('throttled'));
    await scheduler.cancel('grant-g1');
    await scheduler.cancel('grant-g1');
    await expect(scheduler.cancel('grant-g1')).rejects.toThrow('throttled');
    expect(mock.commandCalls(DeleteScheduleCommand)[0]!.args[0].input).toEqual({ Name: 'grant-g1', GroupName: 'support-access-prod' });
  });
});
