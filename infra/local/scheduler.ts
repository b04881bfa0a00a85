import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import type { Clock } from '../../shared/domain/clock';
import type { AsyncInvoker } from './async-invoke';

/** The part of a schedule the local scheduler keeps (the EventBridge Scheduler request shape). */
export interface LocalSchedule {
  Name: string;
  GroupName: string;
  ScheduleExpression: string;
  ScheduleExpressionTimezone?: string;
  FlexibleTimeWindow: { Mode: 'OFF' | 'FLEXIBLE'; MaximumWindowInMinutes?: number };
  ActionAfterCompletion?: 'DELETE' | 'NONE';
  Target: {
    Arn: string;
    RoleArn: string;
    Input?: string;
    RetryPolicy?: { MaximumRetryAttempts?: number; MaximumEventAgeInSeconds?: number };
    DeadLetterConfig?: { Arn?: string };
  };
  CreationDate?: string;
  /** Local only: when this schedule fires (within the minute after its at-time). */
  LocalFireAt?: string;
  /** Local only: when a schedule kept after completion (`NONE`) fired; a one-time schedule never fires again. */
  LocalFiredAt?: string;
}

/** How the local scheduler picks the moment within the minute: like AWS (`random`), or at the at-time (`exact`). */
export type FireMode = 'random' | 'exact';

class ValidationException extends Error {}
class NotFound extends Error {}

const NAME = /^[0-9a-zA-Z_.-]{1,64}$/;
const AT = /^at\((\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\)$/;

/** `at(2026-01-01T00:00:00)` in UTC → epoch ms; anything else is refused the way AWS refuses it. */
export function fireTime(expression: string): number {
  const m = AT.exec(expression);
  if (!m) throw new ValidationException(`Invalid Schedule Expression ${expression}. The local scheduler takes one-time at(yyyy-mm-ddThh:mm:ss) expressions only.`);
  const ms = Date.parse(`${m.slice(1, 4).join('-')}T${m.slice(4, 7).join(':')}Z`);
  if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 19) !== `${m.slice(1, 4).join('-')}T${m.slice(4, 7).join(':')}`) {
    throw new ValidationException(`Invalid Schedule Expression ${expression}: not a calendar date and time.`);
  }
  return ms;
}

/** What CreateSchedule and UpdateSchedule check before anything is stored. */
export function validateSchedule(name: string, body: Record<string, unknown>, group: string): LocalSchedule {
  if (!NAME.test(name)) throw new ValidationException(`Name must be 1 to 64 characters of [0-9a-zA-Z-_.], got "${name}".`);
  const groupName = (body.GroupName as string | undefined) ?? 'default';
  if (groupName !== group) throw new NotFound(`Schedule group ${groupName} does not exist.`);
  const expression = String(body.ScheduleExpression ?? '');
  fireTime(expression);
  if (body.ScheduleExpressionTimezone !== undefined && body.ScheduleExpressionTimezone !== 'UTC') {
    throw new ValidationException(`The local scheduler evaluates at() in UTC only, got ScheduleExpressionTimezone ${String(body.ScheduleExpressionTimezone)}.`);
  }
  const window = body.FlexibleTimeWindow as LocalSchedule['FlexibleTimeWindow'] | undefined;
  if (!window || (window.Mode !== 'OFF' && window.Mode !== 'FLEXIBLE')) throw new ValidationException('FlexibleTimeWindow with Mode OFF or FLEXIBLE is required.');
  if (window.Mode === 'FLEXIBLE' && !(Number(window.MaximumWindowInMinutes) >= 1 && Number(window.MaximumWindowInMinutes) <= 1440)) {
    throw new ValidationException('FlexibleTimeWindow.MaximumWindowInMinutes must be 1 to 1440 when Mode is FLEXIBLE.');
  }
  const after = body.ActionAfterCompletion;
  if (after !== undefined && after !== 'NONE' && after !== 'DELETE') throw new ValidationException('ActionAfterCompletion must be NONE or DELETE.');
  const target = body.Target as LocalSchedule['Target'] | undefined;
  if (!target?.Arn || !target.RoleArn) throw new ValidationException('Target.Arn and Target.RoleArn are required.');
  const retry = target.RetryPolicy ?? {};
  if (retry.MaximumRetryAttempts !== undefined && !(retry.MaximumRetryAttempts >= 0 && retry.MaximumRetryAttempts <= 185)) throw new ValidationException('RetryPolicy.MaximumRetryAttempts must be 0 to 185.');
  if (retry.MaximumEventAgeInSeconds !== undefined && !(retry.MaximumEventAgeInSeconds >= 60 && retry.MaximumEventAgeInSeconds <= 86400)) throw new ValidationException('RetryPolicy.MaximumEventAgeInSeconds must be 60 to 86400.');
  return { ...(body as unknown as LocalSchedule), Name: name, GroupName: groupName };
}

/**
 * A local stand-in for EventBridge Scheduler, behind the same REST API the SDK speaks, as strict
 * as the service where a difference could hide a bug: it validates names, the group and the
 * at-expression; it fires within the minute after the at-time (Scheduler's precision), on the
 * stack clock; it hands the Input to the target function *asynchronously* (Lambda's async
 * retries and on-failure destination apply, not the schedule's RetryPolicy); a target it cannot
 * invoke goes to the schedule's dead-letter file; a one-time schedule fires once, and is deleted
 * after firing if it asked for `DELETE` (kept, completed, with `NONE`, the service's default).
 */
export class LocalScheduler {
  private readonly schedules = new Map<string, LocalSchedule>();
  private readonly file: string;
  private readonly deadLetters: string;
  private fireMode: FireMode;
  readonly fired: { name: string; at: string; outcome: string }[] = [];

  constructor(
    dataDir: string,
    private readonly targets: Record<string, AsyncInvoker>,
    private readonly clock: Clock,
    private readonly options: { group: string; fireMode: FireMode },
    private readonly log: (line: string) => void = () => undefined,
  ) {
    this.fireMode = options.fireMode;
    const dir = join(dataDir, 'scheduler');
    mkdirSync(dir, { recursive: true });
    this.file = join(dir, 'schedules.json');
    this.deadLetters = join(dir, 'dead-letters.jsonl');
    if (existsSync(this.file)) {
      for (const s of JSON.parse(readFileSync(this.file, 'utf8')) as LocalSchedule[]) this.schedules.set(key(s.GroupName, s.Name), this.withFireTime(s));
    }
  }

  /** For schedules created from now on (tests that need the exact minute); `undefined` restores the stack's mode. */
  setFireMode(mode: FireMode | undefined): void {
    this.fireMode = mode ?? this.options.fireMode;
  }

  /** When the earliest schedule still to fire fires (stack time). */
  nextFireAt(): number | undefined {
    let next: number | undefined;
    for (const s of this.schedules.values()) {
      if (s.LocalFiredAt) continue;
      const at = Date.parse(s.LocalFireAt!);
      if (next === undefined || at < next) next = at;
    }
    return next;
  }

  list(): LocalSchedule[] {
    return [...this.schedules.values()];
  }

  /** Fires every schedule due on the stack clock and runs due retries; resolves when they are done. */
  async tick(): Promise<void> {
    const now = this.clock.now().getTime();
    const due = this.list().filter((s) => !s.LocalFiredAt && Date.parse(s.LocalFireAt!) <= now);
    // A one-time schedule is complete once the target accepted the event (async invocation): it
    // is deleted (`DELETE`) or marked fired (`NONE`) before it fires, so a slow target never fires
    // twice — a tick's in one write (200 schedules due in one second are 200 deletions, not 200
    // rewrites of the file).
    for (const s of due) {
      if (s.ActionAfterCompletion === 'DELETE') this.schedules.delete(key(s.GroupName, s.Name));
      else this.schedules.set(key(s.GroupName, s.Name), { ...s, LocalFiredAt: new Date(now).toISOString() });
    }
    if (due.length) this.persist();
    await Promise.all([...due.map((s) => this.fire(s)), ...Object.values(this.targets).map((t) => t.tick())]);
  }

  private persist() {
    writeFileSync(this.file, JSON.stringify(this.list(), null, 1));
  }

  /** Somewhere in the minute after the at-time, like Scheduler; exactly at it in `exact` mode. */
  private withFireTime(s: LocalSchedule): LocalSchedule {
    if (s.LocalFireAt) return s;
    const jitter = this.fireMode === 'exact' ? 0 : Math.floor(Math.random() * 60_000);
    return { ...s, LocalFireAt: new Date(fireTime(s.ScheduleExpression) + jitter).toISOString() };
  }

  private async fire(s: LocalSchedule): Promise<void> {
    const name = s.Target.Arn.split(':').pop() ?? '';
    const target = this.targets[name];
    if (!target) {
      this.record(s, 'dead-lettered');
      appendFileSync(this.deadLetters, `${JSON.stringify({ schedule: s.Name, input: s.Target.Input, error: `No function ${s.Target.Arn} to invoke.`, at: this.clock.now().toISOString() })}\n`);
      return;
    }
    this.record(s, 'invoked');
    await target.accept(s.Target.Input ? JSON.parse(s.Target.Input) : {});
  }

  private record(s: LocalSchedule, outcome: string) {
    this.fired.push({ name: s.Name, at: this.clock.now().toISOString(), outcome });
    this.log(`scheduler: fired ${s.Name} (${outcome})`);
  }

  /**
   * The EventBridge Scheduler REST API subset the SDK uses (create, update, get, delete, list),
   * and whatever local control `extra` serves (the test stack's clock).
   */
  createServer(extra?: (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<boolean>): Server {
    return createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      (async () => {
        if (extra && (await extra(req, res, url))) return;
        await this.route(req, res, url);
      })().catch((error) => {
        if (error instanceof NotFound) return apiError(res, 404, 'ResourceNotFoundException', error.message);
        apiError(res, 400, 'ValidationException', error instanceof Error ? error.message : String(error));
      });
    });
  }

  private async route(req: IncomingMessage, res: ServerResponse, url: URL) {
    if (req.method === 'GET' && url.pathname === '/schedules') {
      return reply(res, 200, { Schedules: this.list().map((s) => ({ Name: s.Name, GroupName: s.GroupName, State: 'ENABLED' })) });
    }
    const m = /^\/schedules\/([^/]+)$/.exec(url.pathname);
    if (!m) return apiError(res, 404, 'ResourceNotFoundException', 'Unknown path.');
    const name = decodeURIComponent(m[1]!);
    const body = req.method === 'POST' || req.method === 'PUT' ? await readJson(req) : {};
    const group = (body.GroupName as string | undefined) ?? url.searchParams.get('groupName') ?? 'default';
    const k = key(group, name);
    const existing = this.schedules.get(k);
    switch (req.method) {
      case 'POST':
      case 'PUT': {
        const valid = validateSchedule(name, body, this.options.group);
        if (req.method === 'POST' && existing) return apiError(res, 409, 'ConflictException', `Schedule ${name} already exists.`);
        if (req.method === 'PUT' && !existing) return apiError(res, 404, 'ResourceNotFoundException', `Schedule ${name} does not exist.`);
        const schedule = this.withFireTime({ ...valid, LocalFireAt: undefined, LocalFiredAt: undefined, CreationDate: existing?.CreationDate ?? this.clock.now().toISOString() });
        this.schedules.set(k, schedule);
        this.persist();
        return reply(res, 200, { ScheduleArn: `arn:aws:scheduler:us-east-1:000000000000:schedule/${group}/${name}` });
      }
      case 'GET':
        if (group !== this.options.group) throw new NotFound(`Schedule group ${group} does not exist.`);
        return existing ? reply(res, 200, { ...existing, Arn: `arn:aws:scheduler:us-east-1:000000000000:schedule/${group}/${name}`, State: 'ENABLED' }) : apiError(res, 404, 'ResourceNotFoundException', `Schedule ${name} does not exist.`);
      case 'DELETE':
        if (group !== this.options.group) throw new NotFound(`Schedule group ${group} does not exist.`);
        if (!existing) return apiError(res, 404, 'ResourceNotFoundException', `Schedule ${name} does not exist.`);
        this.schedules.delete(k);
        this.persist();
        return reply(res, 200, {});
      default:
        return apiError(res, 405, 'ValidationException', 'Method not allowed.');
    }
  }
}

const key = (group: string, name: string) => `${group}/${name}`;

export async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

export function reply(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

function apiError(res: ServerResponse, status: number, type: string, message: string) {
  res.writeHead(status, { 'content-type': 'application/json', 'x-amzn-errortype': type }).end(JSON.stringify({ __type: type, Message: message }));
}
