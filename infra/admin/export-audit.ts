/**
 * Platform-admin export of one org's audit trail, verified: `npm run audit-export -- <orgId>`
 * [--table <name>] [--out <file.csv>]. Without --table it reads the local stack (`npm start`);
 * with it, the deployed table through the admin's own AWS credentials.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createDocumentClient } from '../../shared/adapters/dynamodb/client';
import { DynamoStore } from '../../shared/adapters/dynamodb/store';
import { verifyChain } from '../../shared/domain/audit';
import { auditCsv } from '../../shared/domain/audit-trail';
import { localLayout } from '../local/layout';

async function main() {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { table: { type: 'string' }, out: { type: 'string' } } });
  const orgId = positionals[0];
  if (!orgId) {
    console.error('Usage: npm run audit-export -- <orgId> [--table <name>] [--out <file.csv>]');
    process.exit(2);
  }
  const layout = localLayout();
  const client = values.table
    ? new DynamoDBClient({})
    : new DynamoDBClient({ endpoint: layout.urls.dynamodb, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  const store = new DynamoStore(createDocumentClient(client), values.table ?? layout.tableName);
  if (!(await store.getOrg(orgId))) {
    console.error(`No org "${orgId}" in ${values.table ?? `the local stack (${layout.urls.dynamodb})`}.`);
    process.exit(1);
  }
  const [events, head] = await Promise.all([store.listAudit(orgId), store.auditHead(orgId)]);
  const out = values.out ?? `audit-${orgId}.csv`;
  writeFileSync(out, auditCsv(events));
  const broken = verifyChain(events, head);
  console.log(`${events.length} events written to ${out}; chain ${broken === undefined ? 'intact' : `BROKEN at event ${broken}`}.`);
  process.exit(broken === undefined ? 0 : 3);
}

main().catch((error) => {
  console.error(error instanceof Error && /ECONNREFUSED|fetch failed/.test(String(error.message) + String(error.cause ?? '')) ? 'The local stack is not running: start it with npm start, or pass --table for AWS.' : error);
  process.exit(1);
});
