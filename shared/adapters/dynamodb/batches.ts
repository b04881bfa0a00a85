import type { BatchGetCommandOutput, BatchWriteCommandOutput, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { BatchGetCommand, BatchWriteCommand } from '@aws-sdk/lib-dynamodb';

export const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Sends `first`, then whatever DynamoDB answers it left unprocessed, with backoff, until nothing
 * is left — a key is never taken for absent, or an item for deleted, because it went unprocessed.
 */
async function untilProcessed<T>(first: T[], send: (pending: T[]) => Promise<T[] | undefined>): Promise<void> {
  let pending: T[] | undefined = first;
  for (let attempt = 0; pending?.length; attempt++) {
    if (attempt) await pause(Math.min(1000, 50 * 2 ** attempt));
    pending = await send(pending);
  }
}

const chunks = <T>(items: T[], size: number): T[][] => Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));

/** BatchGetItem in chunks of 100 (DynamoDB's limit), the chunks side by side. */
export async function batchGet(
  db: DynamoDBDocumentClient,
  tableName: string,
  keys: { pk: string; sk: string }[],
  options: { consistent?: boolean; projection?: string } = {},
): Promise<Record<string, unknown>[]> {
  const read = async (chunk: Record<string, unknown>[]) => {
    const found: Record<string, unknown>[] = [];
    await untilProcessed(chunk, async (pending) => {
      const out: BatchGetCommandOutput = await db.send(
        new BatchGetCommand({ RequestItems: { [tableName]: { Keys: pending, ...(options.consistent ? { ConsistentRead: true } : {}), ...(options.projection ? { ProjectionExpression: options.projection } : {}) } } }),
      );
      found.push(...(out.Responses?.[tableName] ?? []));
      return out.UnprocessedKeys?.[tableName]?.Keys;
    });
    return found;
  };
  return (await Promise.all(chunks(keys, 100).map(read))).flat();
}

/** BatchWriteItem deletes in chunks of 25 (DynamoDB's limit), one chunk after another. */
export async function batchDelete(db: DynamoDBDocumentClient, tableName: string, keys: { pk: string; sk: string }[]): Promise<void> {
  for (const chunk of chunks(keys, 25)) {
    await untilProcessed(
      chunk.map((Key) => ({ DeleteRequest: { Key } })),
      async (pending) => ((await db.send(new BatchWriteCommand({ RequestItems: { [tableName]: pending } }))) as BatchWriteCommandOutput).UnprocessedItems?.[tableName] as typeof pending | undefined,
    );
  }
}
