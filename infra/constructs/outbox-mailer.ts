import { Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { StartingPosition, type IFunction } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import { EmailIdentity, Identity } from 'aws-cdk-lib/aws-ses';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

/**
 * Notices leave through the outbox: the table's stream feeds the `stream` function, which sends
 * through SES from the configured identity; batches that keep failing land in a queue.
 */
export class OutboxMailer extends Construct {
  readonly identity: EmailIdentity;
  readonly failures: Queue;
  readonly failureAlarm: Alarm;

  constructor(scope: Construct, id: string, props: { table: ITable; sender: IFunction; mailFrom: string }) {
    super(scope, id);
    const domain = props.mailFrom.split('@')[1]!;
    this.identity = new EmailIdentity(this, 'Sender', { identity: Identity.email(props.mailFrom) });
    this.failures = new Queue(this, 'StreamFailures', {
      retentionPeriod: Duration.days(14),
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });
    props.sender.addEventSource(
      new DynamoEventSource(props.table, {
        startingPosition: StartingPosition.TRIM_HORIZON,
        batchSize: 25,
        bisectBatchOnError: true,
        reportBatchItemFailures: true,
        retryAttempts: 10,
        maxRecordAge: Duration.hours(24),
        onFailure: new SqsDlq(this.failures),
      }),
    );
    this.identity.grantSendEmail(props.sender);
    this.failureAlarm = new Alarm(this, 'FailureAlarm', {
      alarmDescription: `Stream records (notices to ${domain} recipients and others) failed after retries.`,
      metric: this.failures.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1) }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
  }
}
