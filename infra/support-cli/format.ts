/** How the CLI shows things to a person: aligned tables and times relative to now. */

/** "3 h 12 min", "45 s", "2 d 4 h": the two largest units. */
export function span(ms: number): string {
  const s = Math.round(Math.abs(ms) / 1000);
  const parts: [number, string][] = [
    [Math.floor(s / 86400), 'd'],
    [Math.floor((s % 86400) / 3600), 'h'],
    [Math.floor((s % 3600) / 60), 'min'],
    [s % 60, 's'],
  ];
  const first = parts.findIndex(([n]) => n > 0);
  if (first < 0) return '0 s';
  return parts
    .slice(first, first + 2)
    .filter(([n]) => n > 0)
    .map(([n, unit]) => `${n} ${unit}`)
    .join(' ');
}

/** "ends in 3 h 12 min" or "ended 5 min ago" (with other verbs for other moments). */
export function relative(iso: string | undefined, now: Date, verbs: { future: string; past: string } = { future: 'ends in', past: 'ended' }): string {
  if (!iso) return '—';
  const ms = Date.parse(iso) - now.getTime();
  if (Number.isNaN(ms)) return iso;
  return ms >= 0 ? `${verbs.future} ${span(ms)}` : `${verbs.past} ${span(ms)} ago`;
}

export const ago = (iso: string | undefined, now: Date): string => relative(iso, now, { future: 'in', past: '' }).trim();

/** Columns padded to their widest cell; an empty list says so instead of printing a bare header. */
export function table(rows: Record<string, string>[], columns: [key: string, header: string][], empty: string): string {
  if (!rows.length) return empty;
  const cells = [columns.map(([, header]) => header), ...rows.map((row) => columns.map(([key]) => row[key] ?? ''))];
  const widths = columns.map((_, i) => Math.max(...cells.map((line) => line[i]!.length)));
  return cells.map((line) => line.map((cell, i) => (i === line.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ')).join('\n');
}
