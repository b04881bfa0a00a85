import { createHash, randomUUID } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { WEBHOOK_QUEUE } from '../config/webhook-queue';
import { FUNCTION_PERMISSIONS } from '../config/function-permissions';
import type { Clock } from '../../shared/domain/clock';
import type { Handler } from './functions';
import { lambdaContext } from './lambda-context';
import { readJson } from './scheduler';

interface StoredMessage {
  messageId: string;
  body: string;
  groupId: string;
  dedupId: string;
  sequenceNumber: string;
  sentAt: number;
  /** Stack-clock ms from which it may be received (a received message is invisible until then). */
  visibleAt: number;
  receiveCount: number;
  firstReceivedAt?: number;
  receiptHandle?: string;
}

class SqsError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

/**
 * A local stand-in for an SQS FIFO queue and Lambda's event source mapping on it, behind the SQS
 * JSON API the SDK speaks (SendMessage, ChangeMessageVisibility, DeleteMessage), as strict as
 * the service where a difference could hide a bug:
 * - FIFO: a message group is held while any of its messages is invisible (received, or hidden for
 *   its backoff), so a group's messages are handed over in order, one group never holds another;
 * - MessageGroupId and MessageDeduplicationId are required, bodies are at most 256 KiB, a repeated
 *   deduplication id within 5 minutes is accepted and dropped, per-message delays are refused;
 * - batches of `batchSize`; messages the function reports failed (or all, when it fails or outlives
 *   its timeout) stay and reappear after the visibility timeout or what ChangeMessageVisibility
 *   set (0–12 hours, only while the message is in flight); a message received `maxReceiveCount`
 *   times goes to the dead-letter file; one older than the retention period is dropped;
 * - on the stack clock, so a test moves time to the next retry instead of waiting for it.
 * Messages are kept under the data folder across restarts.
 */
export class LocalFifoQueue {
  private messages: StoredMessage[] = [];
  private readonly dedup = new Map<string, { at: number; messageId: string }>();
  private sequence = 0;
  private inFlight = 0;
  private readonly file: string;
  private readonly deadLetters: string;
  readonly invocations: { at: string; messages: number; failed: number; error?: string }[] = [];

  constructor(
    dataDir: string,
    readonly name: string,
    private readonly handler: Handler,
    private readonly clock: Clock,
    private readonly log: (line: string) => void = () => undefined,
    private readonly maxConcurrency = 5,
  ) {
    const dir = join(dataDir, 'queues');
    mkdirSync(dir, { recursive: true });
    this.file = join(dir, `${name}.json`);
    this.deadLetters = join(dir, `${name}.dead-letters.jsonl`);
    if (existsSync(this.file)) {
      const saved = JSON.parse(readFileSync(this.file, 'utf8')) as { messages: StoredMessage[]; sequence: number };
      this.messages = saved.messages;
      this.sequence = saved.sequence;
    }
  }

  /** Messages waiting or in flight (tests and the banner). */
  depth(): { visible: number; invisible: number } {
    const now = this.clock.now().getTime();
    const visible = this.messages.filter((m) => m.visibleAt <= now).length;
    return { visible, invisible: this.messages.length - visible };
  }

  send(input: Record<string, unknown>): { MessageId: string; MD5OfMessageBody: string; SequenceNumber: string } {
    const body = input.MessageBody;
    if (typeof body !== 'string' || !body) throw new SqsError('com.amazonaws.sqs#MissingParameter', 'The request must contain the parameter MessageBody.');
    if (Buffer.byteLength(body) > WEBHOOK_QUEUE.maxMessageBytes) throw new SqsError('com.amazonaws.sqs#InvalidParameterValue', `One or more parameters are invalid. Reason: Message must be shorter than ${WEBHOOK_QUEUE.maxMessageBytes} bytes.`);
    if (typeof input.MessageGroupId !== 'string' || !input.MessageGroupId) throw new SqsError('com.amazonaws.sqs#MissingParameter', 'The request must contain the parameter MessageGroupId.');
    if (!/^[!-~]{1,128}$/.test(input.MessageGroupId)) throw new SqsError('com.amazonaws.sqs#InvalidParameterValue', 'MessageGroupId can contain up to 128 alphanumeric and punctuation characters.');
    if (typeof input.MessageDeduplicationId !== 'string' || !input.MessageDeduplicationId) {
      throw new SqsError('com.amazonaws.sqs#InvalidParameterValue', 'The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly');
    }
    if (!/^[!-~]{1,128}$/.test(input.MessageDeduplicationId)) throw new SqsError('com.amazonaws.sqs#InvalidParameterValue', 'MessageDeduplicationId can contain up to 128 alphanumeric and punctuation characters.');
    if (input.DelaySeconds !== undefined) throw new SqsError('com.amazonaws.sqs#InvalidParameterValue', 'Value for parameter DelaySeconds is invalid. Reason: The request include parameter that is not valid for this queue type.');
    const now = this.clock.now().getTime();
    const md5 = createHash('md5').update(body).digest('hex');
    const seen = this.dedup.get(input.MessageDeduplicationId);
    if (seen && now - seen.at < WEBHOOK_QUEUE.deduplicationSeconds * 1000) return { MessageId: seen.messageId, MD5OfMessageBody: md5, SequenceNumber: String(this.sequence) };
    const message: StoredMessage = {
      messageId: randomUUID(),
      body,
      groupId: input.MessageGroupId,
      dedupId: input.MessageDeduplicationId,
      sequenceNumber: String(++this.sequence).padStart(20, '0'),
      sentAt: now,
      visibleAt: now,
      receiveCount: 0,
    };
    this.dedup.set(message.dedupId, { at: now, messageId: message.messageId });
    this.messages.push(message);
    this.persist();
    return { MessageId: message.messageId, MD5OfMessageBody: md5, SequenceNumber: message.sequenceNumber };
  }

  changeVisibility(receiptHandle: unknown, seconds: unknown): void {
    if (typeof seconds !== 'number' || !Number.isInteger(seconds) || seconds < 0 || seconds > WEBHOOK_QUEUE.maxVisibilitySeconds) {
      throw new SqsError('com.amazonaws.sqs#InvalidParameterValue', `Value ${String(seconds)} for parameter VisibilityTimeout is invalid. Reason: Must be between 0 and ${WEBHOOK_QUEUE.maxVisibilitySeconds}.`);
    }
    const message = this.messages.find((m) => m.receiptHandle === receiptHandle);
    if (!message) throw new SqsError('com.amazonaws.sqs#ReceiptHandleIsInvalid', 'The input receipt handle is invalid.');
    const now = this.clock.now().getTime();
    if (message.visibleAt <= now) throw new SqsError('com.amazonaws.sqs#MessageNotInflight', 'The message referred to is not in flight.');
    message.visibleAt = now + seconds * 1000;
    this.persist();
  }

  delete(receiptHandle: unknown): void {
    const before = this.messages.length;
    this.messages = this.messages.filter((m) => m.receiptHandle !== receiptHandle);
    if (before === this.messages.length) throw new SqsError('com.amazonaws.sqs#ReceiptHandleIsInvalid', 'The input receipt handle is invalid.');
    this.persist();
  }

  /** Hands due messages to the function (without waiting for it): one batch per free slot. */
  async tick(): Promise<void> {
    this.expireOld();
    while (this.inFlight < this.maxConcurrency) {
      const batch = this.receive();
      if (!batch.length) return;
      this.inFlight++;
      void this.invoke(batch).finally(() => {
        this.inFlight--;
        void this.tick();
      });
    }
  }

  /** Waits until nothing is due or in flight (tests). */
  async settle(timeoutMs = 30_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (Date.now() < until) {
      await this.tick();
      if (!this.inFlight && !this.receivable().length) return;
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  private expireOld() {
    const now = this.clock.now().getTime();
    const old = this.messages.filter((m) => now - m.sentAt > WEBHOOK_QUEUE.retentionSeconds * 1000);
    if (!old.length) return;
    this.messages = this.messages.filter((m) => !old.includes(m));
    this.log(`queue ${this.name}: ${old.length} message(s) past the retention period dropped`);
    this.persist();
  }

  /** The head of each group with nothing invisible, in order. */
  private receivable(): StoredMessage[] {
    const now = this.clock.now().getTime();
    const held = new Set(this.messages.filter((m) => m.visibleAt > now).map((m) => m.groupId));
    return this.messages.filter((m) => !held.has(m.groupId) && (held.add(m.groupId), true));
  }

  /** Up to a batch of group heads, now in flight (a message received too often goes to the dead letters instead). */
  private receive(): StoredMessage[] {
    const now = this.clock.now().getTime();
    const batch: StoredMessage[] = [];
    for (const m of this.receivable()) {
      if (batch.length >= WEBHOOK_QUEUE.batchSize) break;
      if (m.receiveCount >= WEBHOOK_QUEUE.maxReceiveCount) {
        appendFileSync(this.deadLetters, `${JSON.stringify({ ...m, deadLetteredAt: new Date(now).toISOString() })}\n`);
        this.messages = this.messages.filter((x) => x !== m);
        this.log(`queue ${this.name}: ${m.messageId} received ${m.receiveCount} times, moved to the dead-letter queue`);
        continue;
      }
      m.receiveCount++;
      m.firstReceivedAt ??= now;
      m.receiptHandle = randomUUID();
      m.visibleAt = now + WEBHOOK_QUEUE.visibilityTimeoutSeconds * 1000;
      batch.push(m);
    }
    if (batch.length) this.persist();
    return batch;
  }

  private async invoke(batch: StoredMessage[]): Promise<void> {
    const event: SQSEvent = { Records: batch.map((m) => this.record(m)) };
    const timeoutMs = FUNCTION_PERMISSIONS.webhooks.timeoutSeconds * 1000;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`Task timed out after ${timeoutMs / 1000} seconds`)), timeoutMs);
    });
    const handles = new Set(batch.map((m) => m.receiptHandle));
    try {
      const result = (await Promise.race([this.handler(event, lambdaContext('webhooks', timeoutMs)), timeout])) as SQSBatchResponse | undefined;
      const failed = new Set((result?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
      this.messages = this.messages.filter((m) => !(handles.has(m.receiptHandle) && !failed.has(m.messageId)));
      this.invocations.push({ at: this.clock.now().toISOString(), messages: batch.length, failed: failed.size });
    } catch (error) {
      // The whole batch stays; each message reappears after its visibility timeout.
      this.invocations.push({ at: this.clock.now().toISOString(), messages: batch.length, failed: batch.length, error: String(error) });
      this.log(`queue ${this.name}: the function failed: ${String(error)}`);
    } finally {
      clearTimeout(timer);
      this.persist();
    }
  }

  private record(m: StoredMessage): SQSRecord {
    return {
      messageId: m.messageId,
      receiptHandle: m.receiptHandle!,
      body: m.body,
      attributes: {
        ApproximateReceiveCount: String(m.receiveCount),
        SentTimestamp: String(m.sentAt),
        SenderId: 'local',
        ApproximateFirstReceiveTimestamp: String(m.firstReceivedAt),
        MessageGroupId: m.groupId,
        MessageDeduplicationId: m.dedupId,
        SequenceNumber: m.sequenceNumber,
      },
      messageAttributes: {},
      md5OfBody: createHash('md5').update(m.body).digest('hex'),
      eventSource: 'aws:sqs',
      eventSourceARN: `arn:aws:sqs:us-east-1:000000000000:${this.name}`,
      awsRegion: 'us-east-1',
    };
  }

  private persist() {
    writeFileSync(this.file, JSON.stringify({ messages: this.messages, sequence: this.sequence }));
  }

  /** The SQS JSON API (`X-Amz-Target: AmazonSQS.<Action>`) for this one queue. */
  createServer(): Server {
    return createServer((req, res) => {
      this.route(req, res).catch((error: unknown) => {
        const e = error instanceof SqsError ? error : new SqsError('com.amazonaws.sqs#InternalError', String(error), 500);
        res.writeHead(e.status, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-query-error': `${e.type.split('#')[1]};Sender` }).end(JSON.stringify({ __type: e.type, message: e.message }));
      });
    });
  }

  private async route(req: IncomingMessage, res: ServerResponse) {
    const action = String(req.headers['x-amz-target'] ?? '').replace(/^AmazonSQS\./, '');
    const input = await readJson(req);
    if (input.QueueUrl !== undefined && !String(input.QueueUrl).endsWith(`/${this.name}`)) throw new SqsError('com.amazonaws.sqs#QueueDoesNotExist', 'The specified queue does not exist.');
    const ok = (body: unknown) => res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' }).end(JSON.stringify(body));
    switch (action) {
      case 'SendMessage':
        return ok(this.send(input));
      case 'ChangeMessageVisibility':
        this.changeVisibility(input.ReceiptHandle, input.VisibilityTimeout);
        return ok({});
      case 'DeleteMessage':
        this.delete(input.ReceiptHandle);
        return ok({});
      default:
        throw new SqsError('com.amazonaws.sqs#UnsupportedOperation', `The local queue does not support ${action || 'this request'}.`);
    }
  }
}
