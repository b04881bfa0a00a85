import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../../shared/domain/clock';
import { ASYNC_RETRY_DELAYS_MS, AsyncInvoker } from '../../infra/local/async-invoke';

const dataDir = () => mkdtempSync(join(tmpdir(), 'async-'));

describe('the local stand-in for Lambda\'s async invocation', () => {
  test('events beyond the concurrency wait their turn (none fails, none is dropped), as Lambda queues them', async () => {
    let running = 0;
    let most = 0;
    const done: number[] = [];
    const handler = async (event: unknown) => {
      running++;
      most = Math.max(most, running);
      await new Promise((r) => setTimeout(r, 5));
      running--;
      done.push((event as { n: number }).n);
    };
    const invoker = new AsyncInvoker('expire', handler as never, new ManualClock(new Date()), dataDir(), () => undefined, 3);
    await Promise.all(Array.from({ length: 10 }, (_, n) => invoker.accept({ n })));
    expect(most).toBe(3);
    expect(done.sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(invoker.attempts.filter((a) => a.outcome === 'ok')).toHaveLength(10);
  });

  test('a failure is retried 1 and then 2 minutes later on the stack clock, then goes to the on-failure destination', async () => {
    const clock = new ManualClock(new Date('2026-05-04T09:00:00.000Z'));
    const invoker = new AsyncInvoker('expire', (async () => Promise.reject(new Error('boom'))) as never, clock, dataDir(), () => undefined, 1);
    await invoker.accept({ grant: 'g1' });
    expect(invoker.waiting()).toHaveLength(1);
    clock.advance(ASYNC_RETRY_DELAYS_MS[0]!);
    await invoker.tick();
    clock.advance(ASYNC_RETRY_DELAYS_MS[1]!);
    await invoker.tick();
    expect(invoker.attempts.map((a) => a.outcome)).toEqual(['error', 'error', 'error']);
    expect(invoker.failures().map((f) => [f.requestContext.approximateInvokeCount, f.requestPayload, f.responsePayload.errorMessage])).toEqual([[3, { grant: 'g1' }, 'boom']]);
  });
});
