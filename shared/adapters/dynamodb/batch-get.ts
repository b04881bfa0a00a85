import type { BatchGetCommandOutput, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { BatchGetCommand } from '@aws-sdk/lib-dynamodb';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * BatchGetItem in chunks of 100 (DynamoDB's limit), the chunks side by side, retrying with
 * backoff what DynamoDB leaves unprocessed — a key is never taken for absent because it went
 * unread.
 */
export async function batchGet(
  db: DynamoDBDocumentClient,
  tableName: string,
  keys: { pk: string; sk: string }[],
  options: { consistent?: boolean; projection?: string } = {},
): Promise<Record<string, unknown>[]> {
  const chunks: Record<string, unknown>[][] = [];
  for (let i = 0; i < keys.length; i += 100) chunks.push(keys.slice(i, i + 100));
  const read = async (chunk: Record<string, unknown>[]) => {
    const found: Record<string, unknown>[] = [];
    let pending: Record<string, unknown>[] | undefined = chunk;
    for (let attempt = 0; pending?.length; attempt++) {
      if (attempt) await sleep(Math.min(1000, 50 * 2 ** attempt));
      const out: BatchGetCommandOutput = await db.send(
        new BatchGetCommand({ RequestItems: { [tableName]: { Keys: pending, ...(options.consistent ? { ConsistentRead: true } : {}), ...(options.projection ? { ProjectionExpression: options.projection } : {}) } } }),
      );
      found.push(...(out.Responses?.[tableName] ?? []));
      pending = out.UnprocessedKeys?.[tableName]?.Keys;
    }
    return found;
  };
  return (await Promise.all(chunks.map(read))).flat();
}
