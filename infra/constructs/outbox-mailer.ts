import { CfnOutput, Duration } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { StartingPosition, type IFunction } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SnsEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import { ConfigurationSet, EmailIdentity, EmailSendingEvent, EventDestination, Identity } from 'aws-cdk-lib/aws-ses';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { acknowledge } from './acknowledge';
import { STREAM_EVENT_SOURCE } from '../config/stream-event-source';

/**
 * Notices leave through the outbox: the table's stream feeds the `stream` function, which sends
 * through SES from the configured identity and configuration set; batches the stream gives up on
 * land in a queue (and the sweep re-drives their notices). SES's bounce and complaint events go
 * to an SNS topic that the mail-feedback function turns into suppressed addresses.
 */
export class OutboxMailer extends Construct {
  readonly identity: EmailIdentity;
  readonly configurationSet: ConfigurationSet;
  readonly feedback: Topic;
  readonly failures: Queue;
  private readonly table: ITable;

  /**
   * With `mailDomain` the whole domain is verified (Easy DKIM: the three CNAME records are stack
   * outputs to publish); otherwise the single address (SES emails it a verification link).
   */
  constructor(scope: Construct, id: string, props: { table: ITable; mailFrom: string; mailDomain?: string }) {
    super(scope, id);
    this.table = props.table;
    const key = new Key(this, 'FeedbackKey', { description: 'Encrypts SES bounce and complaint notifications', enableKeyRotation: true });
    // SES publishes bounce and complaint events to the encrypted topic.
    key.grant(new ServicePrincipal('ses.amazonaws.com'), 'kms:Decrypt', 'kms:GenerateDataKey');
    this.feedback = new Topic(this, 'Feedback', { displayName: 'Support Access mail bounces and complaints', masterKey: key, enforceSSL: true });
    this.configurationSet = new ConfigurationSet(this, 'Events');
    this.configurationSet.addEventDestination('BouncesAndComplaints', {
      destination: EventDestination.snsTopic(this.feedback),
      events: [EmailSendingEvent.BOUNCE, EmailSendingEvent.COMPLAINT],
    });
    this.identity = new EmailIdentity(this, 'Sender', {
      identity: props.mailDomain ? Identity.domain(props.mailDomain) : Identity.email(props.mailFrom),
      configurationSet: this.configurationSet,
    });
    if (props.mailDomain) {
      this.identity.dkimRecords.forEach((record, i) => {
        new CfnOutput(this, `DkimRecord${i + 1}`, { value: `${record.name} CNAME ${record.value}`, description: `Publish in ${props.mailDomain}'s DNS so SES can verify the domain (Easy DKIM)` });
      });
    }
    this.failures = new Queue(this, 'StreamFailures', {
      retentionPeriod: Duration.days(14),
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });
    acknowledge(this.failures, { 'AwsSolutions-SQS3': "This queue is the stream event source's on-failure destination (its dead-letter queue)." });
  }

  /** The table stream as the function's event source, with the declared batch, retry and failure settings. */
  feed(sender: IFunction): void {
    sender.addEventSource(
      new DynamoEventSource(this.table, {
        startingPosition: StartingPosition.TRIM_HORIZON,
        batchSize: STREAM_EVENT_SOURCE.batchSize,
        bisectBatchOnError: STREAM_EVENT_SOURCE.bisectBatchOnError,
        reportBatchItemFailures: STREAM_EVENT_SOURCE.reportBatchItemFailures,
        retryAttempts: STREAM_EVENT_SOURCE.retryAttempts,
        maxRecordAge: Duration.seconds(STREAM_EVENT_SOURCE.maxRecordAgeSeconds),
        onFailure: new SqsDlq(this.failures),
      }),
    );
  }

  /** SES send from the identity (with the configuration set); tells the function which set to use. */
  grantSend(sender: IFunction & { addEnvironment(k: string, v: string): unknown }): void {
    this.identity.grantSendEmail(sender);
    sender.addEnvironment('MAIL_CONFIGURATION_SET', this.configurationSet.configurationSetName);
  }

  /** Subscribes the function to SES's bounce and complaint notifications. */
  subscribe(handler: IFunction): void {
    handler.addEventSource(new SnsEventSource(this.feedback));
  }
}
