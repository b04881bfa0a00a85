import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import type { Handler } from './functions';
import { lambdaContext } from './lambda-context';

/** The part of a schedule the local scheduler keeps (the EventBridge Scheduler request shape). */
export interface LocalSchedule {
  Name: string;
  GroupName: string;
  ScheduleExpression: string;
  ScheduleExpressionTimezone?: string;
  ActionAfterCompletion?: 'DELETE' | 'NONE';
  Target: {
    Arn: string;
    RoleArn: string;
    Input?: string;
    RetryPolicy?: { MaximumRetryAttempts?: number; MaximumEventAgeInSeconds?: number };
    DeadLetterConfig?: { Arn?: string };
  };
  CreationDate?: string;
}

/** Longest setTimeout Node allows; later fire times are re-armed in steps. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** `at(2026-01-01T00:00:00)` in UTC → epoch ms. */
export function fireTime(expression: string): number {
  const m = /^at\((\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})\)$/.exec(expression);
  if (!m) throw new Error(`Only one-time at() expressions are supported locally, got "${expression}".`);
  return Date.parse(`${m[1]}Z`);
}

/**
 * A local stand-in for EventBridge Scheduler, behind the same REST API the SDK speaks: it keeps
 * schedules in a file under the data folder, fires the target function with the schedule's
 * Input at its time, retries failures with backoff, parks what still fails in a dead-letter file,
 * and deletes one-time schedules after they complete.
 */
export class LocalScheduler {
  private readonly schedules = new Map<string, LocalSchedule>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly file: string;
  private readonly deadLetters: string;
  readonly fired: { name: string; at: string; outcome: string }[] = [];

  constructor(
    dataDir: string,
    private readonly targets: Record<string, Handler>,
    private readonly log: (line: string) => void = () => undefined,
  ) {
    const dir = join(dataDir, 'scheduler');
    mkdirSync(dir, { recursive: true });
    this.file = join(dir, 'schedules.json');
    this.deadLetters = join(dir, 'dead-letters.jsonl');
    if (existsSync(this.file)) {
      for (const s of JSON.parse(readFileSync(this.file, 'utf8')) as LocalSchedule[]) this.schedules.set(key(s.GroupName, s.Name), s);
    }
  }

  /** Arms every persisted schedule; ones that came due while stopped fire now. */
  start(): void {
    for (const s of this.schedules.values()) this.arm(s);
  }

  stop(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }

  list(): LocalSchedule[] {
    return [...this.schedules.values()];
  }

  private persist() {
    writeFileSync(this.file, JSON.stringify(this.list(), null, 1));
  }

  private arm(s: LocalSchedule) {
    const k = key(s.GroupName, s.Name);
    clearTimeout(this.timers.get(k));
    const wait = fireTime(s.ScheduleExpression) - Date.now();
    const timer = setTimeout(() => (wait > MAX_TIMER_MS ? this.arm(s) : void this.fire(s, 0)), Math.max(0, Math.min(wait, MAX_TIMER_MS)));
    timer.unref();
    this.timers.set(k, timer);
  }

  private targetFor(s: LocalSchedule): Handler {
    const name = s.Target.Arn.split(':').pop() ?? '';
    const handler = this.targets[name];
    if (!handler) throw new Error(`No local function for target ${s.Target.Arn}.`);
    return handler;
  }

  private async fire(s: LocalSchedule, attempt: number): Promise<void> {
    const k = key(s.GroupName, s.Name);
    if (this.schedules.get(k) !== s) return; // deleted or replaced meanwhile
    try {
      const input: unknown = s.Target.Input ? JSON.parse(s.Target.Input) : {};
      await this.targetFor(s)(input, lambdaContext('expire'));
      this.record(s, 'ok');
      this.complete(s);
    } catch (error) {
      const policy = s.Target.RetryPolicy ?? {};
      const maxAttempts = policy.MaximumRetryAttempts ?? 185;
      const maxAgeMs = (policy.MaximumEventAgeInSeconds ?? 86400) * 1000;
      const delay = Math.min(60_000, 1000 * 2 ** attempt);
      if (attempt < maxAttempts && Date.now() + delay - fireTime(s.ScheduleExpression) < maxAgeMs) {
        this.log(`scheduler: ${s.Name} failed (${String(error)}); retry ${attempt + 1} in ${delay} ms`);
        const timer = setTimeout(() => void this.fire(s, attempt + 1), delay);
        timer.unref();
        this.timers.set(k, timer);
        return;
      }
      this.record(s, 'dead-lettered');
      appendFileSync(this.deadLetters, `${JSON.stringify({ schedule: s.Name, input: s.Target.Input, error: String(error), at: new Date().toISOString() })}\n`);
      this.complete(s);
    }
  }

  private record(s: LocalSchedule, outcome: string) {
    this.fired.push({ name: s.Name, at: new Date().toISOString(), outcome });
    this.log(`scheduler: fired ${s.Name} (${outcome})`);
  }

  private complete(s: LocalSchedule) {
    if (s.ActionAfterCompletion === 'DELETE') {
      this.schedules.delete(key(s.GroupName, s.Name));
      this.timers.delete(key(s.GroupName, s.Name));
      this.persist();
    }
  }

  /** The EventBridge Scheduler REST API subset the SDK uses: create, update, get, delete, list. */
  createServer(): Server {
    return createServer((req, res) => {
      this.route(req, res).catch((error) => apiError(res, 400, 'ValidationException', String(error)));
    });
  }

  private async route(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://localhost');
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
        if (req.method === 'POST' && existing) return apiError(res, 409, 'ConflictException', `Schedule ${name} already exists.`);
        if (req.method === 'PUT' && !existing) return apiError(res, 404, 'ResourceNotFoundException', `Schedule ${name} does not exist.`);
        const schedule = { ...(body as unknown as LocalSchedule), Name: name, GroupName: group, CreationDate: new Date().toISOString() };
        fireTime(schedule.ScheduleExpression);
        this.schedules.set(k, schedule);
        this.persist();
        this.arm(schedule);
        return reply(res, 200, { ScheduleArn: `arn:aws:scheduler:us-east-1:000000000000:schedule/${group}/${name}` });
      }
      case 'GET':
        return existing ? reply(res, 200, { ...existing, Arn: `arn:aws:scheduler:us-east-1:000000000000:schedule/${group}/${name}`, State: 'ENABLED' }) : apiError(res, 404, 'ResourceNotFoundException', `Schedule ${name} does not exist.`);
      case 'DELETE':
        if (!existing) return apiError(res, 404, 'ResourceNotFoundException', `Schedule ${name} does not exist.`);
        clearTimeout(this.timers.get(k));
        this.timers.delete(k);
        this.schedules.delete(k);
        this.persist();
        return reply(res, 200, {});
      default:
        return apiError(res, 405, 'ValidationException', 'Method not allowed.');
    }
  }
}

const key = (group: string, name: string) => `${group}/${name}`;

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

function reply(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

function apiError(res: ServerResponse, status: number, type: string, message: string) {
  res.writeHead(status, { 'content-type': 'application/json', 'x-amzn-errortype': type }).end(JSON.stringify({ __type: type, Message: message }));
}
