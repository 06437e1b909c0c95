import stripAnsi from 'strip-ansi';
import { formatLocalTime, renderReportTable } from '../reports/render.js';
import type { CrashReportSummary } from '../reports/types.js';
import type { ProcessRow } from '../supervisor/process-rows.js';
import type { Snapshot } from '../supervisor/snapshot/format.js';
import { createColors, formatClock } from './format.js';
import { renderProcessTable } from './process-table.js';

/**
 * `ovrseer snapshot show`: what the project was, read from the file alone — a heading, the process
 * table as `ps` prints it, the last lines of each instance, and the crash reports.
 * @param width the terminal's columns, for the reports table (Infinity when not a terminal)
 */
export function renderSnapshot(snapshot: Snapshot, options: { color: boolean; width: number }): string {
  const c = createColors(options.color);
  const where = snapshot.project.file ?? snapshot.project.dir;
  const parts = [
    `${c.bold(`snapshot of ${snapshot.project.name}`)} (${where}), taken ${formatLocalTime(Date.parse(snapshot.createdAt))} by ovrseer ${snapshot.ovrseer}, supervisor pid ${snapshot.supervisor.pid}\n`,
  ];
  const rows: ProcessRow[] = snapshot.instances.map((instance) => ({
    group: null,
    tags: [],
    branch: null,
    stopping: null,
    ...instance,
  })) as ProcessRow[];
  parts.push(renderProcessTable(rows, { color: options.color }));
  const width = Math.max(0, ...snapshot.instances.map((instance) => instance.name.length));
  for (const instance of snapshot.instances) {
    const lines = snapshot.logs.byInstance[instance.name] ?? [];
    parts.push(
      `\n${c.bold(`${instance.name}`)} ${c.dim(`(last ${lines.length} line${lines.length === 1 ? '' : 's'}, at most ${snapshot.logs.lines} kept)`)}\n`,
    );
    for (const line of lines) {
      const text = options.color ? line.text : stripAnsi(line.text);
      parts.push(`${c.dim(formatClock(Date.parse(line.time)))} ${instance.name.padEnd(width)} | ${text}\n`);
    }
  }
  const summaries = snapshot.reports.summaries as CrashReportSummary[];
  if (summaries.length === 0) parts.push('\nno crash reports\n');
  else {
    const omitted = snapshot.reports.bodiesOmitted;
    parts.push(
      `\n${c.bold(`crash reports (${summaries.length}${omitted > 0 ? `; ${omitted} listed only, their bodies left out by the size bound` : ''})`)}\n`,
    );
    parts.push(renderReportTable(summaries, options.width));
  }
  return parts.join('');
}
