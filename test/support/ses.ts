import { layout } from './fixtures';

/** Tells the local SES gate how to answer for an address: as SES would for a bad one, a throttled one, or normally. */
export async function sesVerdict(address: string, verdict: 'reject' | 'throttle' | 'accept'): Promise<void> {
  const res = await fetch(`${layout.urls.sesApi}/__addresses`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ address, verdict }) });
  if (!res.ok) throw new Error(`The SES gate refused the verdict: ${res.status} ${await res.text()}`);
}

/** What reached the stream event source's on-failure destination (Lambda's record shape for streams). */
export async function streamFailures(): Promise<{ requestContext: { condition: string; approximateInvokeCount: number }; DDBStreamBatchInfo: { startSequenceNumber: string; endSequenceNumber: string; batchSize: number } }[]> {
  const res = await fetch(`${layout.urls.scheduler}/__lambda/stream`);
  if (!res.ok) throw new Error(`No stream on-failure record: ${res.status}`);
  return ((await res.json()) as { failures: never[] }).failures;
}
