/** Where domain code gets the time; injected so tests and the scheduler agree on "now". */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock a test can move by hand. */
export class ManualClock implements Clock {
  constructor(private current: Date) {}
  now(): Date {
    return new Date(this.current.getTime());
  }
  set(to: Date): void {
    this.current = new Date(to.getTime());
  }
  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}

/** Epoch seconds, the unit DynamoDB TTL wants. */
export const epochSeconds = (d: Date | string): number => Math.floor(new Date(d).getTime() / 1000);

/**
 * Real time plus a settable offset: the one clock of a local test stack, shared by the functions,
 * the local scheduler and the sweep, which a test moves instead of waiting for real seconds.
 * Set to a time it stands still there (so "one millisecond before the expiry" stays so while a
 * request travels) unless asked to flow on from it.
 */
export class OffsetClock implements Clock {
  private offsetMs = 0;
  private frozenAt?: number;
  now(): Date {
    return new Date(this.frozenAt ?? Date.now() + this.offsetMs);
  }
  set(to: Date, flowing = false): void {
    if (flowing) {
      this.frozenAt = undefined;
      this.offsetMs = to.getTime() - Date.now();
    } else this.frozenAt = to.getTime();
  }
  advance(ms: number): void {
    if (this.frozenAt !== undefined) this.frozenAt += ms;
    else this.offsetMs += ms;
  }
  /** Whether it moves with real time (not set to stand still). */
  get flowing(): boolean {
    return this.frozenAt === undefined;
  }
  /** Back to real time, flowing. */
  reset(): void {
    this.offsetMs = 0;
    this.frozenAt = undefined;
  }
}

/** The local stack's clock (one per process); functions use it only when `SA_CLOCK_CONTROL=on`. */
export const stackClock = new OffsetClock();
