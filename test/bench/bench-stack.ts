import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createDocumentClient } from '../../shared/adapters/dynamodb/client';
import { localLayout } from '../../infra/local/layout';

/** The bench's own local stack: test stage (second-long grants), its own ports and data. */
export const BENCH_ENV = {
  SA_STAGE: 'test',
  SA_PORT_BASE: process.env.SA_BENCH_PORT_BASE ?? '4300',
  SA_DATA_DIR: join(process.cwd(), '.bench-data', 'stack'),
  SA_QUIET: '1',
  // The bench measures expiry through the schedules, fired at their at-time (no jitter within
  // the minute); the sweep stays at its real-stage pace.
  SA_SWEEP_SECONDS: '300',
  SA_SCHEDULER_FIRE: 'exact',
};

export const benchLayout = localLayout({ ...process.env, ...BENCH_ENV });

export const rawDynamo = new DynamoDBClient({ endpoint: benchLayout.urls.dynamodb, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
export const benchDb = createDocumentClient(rawDynamo);
