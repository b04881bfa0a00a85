import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { bundleFunction } from '../../infra/constructs/support-function';
import { originalFrame } from '../../shared/adapters/stack-traces';

/**
 * A bundle built exactly as the CDK builds every function, run by a Node without flags (as the
 * Lambda runtime runs it now): its stack traces name the TypeScript file and line.
 */
describe('stack traces from a bundle name the TypeScript source', () => {
  const dir = mkdtempSync(join(tmpdir(), 'stack-traces-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const entry = join(dir, 'failing-function.ts');
  writeFileSync(
    entry,
    [
      `import { mapStackTracesToSources } from ${JSON.stringify(resolve('shared/adapters/stack-traces.ts'))};`,
      'export const installed = mapStackTracesToSources(import.meta.url);',
      'export function failDeepInside(): never {',
      "  throw new Error('the store refused');",
      '}',
      'export const handler = async () => failDeepInside();',
      '',
    ].join('\n'),
  );
  bundleFunction(entry, join(dir, 'out'));
  const bundle = pathToFileURL(join(dir, 'out', 'index.mjs')).href;

  /** Imports the bundle in a fresh Node, calls the handler, and reports what it threw. */
  const run = (flags: string[]) => {
    const script = `const m = await import(${JSON.stringify(bundle)}); try { await m.handler(); } catch (error) { console.log(JSON.stringify({ installed: m.installed, stack: error.stack })); }`;
    const child = spawnSync(process.execPath, [...flags, '--input-type=module', '-e', script], { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } });
    expect(child.stderr).toBe('');
    return JSON.parse(child.stdout) as { installed: boolean; stack: string };
  };

  test('without --enable-source-maps the frames are mapped when the stack is read', () => {
    // Act
    const { installed, stack } = run([]);

    // Assess: the message stays, the throwing line is named, no bundle position is left
    expect(installed).toBe(true);
    expect(stack.split('\n')[0]).toBe('Error: the store refused');
    expect(stack).toMatch(/at \S+ \((?:\S*\/)?failing-function\.ts:4:\d+\)/);
    expect(stack).toMatch(/failing-function\.ts:6:\d+/);
    expect(stack).not.toMatch(/index\.mjs:\d+:\d+/);
  });

  test('where Node maps on its own (--enable-source-maps, tsx, jest) it is left to do so', () => {
    const { installed, stack } = run(['--enable-source-maps']);

    expect(installed).toBe(false);
    expect(stack).toMatch(/failing-function\.ts:4:\d+/);
  });

  test('a frame of a file without a map, or of Node itself, is kept as it was', () => {
    const frames = ['fail (file:///nowhere/index.mjs:1:234)', 'process.processTicksAndRejections (node:internal/process/task_queues:105:5)', 'file:///nowhere/chunks/chunk-A.mjs:3:9'];

    expect(frames.map(originalFrame)).toEqual(frames);
  });
});
