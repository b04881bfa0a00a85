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
