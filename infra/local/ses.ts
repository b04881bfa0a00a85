import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { LocalLayout } from './layout';
import { StartupError, waitFor } from './preflight';
import { captureOutput, type Children } from './processes';

const require = createRequire(import.meta.url);

/**
 * The SES v2 emulator (aws-ses-v2-local) in its own process, with its mailbox page. Like a
 * managed service it comes back after a crash (two seconds later); meanwhile sends fail and the
 * outbox retries them. Its mailbox is in memory, so a restart starts it empty.
 */
export async function startSesEmulator(layout: LocalLayout, children: Children): Promise<void> {
  const cli = join(dirname(require.resolve('aws-ses-v2-local/package.json')), 'dist', 'cli.js');
  const launch = () => {
    const proc = children.start('ses', process.execPath, [cli, '--host', '127.0.0.1', '--port', String(layout.ports.mailbox)]);
    const output = captureOutput(proc);
    proc.once('exit', (code, signal) => {
      if (children.stopping) return;
      console.error(`SES emulator exited (${code ?? signal}): ${output().trim().split('\n').slice(-1)[0] ?? ''}; restarting in 2 s`);
      setTimeout(() => {
        if (!children.stopping) launch();
      }, 2000);
    });
    return { proc, output };
  };
  const { proc, output } = launch();
  await waitFor('The SES emulator', async () => {
    if (proc.exitCode !== null) throw new StartupError(`The SES emulator exited: ${output().trim()}`);
    const res = await fetch(`http://127.0.0.1:${layout.ports.mailbox}/store`);
    if (!res.ok) throw new Error(`status ${res.status}`);
  });
}
