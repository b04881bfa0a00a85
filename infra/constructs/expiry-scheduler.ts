import { Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { PolicyStatement, Role, ServicePrincipal, type IGrantable } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { ScheduleGroup } from 'aws-cdk-lib/aws-scheduler';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

/**
 * One-time expiry schedules: the group they live in, the role EventBridge Scheduler assumes to
 * invoke `expire`, and the dead-letter queue for invocations that still fail after retries.
 */
export class ExpiryScheduler extends Construct {
  readonly group: ScheduleGroup;
  readonly role: Role;
  readonly deadLetterQueue: Queue;
  readonly deadLetterAlarm: Alarm;

  constructor(scope: Construct, id: string, props: { target: IFunction; stage: string }) {
    super(scope, id);
    this.group = new ScheduleGroup(this, 'Group', { scheduleGroupName: `support-access-${props.stage}` });
    this.deadLetterQueue = new Queue(this, 'DeadLetters', {
      retentionPeriod: Duration.days(14),
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });
    this.role = new Role(this, 'InvokeRole', {
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com'),
      description: 'Assumed by EventBridge Scheduler to invoke the expire function',
    });
    props.target.grantInvoke(this.role);
    this.deadLetterQueue.grantSendMessages(this.role);
    this.deadLetterAlarm = new Alarm(this, 'DeadLetterAlarm', {
      alarmDescription: 'An expiry schedule failed after all retries; a grant may be active past its time (reads still deny it).',
      metric: this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1) }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
  }

  /** Lets a function create, move and delete schedules in the group, and hand over the role. */
  grantManage(grantee: IGrantable): void {
    this.group.grantWriteSchedules(grantee);
    this.group.grantDeleteSchedules(grantee);
    grantee.grantPrincipal.addToPrincipalPolicy(new PolicyStatement({ actions: ['iam:PassRole'], resources: [this.role.roleArn] }));
  }

  /** The environment a function needs to create schedules. */
  environment(target: IFunction): Record<string, string> {
    return {
      SCHEDULE_GROUP: this.group.scheduleGroupName,
      EXPIRE_FUNCTION_ARN: target.functionArn,
      SCHEDULER_ROLE_ARN: this.role.roleArn,
      SCHEDULER_DLQ_ARN: this.deadLetterQueue.queueArn,
    };
  }
}
