import type { CrashReport, CrashReportLine, CrashReportSummary } from './types.js';

/** Text styling supplied by the caller (the CLI decides about colour; this module only lays out). */
export interface RenderStyle {
  heading(text: string): string;
  dim(text: string): string;
}

const PLAIN: RenderStyle = { heading: (text) => text, dim: (text) => text };
const GAP = '  ';
const MIN_REASON_WIDTH = 12;

const pad2 = (value: number): string => String(value).padStart(2, '0');

/** `2026-11-22 00:45:12` in local time: what a person compares with their own clock. */
export function formatLocalTime(time: number): string {
  const d = new Date(time);
  const date = `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())}`;
  return `${date} ${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}`;
}

export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return '-';
  if (ms < 1000) return `${Math.round(ms)}ms`;
  // One decimal below 10 s (1.2s), whole seconds above; never "1.0s".
  if (ms < 60_000) return `${ms < 10_000 ? Math.round(ms / 100) / 10 : Math.round(ms / 1000)}s`;
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 60) return `${minutes}m${pad2(Math.floor((ms % 60_000) / 1000))}s`;
  return `${Math.floor(minutes / 60)}h${pad2(minutes % 60)}m`;
}

/** Cuts `text` to `width` columns with an ellipsis; newlines become spaces so a row stays one line. */
export function fitWidth(text: string, width: number): string {
  const flat = text.replace(/\s*[\r\n]+\s*/g, ' ');
  if (flat.length <= width) return flat;
  return `${flat.slice(0, Math.max(0, width - 1))}…`;
}

/** Rows of cells padded to aligned columns; the last column is not padded. */
export function alignColumns(rows: readonly (readonly string[])[]): string[] {
  const widths: number[] = [];
  for (const row of rows) {
    for (const [i, cell] of row.entries()) widths[i] = Math.max(widths[i] ?? 0, cell.length);
  }
  return rows.map((row) =>
    row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join(GAP),
  );
}

/** The `ovrseer reports` table; `width` is the terminal's (Infinity when not a terminal). */
export function renderReportTable(
  summaries: readonly CrashReportSummary[],
  width: number,
  style: RenderStyle = PLAIN,
): string {
  const rows = summaries.map((s) => [s.id, s.process, s.type, formatLocalTime(Date.parse(s.time))]);
  const header = ['ID', 'PROCESS', 'TYPE', 'TIME'];
  const fixed = alignColumns([header, ...rows].map((row) => [...row, ''])).map((line) => line.length);
  const used = Math.max(...fixed);
  const reasonWidth = Math.max(MIN_REASON_WIDTH, width - used);
  const lines = alignColumns([
    [...header, 'REASON'],
    ...summaries.map((s, i) => [...(rows[i] ?? []), fitWidth(s.reason, reasonWidth)]),
  ]);
  const [head, ...body] = lines;
  return `${[style.heading(head ?? ''), ...body].join('\n')}\n`;
}

function commandText(command: unknown): string {
  if (typeof command !== 'object' || command === null) return '-';
  const c = command as { kind?: unknown; script?: unknown; argv?: unknown };
  if (c.kind === 'shell' && typeof c.script === 'string') return c.script;
  if (Array.isArray(c.argv)) {
    return c.argv
      .map((arg) => (typeof arg === 'string' && /^[\w@%+=:,./-]+$/.test(arg) ? arg : JSON.stringify(arg)))
      .join(' ');
  }
  return '-';
}

function exitText(report: CrashReport): string {
  const parts: string[] = [];
  if (report.exitCode !== null && report.exitCode !== undefined) parts.push(`code ${report.exitCode}`);
  if (report.signal !== null && report.signal !== undefined) parts.push(`signal ${report.signal}`);
  return parts.length === 0 ? '-' : parts.join(', ');
}

function restartText(restart: unknown): string {
  if (typeof restart !== 'object' || restart === null) return '-';
  const r = restart as Record<string, unknown>;
  // With no restarts, delays and backoff are noise.
  if (r.policy === 'no') return 'no';
  const details: string[] = [];
  if (typeof r.maxRetries === 'number') details.push(`max ${r.maxRetries} retries`);
  if (typeof r.delay === 'number') details.push(`delay ${formatDuration(r.delay)}`);
  if (typeof r.backoff === 'number' && r.backoff !== 1) details.push(`backoff x${r.backoff}`);
  if (typeof r.maxDelay === 'number') details.push(`max delay ${formatDuration(r.maxDelay)}`);
  if (typeof r.minUptime === 'number') details.push(`min uptime ${formatDuration(r.minUptime)}`);
  if (typeof r.resetAfter === 'number') details.push(`reset after ${formatDuration(r.resetAfter)}`);
  return `${String(r.policy ?? '-')}${details.length === 0 ? '' : ` (${details.join(', ')})`}`;
}

function configRows(report: CrashReport): string[][] {
  const spec = report.spec as unknown as Record<string, unknown>;
  const rows: string[][] = [
    ['type', String(spec.type ?? '-')],
    ['command', commandText(spec.command)],
    ['cwd', String(spec.cwd ?? '-')],
    ['restart', restartText(spec.restart)],
  ];
  if (Array.isArray(spec.dependsOn) && spec.dependsOn.length > 0) {
    const deps = spec.dependsOn.map(
      (d: { name?: unknown; condition?: unknown }) => `${d.name} (${d.condition})`,
    );
    rows.push(['depends on', deps.join(', ')]);
  }
  const env = typeof spec.env === 'object' && spec.env !== null ? Object.entries(spec.env) : [];
  if (env.length > 0) rows.push(['env', env.map(([key, value]) => `${key}=${String(value)}`).join(' ')]);
  const inherited = Array.isArray(report.inheritedEnv) ? report.inheritedEnv : [];
  if (inherited.length > 0) rows.push(['inherited', `${inherited.join(' ')} (names only)`]);
  return rows;
}

function lineText(line: CrashReportLine): string {
  const d = new Date(line.time);
  const clock = Number.isNaN(d.getTime())
    ? '--:--:--'
    : `${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}`;
  const marker = line.stream === 'err' ? '!' : line.stream === 'system' ? '*' : '|';
  return `${clock} ${marker} ${line.text}`;
}

const indent = (lines: readonly string[]): string[] => lines.map((line) => `  ${line}`);

/** `ovrseer reports ID`: a readable page for one report. */
export function renderReport(report: CrashReport, style: RenderStyle = PLAIN): string {
  const out: string[] = [style.heading(`crash report ${report.id}`)];
  const instance = report.process === report.name ? '' : ` (instance of ${report.name})`;
  out.push(
    ...indent(
      alignColumns([
        ['process', `${report.process}${instance}`],
        ['type', report.type],
        ['time', `${formatLocalTime(report.time)} (${new Date(report.time).toISOString()})`],
        ['exit', exitText(report)],
      ]),
    ),
  );
  out.push('', style.heading('reason'), ...indent(report.reason.split('\n')));
  if (report.restartHistory.length > 0) {
    const rows = report.restartHistory.map((r) => [
      formatLocalTime(r.time),
      formatDuration(r.uptime),
      r.exitCode !== null ? `code ${r.exitCode}` : r.signal !== null ? String(r.signal) : '-',
      r.delay === null ? '-' : formatDuration(r.delay),
      r.reason,
    ]);
    out.push('', style.heading(`restart history (${rows.length})`));
    out.push(...indent(alignColumns([['TIME', 'UPTIME', 'EXIT', 'DELAY', 'REASON'], ...rows])));
  }
  out.push('', style.heading(`last lines (${report.lines.length})`));
  out.push(...(report.lines.length === 0 ? ['  (none)'] : indent(report.lines.map(lineText))));
  out.push('', style.heading('config'), ...indent(alignColumns(configRows(report))));
  if (report.context !== undefined && Object.keys(report.context).length > 0) {
    out.push('', style.heading('context'));
    out.push(
      ...indent(Object.entries(report.context).map(([key, value]) => `${key}: ${JSON.stringify(value)}`)),
    );
  }
  if (report.truncated !== undefined) {
    const t = report.truncated;
    const note = `truncated to fit max_crash_report_size: ${t.lines} lines, ${t.restartHistory} restart records, ${t.fields} fields`;
    out.push('', style.dim(note));
  }
  return `${out.join('\n')}\n`;
}
