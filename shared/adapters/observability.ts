import { mapStackTracesToSources } from './stack-traces';

/** Log levels in order; a line below the function's level is not written. */
const LEVELS = { DEBUG: 10, INFO: 20, WARN: 30, ERROR: 40, SILENT: 100 } as const;
type Level = Exclude<keyof typeof LEVELS, 'SILENT'>;

/** An Error in a log field, as its name, message and stack (JSON.stringify would give `{}`). */
const errorsReadable = (_key: string, value: unknown) => (value instanceof Error ? { name: value.name, message: value.message, stack: value.stack } : value);

/**
 * Structured JSON log lines, one per call, on stdout (CloudWatch keeps each as one event): the
 * level, the message, the time, the service, the keys of the invocation now running (cold start,
 * Lambda's request id, the API Gateway request id as correlation id), then the call's own fields.
 * Powertools' Logger wrote the same lines; this is its part we use, without its 2 ms of every
 * cold start (`npm run bench`).
 */
export class JsonLogger {
  private invocation: Record<string, unknown> = {};
  private readonly threshold: number;

  constructor(
    private readonly service: string,
    level: string | undefined,
    private readonly out: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
  ) {
    this.threshold = LEVELS[(level ?? 'INFO').toUpperCase() as keyof typeof LEVELS] ?? LEVELS.INFO;
  }

  debug(message: string, fields: Record<string, unknown> = {}): void {
    this.write('DEBUG', message, fields);
  }

  info(message: string, fields: Record<string, unknown> = {}): void {
    this.write('INFO', message, fields);
  }

  warn(message: string, fields: Record<string, unknown> = {}): void {
    this.write('WARN', message, fields);
  }

  error(message: string, fields: Record<string, unknown> = {}): void {
    this.write('ERROR', message, fields);
  }

  /** The keys every line of the invocation now running carries; the next invocation's replace them. */
  startInvocation(keys: Record<string, unknown>): void {
    this.invocation = keys;
  }

  private write(level: Level, message: string, fields: Record<string, unknown>) {
    if (LEVELS[level] < this.threshold) return;
    this.out(JSON.stringify({ level, message, timestamp: new Date().toISOString(), service: this.service, ...this.invocation, ...fields }, errorsReadable));
  }
}

/**
 * The functions' logger, created once per cold start. The stack sets the service
 * (`POWERTOOLS_SERVICE_NAME`, which the metrics share) and the level (`LOG_LEVEL`: INFO in AWS,
 * WARN locally). The metrics are in `metrics.ts`, loaded only by the functions that count.
 */
export const logger = new JsonLogger(process.env.POWERTOOLS_SERVICE_NAME ?? 'support-access', process.env.LOG_LEVEL);

/** Errors logged here, and those the Lambda runtime logs, name the TypeScript file and line (read from the source maps only when a stack is formatted). */
mapStackTracesToSources(import.meta.url);
