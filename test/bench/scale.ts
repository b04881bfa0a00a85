import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { grantItem, orgItem } from '../../shared/adapters/dynamodb/items';
import { buildGrant, buildOrg } from '../support/org-builder';
import { benchDb, benchLayout } from './bench-stack';
import { agentBearer, stackUrl } from './harness';
import { accessCheck } from './hot-path';
import { load, type LoadResult } from './load';

export interface ScaleRow {
  grantsInTable: number;
  result: LoadResult;
}

const ORGS = 1000;
const measuredOrg = 'scale-0000';
const orgIdOf = (i: number) => `scale-${String(i).padStart(4, '0')}`;

function grant(orgId: string, n: number, expiresAt: string): Record<string, unknown> {
  return grantItem(buildGrant({ orgId, grantId: `g${String(n).padStart(7, '0')}`, createdAt: new Date().toISOString(), expiresAt }));
}

/** BatchWriteItem, 25 items a call, 8 calls in flight, retrying what comes back unprocessed. */
async function putAll(items: Record<string, unknown>[], progress: (line: string) => void): Promise<void> {
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < items.length) {
      let pending = items.slice(next, (next += 25)).map((Item) => ({ PutRequest: { Item } }));
      while (pending.length) {
        const out = await benchDb.send(new BatchWriteCommand({ RequestItems: { [benchLayout.tableName]: pending } }));
        pending = (out.UnprocessedItems?.[benchLayout.tableName] ?? []) as typeof pending;
      }
      done += 25;
      if (done % 10_000 < 25) progress(`    loaded ${done.toLocaleString('en')} / ${items.length.toLocaleString('en')}`);
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
}

/**
 * The access decision for one org (one active grant) with 1,000 and then 100,000 grants in the
 * table, spread over 1,000 orgs: whether its cost grows with the table.
 */
export async function measureScale(seconds: number, progress: (line: string) => void): Promise<ScaleRow[]> {
  const expiresAt = new Date(Date.now() + 30 * 86_400_000).toISOString();
  const orgs = Array.from({ length: ORGS }, (_, i) => orgItem(buildOrg(orgIdOf(i))));
  await putAll([...orgs, ...Array.from({ length: ORGS }, (_, i) => grant(orgIdOf(i), i, expiresAt))], progress);
  const target = accessCheck(stackUrl, measuredOrg, await agentBearer());
  const rows: ScaleRow[] = [];
  const run = async (grantsInTable: number) => {
    await load(target, 10, 1);
    const result = await load(target, 10, seconds);
    if (result.bad) throw new Error(`access decision at ${grantsInTable} grants: ${result.bad} bad responses.`);
    rows.push({ grantsInTable, result });
    progress(`  ${grantsInTable.toLocaleString('en')} grants: p50 ${result.p50} ms, ${result.rps.toFixed(0)} req/s`);
  };
  await run(ORGS);
  // The other 999 orgs get 99,000 more; the measured org keeps its one grant.
  const more = Array.from({ length: 99_000 }, (_, i) => grant(orgIdOf(1 + (i % (ORGS - 1))), ORGS + i, expiresAt));
  await putAll(more, progress);
  await run(ORGS + more.length);
  return rows;
}
