import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { Clock } from '../../shared/domain/clock';
import type { Handler } from './functions';
import { lambdaContext } from './lambda-context';

/**
 * Lambda's asynchronous invocation, as EventBridge Scheduler uses it: the event is accepted at
 * once; a function error is retried twice (about 1 and then 2 minutes later, on the stack clock);
 * after the last failure the event goes to the function's on-failure destination (a JSON-lines
 * file here, the SQS queue in AWS) in Lambda's destination record shape.
 */
export const ASYNC_RETRY_DELAYS_MS = [60_000, 120_000];

/**
 * At most this many attempts run at once; later events wait their turn, as Lambda queues async
 * events beyond a function's concurrency. Here one process stands in for every instance and they
 * share one SDK connection pool (50 sockets): 200 expiries fired in one second would otherwise
 * queue for sockets past the client's connection timeout and fail into the 1-minute retry — a
 * failure of the stand-in, not one AWS would show.
 */
export const LOCAL_ASYNC_CONCURRENCY = 20;

interface Pending {
  requestId: string;
  payload: unknown;
  attempts: number;
  dueAt: number;
}

export interface OnFailureRecord {
  version: '1.0';
  timestamp: string;
  requestContext: { requestId: string; functionArn: string; condition: 'RetriesExhausted'; approximateInvokeCount: number };
  requestPayload: unknown;
  responseContext: { statusCode: 200; executedVersion: '$LATEST'; functionError: 'Unhandled' };
  responsePayload: { errorMessage: string };
}

export class AsyncInvoker {
  private readonly pending: Pending[] = [];
  private readonly running = new Set<Promise<void>>();
  /** Attempts waiting for a free slot (Lambda's internal event queue). */
  private readonly queued: (() => void)[] = [];
  private active = 0;
  private readonly failuresFile: string;
  /** Every attempt, for tests and the stack log: request id, attempt number, outcome. */
  readonly attempts: { requestId: string; attempt: number; at: string; outcome: 'ok' | 'error' }[] = [];

  constructor(
    private readonly name: string,
    private readonly handler: Handler,
    private readonly clock: Clock,
    dataDir: string,
    private readonly log: (line: string) => void = () => undefined,
    private readonly concurrency = LOCAL_ASYNC_CONCURRENCY,
  ) {
    const dir = join(dataDir, 'lambda');
    mkdirSync(dir, { recursive: true });
    this.failuresFile = join(dir, `${name}-on-failure.jsonl`);
  }

  /** Accepts an event (202 in Lambda's terms) and runs its first attempt now. */
  accept(payload: unknown): Promise<void> {
    const item: Pending = { requestId: randomUUID(), payload, attempts: 0, dueAt: this.clock.now().getTime() };
    return this.track(this.attempt(item));
  }

  /** Runs the retries that are due on the stack clock; resolves when they have finished. */
  async tick(): Promise<void> {
    const now = this.clock.now().getTime();
    const due = this.pending.filter((p) => p.dueAt <= now);
    for (const p of due) this.pending.splice(this.pending.indexOf(p), 1);
    await Promise.all(due.map((p) => this.track(this.attempt(p))));
  }

  /** Resolves when every attempt started so far has finished. */
  async settled(): Promise<void> {
    while (this.running.size) await Promise.all([...this.running]);
  }

  /** What reached the on-failure destination. */
  failures(): OnFailureRecord[] {
    if (!existsSync(this.failuresFile)) return [];
    return readFileSync(this.failuresFile, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as OnFailureRecord);
  }

  /** Retries waiting for their time. */
  waiting(): { requestId: string; attempts: number; dueAt: string }[] {
    return this.pending.map((p) => ({ requestId: p.requestId, attempts: p.attempts, dueAt: new Date(p.dueAt).toISOString() }));
  }

  private track(run: Promise<void>): Promise<void> {
    this.running.add(run);
    return run.finally(() => this.running.delete(run));
  }

  /** Waits for a free slot, runs the attempt, frees the slot for the next waiting one. */
  private async attempt(item: Pending): Promise<void> {
    if (this.active >= this.concurrency) await new Promise<void>((start) => this.queued.push(start));
    this.active++;
    try {
      await this.run(item);
    } finally {
      this.active--;
      this.queued.shift()?.();
    }
  }

  private async run(item: Pending): Promise<void> {
    item.attempts++;
    try {
      await this.handler(item.payload, lambdaContext(this.name));
      this.attempts.push({ requestId: item.requestId, attempt: item.attempts, at: this.clock.now().toISOString(), outcome: 'ok' });
    } catch (error) {
      this.attempts.push({ requestId: item.requestId, attempt: item.attempts, at: this.clock.now().toISOString(), outcome: 'error' });
      const delay = ASYNC_RETRY_DELAYS_MS[item.attempts - 1];
      if (delay !== undefined) {
        this.log(`lambda ${this.name}: async attempt ${item.attempts} failed (${String(error)}); retry in ${delay / 1000} s`);
        this.pending.push({ ...item, dueAt: this.clock.now().getTime() + delay });
        return;
      }
      const record: OnFailureRecord = {
        version: '1.0',
        timestamp: this.clock.now().toISOString(),
        requestContext: { requestId: item.requestId, functionArn: `arn:aws:lambda:us-east-1:000000000000:function:${this.name}`, condition: 'RetriesExhausted', approximateInvokeCount: item.attempts },
        requestPayload: item.payload,
        responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
        responsePayload: { errorMessage: error instanceof Error ? error.message : String(error) },
      };
      appendFileSync(this.failuresFile, `${JSON.stringify(record)}\n`);
      this.log(`lambda ${this.name}: retries exhausted after ${item.attempts} attempts; sent to the on-failure destination`);
    }
  }
}
