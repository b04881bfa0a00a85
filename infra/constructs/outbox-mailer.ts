import { Duration } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { StartingPosition, type IFunction } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import { EmailIdentity, Identity } from 'aws-cdk-lib/aws-ses';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { acknowledge } from './acknowledge';

/**
 * Notices leave through the outbox: the table's stream feeds the `stream` function, which sends
 * through SES from the configured identity; batches that keep failing land in a queue.
 */
export class OutboxMailer extends Construct {
  readonly identity: EmailIdentity;
  readonly failures: Queue;

  /**
   * With `mailDomain` the whole domain is verified (Easy DKIM: publish the three CNAMEs the
   * console shows); otherwise the single address (SES emails it a verification link).
   */
  private readonly table: ITable;

  constructor(scope: Construct, id: string, props: { table: ITable; mailFrom: string; mailDomain?: string }) {
    super(scope, id);
    this.identity = new EmailIdentity(this, 'Sender', { identity: props.mailDomain ? Identity.domain(props.mailDomain) : Identity.email(props.mailFrom) });
    this.failures = new Queue(this, 'StreamFailures', {
      retentionPeriod: Duration.days(14),
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });
    this.table = props.table;
    acknowledge(this.failures, { 'AwsSolutions-SQS3': "This queue is the stream event source's on-failure destination (its dead-letter queue)." });
  }

  /** Makes `sender` the mailer: the table stream as its event source, and SES send from the identity. */
  connect(sender: IFunction): void {
    sender.addEventSource(
      new DynamoEventSource(this.table, {
        startingPosition: StartingPosition.TRIM_HORIZON,
        batchSize: 25,
        bisectBatchOnError: true,
        reportBatchItemFailures: true,
        retryAttempts: 10,
        maxRecordAge: Duration.hours(24),
        onFailure: new SqsDlq(this.failures),
      }),
    );
    this.identity.grantSendEmail(sender);
  }
}
