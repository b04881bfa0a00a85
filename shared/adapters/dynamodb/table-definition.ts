import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';

/**
 * The one declaration of the table: keys, indexes, TTL and stream. The CDK `Database` construct
 * and the local bootstrap both build from it, so the two can never drift.
 */
export const TABLE = {
  partitionKey: 'pk',
  sortKey: 'sk',
  ttlAttribute: 'ttl',
  stream: 'NEW_AND_OLD_IMAGES',
  indexes: {
    /** Sparse: an org's active grants ordered by expiry (query `gsi1sk > now`). */
    activeByOrg: { name: 'active-by-org', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
    /** Sparse, sharded: everything still waiting to expire, ordered by expiry (the sweep). */
    activeByExpiry: { name: 'active-by-expiry', partitionKey: 'gsi2pk', sortKey: 'gsi2sk' },
  },
} as const;

export const EXPIRY_SHARDS = 8;

/** CreateTable input for DynamoDB Local (CDK builds the same shape from `TABLE`). */
export function createTableInput(tableName: string): CreateTableCommandInput {
  const indexes = Object.values(TABLE.indexes);
  const attributes = [TABLE.partitionKey, TABLE.sortKey, ...indexes.flatMap((i) => [i.partitionKey, i.sortKey])];
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: attributes.map((name) => ({ AttributeName: name, AttributeType: 'S' })),
    KeySchema: [
      { AttributeName: TABLE.partitionKey, KeyType: 'HASH' },
      { AttributeName: TABLE.sortKey, KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: indexes.map((i) => ({
      IndexName: i.name,
      KeySchema: [
        { AttributeName: i.partitionKey, KeyType: 'HASH' },
        { AttributeName: i.sortKey, KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'ALL' },
    })),
    StreamSpecification: { StreamEnabled: true, StreamViewType: TABLE.stream },
  };
}
