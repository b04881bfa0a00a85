import { mkdtempSync, readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { ManualClock } from '../../shared/domain/clock';
import { groupOf, SqsWebhookQueue } from '../../shared/adapters/sqs-queue';
import { WEBHOOK_QUEUE } from '../../infra/config/webhook-queue';
import { LocalFifoQueue } from '../../infra/local/queue';

const T0 = new Date('2026-05-04T09:00:00.000Z');

/** A consumer that records what it was handed and fails the bodies a test names (hiding them for `hideSeconds`). */
function consumer() {
  const seen: string[][] = [];
  const failing = new Set<string>();
  let queue: LocalFifoQueue;
  let hideSeconds: number | undefined;
  const handler = async (event: unknown): Promise<SQSBatchResponse> => {
    const records = (event as SQSEvent).Records;
    seen.push(records.map((r) => r.body));
    const failed = records.filter((r) => failing.has(r.body));
    if (hideSeconds !== undefined) for (const r of failed) queue.changeVisibility(r.receiptHandle, hideSeconds);
    return { batchItemFailures: failed.map((r) => ({ itemIdentifier: r.messageId })) };
  };
  return { seen, failing, handler, attach: (q: LocalFifoQueue) => (queue = q), hideFor: (s: number) => (hideSeconds = s) };
}

function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'queue-'));
  const clock = new ManualClock(T0);
  const c = consumer();
  const queue = new LocalFifoQueue(dir, 'deliveries.fifo', c.handler as never, clock);
  c.attach(queue);
  const send = (body: string, group: string, dedup = body) => queue.send({ MessageBody: body, MessageGroupId: group, MessageDeduplicationId: dedup });
  return { dir, clock, queue, c, send };
}

describe('the local SQS FIFO stand-in is as strict as SQS', () => {
  test('a group is handed over in order; a failed message holds its group (and only it) until it is visible again', async () => {
    const { clock, queue, c, send } = setup();
    c.failing.add('a1');
    c.hideFor(30);
    send('a1', 'A');
    send('a2', 'A');
    send('b1', 'B');
    await queue.settle();
    expect(c.seen.flat()).toEqual(['a1', 'b1']);
    clock.advance(29_000);
    await queue.settle();
    expect(c.seen.flat()).toEqual(['a1', 'b1']);
    c.failing.clear();
    clock.advance(1000);
    await queue.settle();
    expect(c.seen.flat()).toEqual(['a1', 'b1', 'a1', 'a2']);
    expect(queue.depth()).toEqual({ visible: 0, invisible: 0 });
  });

  test('a failure without ChangeMessageVisibility reappears after the queue\'s visibility timeout', async () => {
    const { clock, queue, c, send } = setup();
    c.failing.add('x');
    send('x', 'G');
    await queue.settle();
    clock.advance(WEBHOOK_QUEUE.visibilityTimeoutSeconds * 1000 - 1);
    await queue.settle();
    expect(c.seen.flat()).toEqual(['x']);
    clock.advance(1);
    await queue.settle();
    expect(c.seen.flat()).toEqual(['x', 'x']);
  });

  test('a message received maxReceiveCount times goes to the dead-letter file and frees its group', async () => {
    const { dir, clock, queue, c, send } = setup();
    c.failing.add('poison');
    c.hideFor(0);
    send('poison', 'G');
    send('next', 'G');
    for (let i = 0; i < WEBHOOK_QUEUE.maxReceiveCount + 1; i++) {
      await queue.settle();
      clock.advance(1000);
    }
    expect(c.seen.flat().filter((b) => b === 'poison')).toHaveLength(WEBHOOK_QUEUE.maxReceiveCount);
    expect(c.seen.flat().at(-1)).toBe('next');
    const dead = readFileSync(join(dir, 'queues', 'deliveries.fifo.dead-letters.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l).body);
    expect(dead).toEqual(['poison']);
  });

  test('a repeated deduplication id within 5 minutes is accepted and dropped; after that it is a new message', async () => {
    const { clock, queue, c, send } = setup();
    const first = send('one', 'G', 'd1');
    expect(send('one again', 'G', 'd1').MessageId).toBe(first.MessageId);
    clock.advance(WEBHOOK_QUEUE.deduplicationSeconds * 1000);
    send('one later', 'G', 'd1');
    await queue.settle();
    expect(c.seen.flat()).toEqual(['one', 'one later']);
  });

  test.each([
    [{ MessageBody: 'x', MessageDeduplicationId: 'd' }, 'MessageGroupId'],
    [{ MessageBody: 'x', MessageGroupId: 'g' }, 'MessageDeduplicationId provided explicitly'],
    [{ MessageBody: 'x'.repeat(WEBHOOK_QUEUE.maxMessageBytes + 1), MessageGroupId: 'g', MessageDeduplicationId: 'd' }, 'Message must be shorter than'],
    [{ MessageBody: 'x', MessageGroupId: 'g', MessageDeduplicationId: 'd', DelaySeconds: 5 }, 'DelaySeconds is invalid'],
    [{ MessageBody: 'x', MessageGroupId: 'g'.repeat(129), MessageDeduplicationId: 'd' }, 'MessageGroupId can contain up to 128'],
    [{ MessageBody: 'x', MessageGroupId: 'g', MessageDeduplicationId: 'd'.repeat(129) }, 'MessageDeduplicationId can contain up to 128'],
    [{ MessageBody: 'x', MessageGroupId: 'g', MessageDeduplicationId: 'has space' }, 'MessageDeduplicationId can contain up to 128'],
  ])('SendMessage %# is refused as SQS refuses it', (input, message) => {
    expect(() => setup().queue.send(input)).toThrow(message);
  });

  test('ChangeMessageVisibility takes 0–12 hours, only for a message in flight', async () => {
    const { queue, send } = setup();
    send('x', 'G');
    expect(() => queue.changeVisibility('unknown', 10)).toThrow('receipt handle is invalid');
    const handles: string[] = [];
    const q2 = setup();
    const spy = new LocalFifoQueue(mkdtempSync(join(tmpdir(), 'queue-')), 'q.fifo', (async (e: SQSEvent) => {
      handles.push(e.Records[0]!.receiptHandle);
      expect(() => spy.changeVisibility(e.Records[0]!.receiptHandle, WEBHOOK_QUEUE.maxVisibilitySeconds + 1)).toThrow('Must be between 0 and 43200');
      spy.changeVisibility(e.Records[0]!.receiptHandle, 60);
      return { batchItemFailures: [{ itemIdentifier: e.Records[0]!.messageId }] };
    }) as never, q2.clock);
    spy.send({ MessageBody: 'y', MessageGroupId: 'G', MessageDeduplicationId: 'y' });
    await spy.settle();
    q2.clock.advance(60_000);
    expect(() => spy.changeVisibility(handles[0], 10)).toThrow('not in flight');
  });

  test('messages survive a restart (kept under the data folder)', async () => {
    const { dir, clock, send } = setup();
    send('kept', 'G');
    const c = consumer();
    const again = new LocalFifoQueue(dir, 'deliveries.fifo', c.handler as never, clock);
    await again.settle();
    expect(c.seen.flat()).toEqual(['kept']);
  });

  test('the SDK speaks to it over HTTP: SendMessage with a FIFO group and deduplication id (the checksum verified)', async () => {
    const { queue, c } = setup();
    const server: Server = queue.createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const sqs = new SQSClient({ region: 'us-east-1', endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    const adapter = new SqsWebhookQueue(sqs, `${endpoint}/000000000000/deliveries.fifo`);
    const message = { orgId: 'acme', endpointId: 'wh_1', deliveryId: '000000000007', generation: 1, orderKey: 'grant-g1' };
    await adapter.enqueue(message);
    await adapter.enqueue(message); // the same round again: deduplicated
    await queue.settle();
    expect(c.seen).toEqual([[JSON.stringify(message)]]);
    await expect(new SqsWebhookQueue(sqs, `${endpoint}/000000000000/other.fifo`).enqueue(message)).rejects.toThrow('does not exist');
    server.close();
    expect(groupOf({ endpointId: 'wh_1', orderKey: 'grant-g#1 x' })).toBe('wh_1.grant-g_1_x');
  });
});
