import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type _Record as StreamRecord,
} from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBBatchResponse, DynamoDBRecord } from 'aws-lambda';
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

/**
 * The local stand-in for Lambda's DynamoDB event source: reads DynamoDB Local's stream through
 * the DynamoDB Streams API, invokes the `stream` handler with batches in order, honours
 * `batchItemFailures` by retrying from the failed record with backoff, and checkpoints each
 * shard's last processed sequence number under the data folder.
 */
export class StreamPoller {
  private readonly streams: DynamoDBStreamsClient;
  private readonly checkpointFile: string;
  private checkpoints: Record<string, string>;
  private readonly finished = new Set<string>();
  private readonly iterators = new Map<string, string>();
  private running = false;
  private loop?: Promise<void>;
  private streamArn?: string;
  private failures = 0;

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

  private async run() {
    while (this.running) {
      let progressed = false;
      try {
        progressed = await this.pollOnce();
        this.failures = 0;
      } catch (error) {
        this.failures++;
        this.log(`stream: ${String(error)}; retrying`);
      }
      if (!progressed) await sleep(this.failures ? Math.min(10_000, this.intervalMs * 2 ** this.failures) : this.intervalMs);
    }
  }

  /** One pass over every open shard; true when any records were handled. */
  private async pollOnce(): Promise<boolean> {
    const description = await this.streams.send(new DescribeStreamCommand({ StreamArn: this.streamArn }));
    let progressed = false;
    for (const shard of description.StreamDescription?.Shards ?? []) {
      const shardId = shard.ShardId!;
      if (this.finished.has(shardId)) continue;
      if (shard.ParentShardId && !this.finished.has(shard.ParentShardId) && (description.StreamDescription?.Shards ?? []).some((s) => s.ShardId === shard.ParentShardId)) continue;
      let iterator = this.iterators.get(shardId) ?? (await this.iteratorFor(shardId));
      const out = await this.streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 100 }));
      const records = out.Records ?? [];
      if (records.length) {
        const batch = { Records: records.map((r) => toLambdaRecord(r, this.streamArn!)) };
        const result = (await this.handler(batch, lambdaContext('stream'))) as DynamoDBBatchResponse | undefined;
        const failed = result?.batchItemFailures?.[0]?.itemIdentifier;
        const lastOk = failed ? previousSequence(records, failed) : records[records.length - 1]!.dynamodb!.SequenceNumber!;
        if (lastOk) this.checkpoint(shardId, lastOk);
        if (failed) {
          this.iterators.delete(shardId);
          throw new Error(`stream handler reported a failure at ${failed}`);
        }
        progressed = true;
      }
      if (out.NextShardIterator) this.iterators.set(shardId, out.NextShardIterator);
      else {
        this.finished.add(shardId);
        this.iterators.delete(shardId);
      }
      iterator = out.NextShardIterator ?? '';
    }
    return progressed;
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

function previousSequence(records: StreamRecord[], failed: string): string | undefined {
  const index = records.findIndex((r) => r.dynamodb?.SequenceNumber === failed);
  return index > 0 ? records[index - 1]!.dynamodb!.SequenceNumber : undefined;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
