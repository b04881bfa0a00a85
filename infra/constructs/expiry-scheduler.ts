import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { PolicyStatement, Role, ServicePrincipal, type IGrantable } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { ScheduleGroup } from 'aws-cdk-lib/aws-scheduler';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { acknowledge } from './acknowledge';

/**
 * One-time expiry schedules: the group they live in, the role EventBridge Scheduler assumes to
 * invoke `expire`, and the dead-letter queue for invocations that still fail after retries.
 */
export class ExpiryScheduler extends Construct {
  readonly group: ScheduleGroup;
  readonly role: Role;
  readonly deadLetterQueue: Queue;
  /** Where `expire` invocations go after Lambda's async retries fail (the function's on-failure destination). */
  readonly expireFailures: Queue;

  constructor(scope: Construct, id: string, props: { target: IFunction; stage: string }) {
    super(scope, id);
    // Not retained: its one-time schedules are derived state (a redeploy's sweep expires whatever
    // came due meanwhile), and a retained group keeps its name, so a redeploy after `cdk destroy`
    // would fail with "already exists". Functions learn the name from their environment.
    this.group = new ScheduleGroup(this, 'Group', { removalPolicy: RemovalPolicy.DESTROY });
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
    // Scheduler invokes Lambda asynchronously: a failing `expire` is retried twice by Lambda (not by
    // the schedule's RetryPolicy, which covers failures to invoke) and then lands here.
    this.expireFailures = new Queue(this, 'ExpireFailures', { retentionPeriod: Duration.days(14), encryption: QueueEncryption.SQS_MANAGED, enforceSSL: true });
    acknowledge(this.expireFailures, { 'AwsSolutions-SQS3': "This queue is the expire function's on-failure destination (its dead-letter queue)." });
    props.target.configureAsyncInvoke({ retryAttempts: 2, maxEventAge: Duration.hours(6), onFailure: new SqsDestination(this.expireFailures) });
    acknowledge(this.deadLetterQueue, { 'AwsSolutions-SQS3': 'This queue is the dead-letter queue of the expiry schedules.' });
    this.deadLetterQueue.grantSendMessages(this.role);
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
