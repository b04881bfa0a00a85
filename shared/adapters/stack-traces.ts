import { existsSync, readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { fileURLToPath } from 'node:url';

/**
 * Stack traces that name the TypeScript file and line, read from the bundle's source maps only
 * when a stack is first formatted. Node's `--enable-source-maps` does the same, but it reads and
 * measures every bundle file's map while the module loads: 8–10 ms of every cold start
 * (`npm run bench`), to serve the rare error.
 */

/** A bundle file's map, read once per container; `undefined` when it has none. */
const maps = new Map<string, SourceMap | undefined>();

function mapOf(url: string): SourceMap | undefined {
  if (!maps.has(url)) {
    let map: SourceMap | undefined;
    try {
      const file = `${fileURLToPath(url)}.map`;
      if (existsSync(file)) map = new SourceMap(JSON.parse(readFileSync(file, 'utf8')));
    } catch {
      map = undefined; // a stack trace never fails for want of a map: the bundle's position stands
    }
    maps.set(url, map);
  }
  return maps.get(url);
}

const BUNDLE_POSITION = /(file:\/\/[^\s()]+\.mjs):(\d+):(\d+)/;

/** One frame (`at fn (file:///var/task/index.mjs:1:2345)`) with the source's file and position instead, where the map knows them. */
export function originalFrame(frame: string): string {
  return frame.replace(BUNDLE_POSITION, (position, url: string, line: string, column: string) => {
    const origin = mapOf(url)?.findOrigin(Number(line), Number(column));
    if (!origin || !('fileName' in origin)) return position;
    // The map names sources relative to itself (`../shared/domain/grant-service.ts`): the repository path reads best.
    return `${origin.fileName.replace(/^(?:\.\.?\/)+/, '')}:${origin.lineNumber}:${origin.columnNumber}`;
  });
}

/** V8's own format (`Name: message` and `    at` frames), each frame mapped. */
function prepareStackTrace(error: Error, frames: NodeJS.CallSite[]): string {
  let header: string;
  try {
    header = Error.prototype.toString.call(error);
  } catch {
    header = '<error>';
  }
  return [header, ...frames.map((frame) => `    at ${originalFrame(String(frame))}`)].join('\n');
}

/**
 * Maps stack traces to the sources when this code runs from a bundle with source maps and Node
 * maps none itself (the Lambda runtime: no `--enable-source-maps`). Under tsx or jest, which map
 * on their own, it changes nothing.
 */
export function mapStackTracesToSources(moduleUrl: string): boolean {
  if (process.sourceMapsEnabled || !moduleUrl.endsWith('.mjs') || !existsSync(`${fileURLToPath(moduleUrl)}.map`)) return false;
  Error.prepareStackTrace = prepareStackTrace;
  return true;
}
