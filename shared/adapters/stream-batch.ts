import type { Outbox } from '../ports/outbox';
import { loadOnce } from './lazy';

/**
 * One DynamoDB-stream batch's work, run as far as the event source's contract allows at once:
 * work of one key (an org's audit events) in record order, different keys and independent work
 * (each notice is its own outbox item) side by side, at most `limit` at a time. The batch reports
 * the first record whose work failed, so the event source retries from there: work of later
 * records may already have run and runs again, so it must be idempotent (a notice's claim, a
 * webhook delivery's id). Work that must not run twice waits for everything before it (`alone`).
 */
export class StreamBatch {
  private readonly started: Promise<void>[] = [];
  private readonly lastOfKey = new Map<string, Promise<void>>();
  private readonly queue: (() => void)[] = [];
  private running = 0;
  private failedAt = Number.POSITIVE_INFINITY;

  constructor(private readonly limit: number) {}

  /** Whether record `index` comes after a failure already known (the batch stops there). */
  stoppedBefore(index: number): boolean {
    return this.failedAt < index;
  }

  /** Work that may run alongside any other. */
  independent(index: number, work: () => Promise<void>): void {
    this.started.push(this.run(index, work));
  }

  /** Work that runs after every earlier work of the same key has finished (and not at all if one failed). */
  inOrder(index: number, key: string, work: () => Promise<void>): void {
    const run = (this.lastOfKey.get(key) ?? Promise.resolve()).then(() => (this.stoppedBefore(index) ? undefined : this.run(index, work)));
    this.lastOfKey.set(key, run);
    this.started.push(run);
  }

  /** Waits for everything started so far; runs `work` only if all of it succeeded. False: the batch stops here. */
  async alone(index: number, work: () => Promise<void>): Promise<boolean> {
    await Promise.all(this.started);
    if (this.stoppedBefore(index)) return false;
    await this.run(index, work);
    return !this.stoppedBefore(index + 1);
  }

  /** Once every started work has finished: the index of the first record that failed, if any. */
  async firstFailure(): Promise<number | undefined> {
    await Promise.all(this.started);
    return Number.isFinite(this.failedAt) ? this.failedAt : undefined;
  }

  private async run(index: number, work: () => Promise<void>): Promise<void> {
    // A finishing work hands its slot straight to the next in line, so `limit` is never exceeded.
    if (this.running < this.limit) this.running++;
    else await new Promise<void>((resolve) => this.queue.push(resolve));
    try {
      await work();
    } catch {
      this.failedAt = Math.min(this.failedAt, index);
    } finally {
      const next = this.queue.shift();
      if (next) next();
      else this.running--;
    }
  }
}

/**
 * The suppression list read once for a stream batch of notices: the first notice that asks has
 * every recipient of the batch looked up (a read per 100 addresses, not one per notice); an
 * address outside the batch is looked up on its own. A failed read is tried again by the next ask.
 */
export class BatchSuppressions implements Pick<Outbox, 'suppressed'> {
  private readonly batch: Set<string>;
  private readonly lookup: () => Promise<Set<string>>;

  constructor(
    private readonly outbox: Pick<Outbox, 'suppressed'>,
    recipients: string[],
  ) {
    this.batch = new Set(recipients);
    this.lookup = loadOnce(() => outbox.suppressed([...this.batch]));
  }

  async suppressed(addresses: string[]): Promise<Set<string>> {
    if (!addresses.every((a) => this.batch.has(a))) return this.outbox.suppressed(addresses);
    const suppressed = await this.lookup();
    return new Set(addresses.filter((a) => suppressed.has(a)));
  }
}
