import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type _Record as StreamRecord,
} from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBBatchResponse, DynamoDBRecord } from 'aws-lambda';
import { STREAM_EVENT_SOURCE, STREAM_FUNCTION_TIMEOUT_SECONDS } from '../config/stream-event-source';
import type { Handler } from './functions';
import { lambdaContext } from './lambda-context';

/** Lambda's DynamoDB event shape for one stream record (epoch seconds, string sequence numbers). */
function toLambdaRecord(r: StreamRecord, streamArn: string): DynamoDBRecord {
  return {
    eventID: r.eventID,
    eventName: r.eventName as DynamoDBRecord['eventName'],
    eventVersion: r.eventVersion ?? '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: r.awsRegion ?? 'us-east-1',
    eventSourceARN: streamArn,
    userIdentity: r.userIdentity,
    dynamodb: {
      ApproximateCreationDateTime: r.dynamodb?.ApproximateCreationDateTime
        ? Math.floor(new Date(r.dynamodb.ApproximateCreationDateTime).getTime() / 1000)
        : undefined,
      Keys: r.dynamodb?.Keys as never,
      NewImage: r.dynamodb?.NewImage as never,
      OldImage: r.dynamodb?.OldImage as never,
      SequenceNumber: r.dynamodb?.SequenceNumber,
      SizeBytes: r.dynamodb?.SizeBytes,
      StreamViewType: r.dynamodb?.StreamViewType as never,
    },
  };
}

/** What Lambda sends an event source mapping's on-failure destination: a pointer to the records, not the records. */
export interface StreamFailureRecord {
  version: '1.0';
  timestamp: string;
  requestContext: { requestId: string; functionArn: string; condition: 'RetryAttemptsExhausted' | 'RecordAgeExceeded'; approximateInvokeCount: number };
  responseContext: { statusCode: number; executedVersion: '$LATEST'; functionError?: string };
  DDBStreamBatchInfo: { shardId: string; startSequenceNumber: string; endSequenceNumber: string; approximateArrivalOfFirstRecord?: string; approximateArrivalOfLastRecord?: string; batchSize: number; streamArn: string };
}

const seq = (r: StreamRecord) => r.dynamodb!.SequenceNumber!;
const arrival = (r: StreamRecord) => (r.dynamodb?.ApproximateCreationDateTime ? new Date(r.dynamodb.ApproximateCreationDateTime) : undefined);

/**
 * The local stand-in for Lambda's DynamoDB event source mapping, as strict as the real one and
 * configured by the same declaration (`STREAM_EVENT_SOURCE`): batches of `batchSize` in order;
 * `batchItemFailures` retried from the failed record; a function error (or a run past the
 * function's timeout) bisects the batch; after `retryAttempts` — or once a record is older than
 * `maxRecordAgeSeconds` — the records are skipped and a pointer to them goes to the on-failure
 * destination (a JSON-lines file). Each shard's position is checkpointed under the data folder.
 */
export class StreamPoller {
  private readonly streams: DynamoDBStreamsClient;
  private readonly checkpointFile: string;
  private readonly failuresFile: string;
  private checkpoints: Record<string, string>;
  private readonly finished = new Set<string>();
  private running = false;
  private loop?: Promise<void>;
  private streamArn?: string;
  private errors = 0;

  constructor(
    private readonly db: DynamoDBClient,
    private readonly tableName: string,
    dataDir: string,
    private readonly handler: Handler,
    private readonly log: (line: string) => void = () => undefined,
    private readonly intervalMs = 200,
  ) {
    const config = db.config;
    this.streams = new DynamoDBStreamsClient({ endpoint: config.endpoint, region: config.region, credentials: config.credentials });
    this.checkpointFile = join(dataDir, 'stream-checkpoints.json');
    mkdirSync(join(dataDir, 'lambda'), { recursive: true });
    this.failuresFile = join(dataDir, 'lambda', 'stream-on-failure.jsonl');
    this.checkpoints = existsSync(this.checkpointFile) ? (JSON.parse(readFileSync(this.checkpointFile, 'utf8')) as Record<string, string>) : {};
  }

  async start(): Promise<void> {
    const table = await this.db.send(new DescribeTableCommand({ TableName: this.tableName }));
    this.streamArn = table.Table?.LatestStreamArn;
    if (!this.streamArn) throw new Error(`Table ${this.tableName} has no stream.`);
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  /** What reached the on-failure destination. */
  failures(): StreamFailureRecord[] {
    if (!existsSync(this.failuresFile)) return [];
    return readFileSync(this.failuresFile, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as StreamFailureRecord);
  }

  private async run() {
    while (this.running) {
      let progressed = false;
      try {
        progressed = await this.pollOnce();
        this.errors = 0;
      } catch (error) {
        // The stream API itself failed (not the function): back off and read again.
        this.errors++;
        this.log(`stream: ${String(error)}; reading again`);
      }
      if (!progressed) await sleep(this.errors ? Math.min(10_000, this.intervalMs * 2 ** this.errors) : this.intervalMs);
    }
  }

  /** One pass over every open shard; true when any records were handled. */
  private async pollOnce(): Promise<boolean> {
    const description = await this.streams.send(new DescribeStreamCommand({ StreamArn: this.streamArn }));
    const shards = description.StreamDescription?.Shards ?? [];
    let progressed = false;
    for (const shard of shards) {
      const shardId = shard.ShardId!;
      if (this.finished.has(shardId)) continue;
      if (shard.ParentShardId && !this.finished.has(shard.ParentShardId) && shards.some((s) => s.ShardId === shard.ParentShardId)) continue;
      const out = await this.streams.send(new GetRecordsCommand({ ShardIterator: await this.iteratorFor(shardId), Limit: STREAM_EVENT_SOURCE.batchSize }));
      const records = out.Records ?? [];
      if (records.length) {
        await this.deliver(shardId, records);
        progressed = true;
      } else if (!out.NextShardIterator) this.finished.add(shardId);
    }
    return progressed;
  }

  /** Hands one batch to the function, with Lambda's retry, bisect, age and on-failure rules. */
  private async deliver(shardId: string, records: StreamRecord[]): Promise<void> {
    const tooOld = Date.now() - STREAM_EVENT_SOURCE.maxRecordAgeSeconds * 1000;
    // Records arrive in order: the too-old ones are at the front.
    const fresh = records.findIndex((r) => (arrival(r)?.getTime() ?? Date.now()) >= tooOld);
    const expired = fresh === -1 ? records : records.slice(0, fresh);
    if (expired.length) this.park(shardId, expired, 'RecordAgeExceeded', 0);
    let batch = records.slice(expired.length);
    let attempts = 0;
    while (batch.length) {
      attempts++;
      const outcome = await this.invoke(batch);
      if (outcome.ok && outcome.failedAt === undefined) {
        this.checkpoint(shardId, seq(batch.at(-1)!));
        return;
      }
      if (outcome.ok) {
        // A reported failure: what came before it is done; retry from it.
        const k = batch.findIndex((r) => seq(r) === outcome.failedAt);
        if (k > 0) this.checkpoint(shardId, seq(batch[k - 1]!));
        batch = batch.slice(Math.max(k, 0));
      } else if (STREAM_EVENT_SOURCE.bisectBatchOnError && batch.length > 1) {
        // A function error: split, and go on with the first half (the rest is read again next time).
        batch = batch.slice(0, Math.ceil(batch.length / 2));
      }
      if (attempts > STREAM_EVENT_SOURCE.retryAttempts) {
        this.park(shardId, batch, 'RetryAttemptsExhausted', attempts);
        return;
      }
      // Retries come quickly but not at once (about 12 s over the ten), like Lambda's backoff.
      await sleep(Math.min(2000, 250 * attempts));
    }
  }

  private async invoke(batch: StreamRecord[]): Promise<{ ok: true; failedAt?: string } | { ok: false }> {
    const event = { Records: batch.map((r) => toLambdaRecord(r, this.streamArn!)) };
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`Task timed out after ${STREAM_FUNCTION_TIMEOUT_SECONDS} seconds`)), STREAM_FUNCTION_TIMEOUT_SECONDS * 1000);
    });
    try {
      const result = (await Promise.race([this.handler(event, lambdaContext('stream')), timeout])) as DynamoDBBatchResponse | undefined;
      const failedAt = result?.batchItemFailures?.[0]?.itemIdentifier;
      if (failedAt) this.log(`stream: the function reported a failure at ${failedAt}; retrying from it`);
      return { ok: true, failedAt };
    } catch (error) {
      this.log(`stream: the function failed (${String(error)}); ${STREAM_EVENT_SOURCE.bisectBatchOnError && batch.length > 1 ? 'bisecting' : 'retrying'}`);
      return { ok: false };
    } finally {
      clearTimeout(timer);
    }
  }

  /** Skips the records and sends a pointer to them to the on-failure destination. */
  private park(shardId: string, batch: StreamRecord[], condition: StreamFailureRecord['requestContext']['condition'], attempts: number) {
    const record: StreamFailureRecord = {
      version: '1.0',
      timestamp: new Date().toISOString(),
      requestContext: { requestId: randomUUID(), functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:stream', condition, approximateInvokeCount: attempts },
      responseContext: { statusCode: 200, executedVersion: '$LATEST', ...(condition === 'RetryAttemptsExhausted' ? { functionError: 'Unhandled' } : {}) },
      DDBStreamBatchInfo: {
        shardId,
        startSequenceNumber: seq(batch[0]!),
        endSequenceNumber: seq(batch.at(-1)!),
        approximateArrivalOfFirstRecord: arrival(batch[0]!)?.toISOString(),
        approximateArrivalOfLastRecord: arrival(batch.at(-1)!)?.toISOString(),
        batchSize: batch.length,
        streamArn: this.streamArn!,
      },
    };
    appendFileSync(this.failuresFile, `${JSON.stringify(record)}\n`);
    this.log(`stream: gave up on ${batch.length} record(s) (${condition}); sent to the on-failure destination`);
    this.checkpoint(shardId, seq(batch.at(-1)!));
  }

  private async iteratorFor(shardId: string): Promise<string> {
    const after = this.checkpoints[shardId];
    const out = await this.streams.send(
      new GetShardIteratorCommand({
        StreamArn: this.streamArn,
        ShardId: shardId,
        ...(after ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: after } : { ShardIteratorType: 'TRIM_HORIZON' }),
      }),
    );
    return out.ShardIterator!;
  }

  private checkpoint(shardId: string, sequence: string) {
    this.checkpoints[shardId] = sequence;
    writeFileSync(this.checkpointFile, JSON.stringify(this.checkpoints));
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
