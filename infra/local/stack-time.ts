import type { IncomingMessage, ServerResponse } from 'node:http';
import type { OffsetClock } from '../../shared/domain/clock';
import { readJson, reply } from './scheduler';

/**
 * Time on the local stack: one clock for the functions, the scheduler and the sweep, and the
 * tickers that act on it (fire due schedules and retries, run the sweep when its period is up).
 * A real-time interval ticks it; on the test stage (`SA_CLOCK_CONTROL=on`) a test can also set
 * or advance the clock through `/__clock` on the scheduler's port — a local control, never a
 * route of the product — and the call returns once everything that came due has run.
 */
export class StackTime {
  private readonly tickers: { name: string; run: () => Promise<void>; nextDue?: () => number | undefined }[] = [];
  /** Local switches a test may flip through `/__clock` (the scheduler's fire mode); reset restores them. */
  private readonly switches: { fireMode?: (mode: 'exact' | 'random' | undefined) => void } = {};
  private chain: Promise<void> = Promise.resolve();
  private queued = 0;
  private timer?: NodeJS.Timeout;
  private wake?: NodeJS.Timeout;

  constructor(
    readonly clock: OffsetClock,
    private readonly controllable: boolean,
    private readonly log: (line: string) => void = () => undefined,
  ) {}

  onFireMode(set: (mode: 'exact' | 'random' | undefined) => void): void {
    this.switches.fireMode = set;
  }

  /** `nextDue`: when the ticker next has something to do (stack time), so a tick can come exactly then. */
  onTick(name: string, run: () => Promise<void>, nextDue?: () => number | undefined): void {
    this.tickers.push({ name, run, nextDue });
  }

  /** Runs every ticker once, one tick after another (never two at the same time). */
  tick(): Promise<void> {
    this.queued++;
    this.chain = this.chain.then(async () => {
      this.queued--;
      for (const t of this.tickers) await t.run().catch((error: unknown) => this.log(`${t.name}: ${String(error)}`));
    });
    return this.chain;
  }

  start(intervalMs = 100): void {
    // Real time moves too; a slow tick is not queued behind itself. Between two ticks, one more
    // comes exactly when something falls due (the scheduler's exact mode fires at the at-time).
    this.timer = setInterval(() => {
      if (this.queued === 0) void this.tick();
      this.wakeForNextDue(intervalMs);
    }, intervalMs);
    this.timer.unref();
  }

  /** Arms one tick for the earliest due time within the next interval — while the clock flows with real time. */
  private wakeForNextDue(intervalMs: number) {
    if (!this.clock.flowing) return;
    const now = this.clock.now().getTime();
    const due = Math.min(...this.tickers.map((t) => t.nextDue?.() ?? Infinity));
    if (!(due > now && due - now < intervalMs)) return;
    clearTimeout(this.wake);
    this.wake = setTimeout(() => void this.tick(), due - now);
    this.wake.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    clearTimeout(this.wake);
  }

  /**
   * `GET /__clock` → now; `POST /__clock` with `{"advanceMs": n}`, `{"set": iso}` (standing still
   * there; `"flowing": true` to let it run on), `{"reset": true}`
   * (real time and the stack's fire mode again) or `{"fireMode": "exact" | "random"}` → now, after the tick.
   */
  readonly control = async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> => {
    if (url.pathname !== '/__clock' || !this.controllable) return false;
    if (req.method === 'POST') {
      const body = await readJson(req);
      if (typeof body.advanceMs === 'number' && body.advanceMs >= 0) this.clock.advance(body.advanceMs);
      else if (typeof body.set === 'string' && !Number.isNaN(Date.parse(body.set))) this.clock.set(new Date(body.set), body.flowing === true);
      else if (body.reset === true) {
        this.clock.reset();
        this.switches.fireMode?.(undefined);
      } else if (body.fireMode === 'exact' || body.fireMode === 'random') this.switches.fireMode?.(body.fireMode);
      else {
        reply(res, 400, { message: 'Send {"advanceMs": n ≥ 0}, {"set": "<ISO time>"}, {"reset": true} or {"fireMode": "exact" | "random"}.' });
        return true;
      }
      this.log(`clock: now ${this.clock.now().toISOString()}`);
      await this.tick();
    }
    reply(res, 200, { now: this.clock.now().toISOString() });
    return true;
  };
}

/**
 * A periodic job on the stack clock (the sweep's EventBridge rule): due every `periodMs` of stack
 * time, so a test that moves the clock past a period sees it run once, however far it moved.
 */
export function periodic(clock: { now(): Date }, periodMs: number, run: () => Promise<void>): () => Promise<void> {
  let nextAt = clock.now().getTime() + periodMs;
  return async () => {
    const now = clock.now().getTime();
    // The clock was moved back (a test reset it): count the period from now.
    if (now < nextAt - periodMs) nextAt = now + periodMs;
    if (now < nextAt) return;
    nextAt = now + periodMs;
    await run();
  };
}
