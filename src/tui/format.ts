import pc from 'picocolors';

export type Colors = ReturnType<typeof pc.createColors>;
export type Paint = (text: string) => string;

export function createColors(enabled: boolean): Colors {
  return pc.createColors(enabled);
}

const STATUS_PAINT: Record<string, (c: Colors) => Paint> = {
  ready: (c) => c.green,
  running: (c) => c.green,
  starting: (c) => c.cyan,
  pending: (c) => c.dim,
  stopping: (c) => c.yellow,
  stopped: (c) => c.dim,
  completed: (c) => c.blue,
  backoff: (c) => c.yellow,
  crashed: (c) => c.red,
  failed: (c) => (text) => c.bold(c.red(text)),
};

/** The colour of a state in the table (and the summary in the header). */
export function statusPaint(c: Colors, status: string): Paint {
  return (STATUS_PAINT[status] ?? ((colors: Colors) => colors.dim))(c);
}

export function healthPaint(c: Colors, health: string): Paint {
  return health === 'healthy' ? c.green : health === 'unhealthy' ? c.red : c.dim;
}

/** One colour per process name, as the prefixed printer assigns them. */
export function processPalette(c: Colors): Paint[] {
  return [c.cyan, c.yellow, c.green, c.magenta, c.blue, c.redBright, c.cyanBright, c.yellowBright];
}

const BARS = '▁▂▃▄▅▆▇█';

/**
 * A sparkline of the last `width` values; `null` (not measured) shows as a space. `max` fixes the top
 * of the scale (100 for CPU: an idle process stays flat); otherwise the values' own range is used.
 */
export function sparkline(values: readonly (number | null)[], width: number, max?: number): string {
  if (width <= 0) return '';
  const shown = values.slice(-width);
  const numbers = shown.filter((value): value is number => value !== null);
  const top = max ?? Math.max(0, ...numbers);
  const bottom = max === undefined ? Math.min(...numbers, top) : 0;
  const span = top - bottom;
  const bars = shown.map((value) => {
    if (value === null) return ' ';
    if (span <= 0) return value > 0 && max === undefined ? BARS[3] : BARS[0];
    const index = Math.round(((Math.min(value, top) - bottom) / span) * (BARS.length - 1));
    return BARS[Math.max(0, Math.min(BARS.length - 1, index))];
  });
  return bars.join('').padStart(width, ' ');
}

/** Plain text cut or padded to exactly `width` columns (an ellipsis marks a cut). */
export function fitText(text: string, width: number, align: 'left' | 'right' = 'left'): string {
  if (width <= 0) return '';
  if (text.length > width) return width === 1 ? '…' : `${text.slice(0, width - 1)}…`;
  return align === 'left' ? text.padEnd(width) : text.padStart(width);
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: escape sequences are what is being matched.
const ESCAPES = /\u001b(?:\[[0-?]*[ -/]*[@-~]|\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|[@-Z\\-_])/g;
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is being removed.
const CONTROLS = /[\u0000-\u0008\u000b-\u001a\u001c-\u001f\u007f]/g;
// biome-ignore lint/suspicious/noControlCharactersInRegex: the colour sequence is what is kept.
const SGR = /^\u001b\[[0-9;:]*m$/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: an escape that starts no sequence is dropped.
const LONE_ESCAPE = /\u001b(?!\[)/g;

/**
 * A log line made safe to draw: colour (SGR) sequences stay, every other escape — cursor moves,
 * screen clears, titles a child may print — and control characters go, so a process cannot scribble
 * over the UI. Tabs become spaces (their width depends on the column they start in).
 */
export function sanitizeLine(text: string): string {
  let safe = text;
  if (safe.includes('\u001b')) {
    safe = safe.replace(ESCAPES, (sequence) => (SGR.test(sequence) ? sequence : '')).replace(LONE_ESCAPE, '');
  }
  if (safe.includes('\t')) safe = safe.replaceAll('\t', '    ');
  return safe.replace(CONTROLS, '');
}

/** `12.3%` / `0.4%` / `-`. */
export function formatPercent(value: number | null): string {
  if (value === null) return '-';
  return `${value >= 100 ? value.toFixed(0) : value.toFixed(1)}%`;
}

export { formatBytes, formatUptime } from '../cli/process-table.js';
