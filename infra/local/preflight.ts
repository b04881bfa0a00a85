import { spawnSync } from 'node:child_process';
import { createServer } from 'node:net';

/** A problem the person starting the stack can fix; printed as one line, no stack trace. */
export class StartupError extends Error {}

/** DynamoDB Local needs Java 17 or newer. */
export function checkJava(): void {
  const out = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (out.error || out.status !== 0) {
    throw new StartupError('Java is not installed; DynamoDB Local needs Java 17+ (Debian: apt-get install openjdk-17-jre-headless).');
  }
  const match = /version "(\d+)/.exec(`${out.stderr}${out.stdout}`);
  const major = match ? Number(match[1]) : 0;
  if (major < 17) throw new StartupError(`Java ${major || 'of unknown version'} found; DynamoDB Local needs Java 17+.`);
}

function portFree(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
}

/** Fails fast, naming the first port already in use. */
export async function checkPorts(ports: Record<string, number>): Promise<void> {
  for (const [name, port] of Object.entries(ports)) {
    if (!(await portFree(port, '127.0.0.1'))) {
      throw new StartupError(`Port ${port} (${name}) is already in use; stop whatever uses it, or set SA_PORT_BASE to another base port.`);
    }
  }
}

/** Resolves once `probe` succeeds, or fails after `timeoutMs` with `what` named. */
export async function waitFor(what: string, probe: () => Promise<unknown>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      await probe();
      return;
    } catch (error) {
      if (error instanceof StartupError) throw error;
      last = error;
      await new Promise((r) => setTimeout(r, 150));
    }
  }
  throw new StartupError(`${what} did not become ready in ${timeoutMs / 1000}s (${String(last)}).`);
}
