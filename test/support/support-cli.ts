import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TEST_ENV } from './stack-config';

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The support CLI as an agent runs it, against the test stack, with its own config directory. */
export class SupportCli {
  readonly configDir = mkdtempSync(join(tmpdir(), 'support-cli-'));

  private env(): NodeJS.ProcessEnv {
    return { ...process.env, SA_STAGE: TEST_ENV.SA_STAGE, SA_PORT_BASE: TEST_ENV.SA_PORT_BASE, SA_CONFIG_DIR: this.configDir, NODE_OPTIONS: '' };
  }

  /** Starts a command; the caller reads its output and waits for it. */
  start(args: string[]): ChildProcess {
    return spawn(join(process.cwd(), 'node_modules', '.bin', 'tsx'), ['infra/support-cli/cli.ts', ...args], { env: this.env(), stdio: ['ignore', 'pipe', 'pipe'] });
  }

  async run(...args: string[]): Promise<CliRun> {
    const child = this.start(args);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    return { code, stdout: stdout.trim(), stderr: stderr.trim() };
  }
}
