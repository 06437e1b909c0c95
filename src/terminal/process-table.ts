import type { ProcessRow } from '../supervisor/process-rows.js';
import { createColors } from './format.js';

/** `1h02m`, `3m04s`, `12s`. */
export function formatUptime(ms: number | null): string {
  if (ms === null) return '-';
  const seconds = Math.floor(ms / 1000);
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m${String(seconds % 60).padStart(2, '0')}s`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours}h${String(minutes % 60).padStart(2, '0')}m`;
  return `${Math.floor(hours / 24)}d${hours % 24}h`;
}

export function formatBytes(bytes: number | null): string {
  if (bytes === null) return '-';
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(0)}KB`;
  if (bytes < 1024 * 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(1)}MB`;
  return `${(bytes / 1024 / 1024 / 1024).toFixed(2)}GB`;
}

/** Columns padded to their widest cell; an empty cell shows as `-`. */
export function alignTable(header: string[], rows: string[][]): string {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => visibleLength(row[column] ?? ''))),
  );
  const line = (cells: string[]): string =>
    cells
      .map((cell, column) =>
        column === cells.length - 1 ? cell : cell + ' '.repeat((widths[column] ?? 0) - visibleLength(cell)),
      )
      .join('  ')
      .trimEnd();
  return `${[line(header), ...rows.map(line)].join('\n')}\n`;
}

function visibleLength(text: string): number {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI escapes are what is being measured away.
  return text.replace(/\u001b\[[0-9;]*m/g, '').length;
}

const STATUS_COLORS: Record<string, 'green' | 'yellow' | 'red' | 'dim'> = {
  ready: 'green',
  running: 'green',
  completed: 'dim',
  stopped: 'dim',
  pending: 'yellow',
  starting: 'yellow',
  paused: 'yellow',
  stopping: 'yellow',
  backoff: 'yellow',
  crashed: 'red',
  failed: 'red',
};

/** The `ps` table; failed and crashed processes get their reason on a line below. */
export function renderProcessTable(
  rows: readonly ProcessRow[],
  options: {
    color: boolean;
    /** The project of each row (`ps --all`): a PROJECT column first. */
    projects?: readonly string[];
  },
): string {
  const c = createColors(options.color);
  if (rows.length === 0) return 'no processes\n';
  const projects = options.projects;
  const body = rows.map((row, index) => [
    ...(projects === undefined ? [] : [projects[index] ?? '-']),
    row.name,
    c[STATUS_COLORS[row.status] ?? 'dim'](row.status),
    row.health === 'unknown' ? '-' : row.health === 'healthy' ? c.green(row.health) : c.red(row.health),
    row.pid === null ? '-' : String(row.pid),
    formatUptime(row.uptime_ms),
    String(row.restarts),
    row.cpu === null ? '-' : `${row.cpu.toFixed(1)}%`,
    formatBytes(row.memory),
    row.ports.length === 0 ? '-' : row.ports.map((port) => `:${port}`).join(','),
    row.group ?? '-',
  ]);
  const table = alignTable(
    [
      ...(projects === undefined ? [] : ['PROJECT']),
      'NAME',
      'STATUS',
      'HEALTH',
      'PID',
      'UPTIME',
      'RESTARTS',
      'CPU',
      'MEM',
      'PORTS',
      'GROUP',
    ],
    body,
  );
  const failing = (row: ProcessRow): boolean =>
    (row.status === 'failed' || row.status === 'crashed' || row.status === 'backoff') && row.reason !== null;
  const project = (row: ProcessRow): string =>
    projects === undefined ? '' : `${projects[rows.indexOf(row)]} `;
  const reasons = rows
    .filter(failing)
    .map((row) => `  ${project(row)}${row.name}: ${c.red(row.reason ?? '')}`);
  // What a program says of itself over sd_notify (`STATUS=`), for the others.
  const statuses = rows
    .filter((row) => row.status_text != null && !failing(row))
    .map((row) => `  ${project(row)}${row.name}: status: ${row.status_text}`);
  const notes = [...reasons, ...statuses];
  return notes.length === 0 ? table : `${table}\n${notes.join('\n')}\n`;
}
