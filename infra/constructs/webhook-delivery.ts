import { Duration } from 'aws-cdk-lib';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { acknowledge } from './acknowledge';
import { WEBHOOK_QUEUE } from '../config/webhook-queue';

type Fn = IFunction & { addEnvironment(k: string, v: string): unknown };

/**
 * Webhook delivery: the signing secrets' KMS key (portal seals, the sender opens, each bound to its
 * org and endpoint by the encryption context), and the FIFO queue between the stream and the
 * sender with its dead-letter queue, all configured from `WEBHOOK_QUEUE`.
 */
export class WebhookDelivery extends Construct {
  readonly key: Key;
  readonly queue: Queue;
  readonly deadLetters: Queue;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.key = new Key(this, 'SecretsKey', { description: 'Seals webhook signing secrets (encryption context: org and endpoint)', enableKeyRotation: true });
    this.deadLetters = new Queue(this, 'DeadLetters', {
      fifo: true,
      retentionPeriod: Duration.days(14),
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });
    acknowledge(this.deadLetters, { 'AwsSolutions-SQS3': 'This queue is the webhook queue\'s dead-letter queue.' });
    this.queue = new Queue(this, 'Deliveries', {
      fifo: true,
      contentBasedDeduplication: false,
      visibilityTimeout: Duration.seconds(WEBHOOK_QUEUE.visibilityTimeoutSeconds),
      retentionPeriod: Duration.seconds(WEBHOOK_QUEUE.retentionSeconds),
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      deadLetterQueue: { queue: this.deadLetters, maxReceiveCount: WEBHOOK_QUEUE.maxReceiveCount },
    });
  }

  /** Encrypt under the secrets key (adding an endpoint). */
  grantSeal(fn: Fn): void {
    this.key.grant(fn, 'kms:Encrypt');
    fn.addEnvironment('WEBHOOK_KEY_ID', this.key.keyArn);
  }

  /** Decrypt under the secrets key (signing a delivery). */
  grantOpen(fn: Fn): void {
    this.key.grant(fn, 'kms:Decrypt');
    fn.addEnvironment('WEBHOOK_KEY_ID', this.key.keyArn);
  }

  grantSend(fn: Fn): void {
    this.queue.grantSendMessages(fn);
    fn.addEnvironment('WEBHOOK_QUEUE_URL', this.queue.queueUrl);
  }

  /** The queue as the function's event source (partial batch responses); it also hides a failed message for its backoff. */
  feed(fn: Fn): void {
    fn.addEventSource(new SqsEventSource(this.queue, { batchSize: WEBHOOK_QUEUE.batchSize, reportBatchItemFailures: true }));
    fn.addEnvironment('WEBHOOK_QUEUE_URL', this.queue.queueUrl);
  }
}
