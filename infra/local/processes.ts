import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';

/** Child processes of the local stack; all of them end when the stack stops. */
export class Children {
  private readonly children: { name: string; proc: ChildProcess }[] = [];
  /** Set once the stack is stopping, so supervisors do not restart what is being stopped. */
  stopping = false;

  start(name: string, command: string, args: string[], options: SpawnOptions = {}): ChildProcess {
    const proc = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
    this.children.push({ name, proc });
    return proc;
  }

  adopt(name: string, proc: ChildProcess): ChildProcess {
    this.children.push({ name, proc });
    return proc;
  }

  /** Resolves when every child has exited (SIGTERM, then SIGKILL after two seconds). */
  async stopAll(): Promise<void> {
    this.stopping = true;
    await Promise.all(
      this.children.map(
        ({ proc }) =>
          new Promise<void>((resolve) => {
            if (proc.exitCode !== null || proc.signalCode !== null) return resolve();
            const timer = setTimeout(() => proc.kill('SIGKILL'), 2000);
            proc.once('exit', () => {
              clearTimeout(timer);
              resolve();
            });
            proc.kill('SIGTERM');
          }),
      ),
    );
  }
}

/** Collects a child's output so a failure can say what the child said. */
export function captureOutput(proc: ChildProcess, limit = 4000): () => string {
  let out = '';
  const keep = (chunk: Buffer) => {
    out = (out + chunk.toString()).slice(-limit);
  };
  proc.stdout?.on('data', keep);
  proc.stderr?.on('data', keep);
  return () => out;
}
