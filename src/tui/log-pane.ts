import type { LogLevel } from '../logs/levels.js';
import type { Colors } from './format.js';
import { formatLogLine, type ProcessPaints } from './log-lines.js';
import type { LogWindow } from './log-window.js';

export interface LogPaneInput {
  window: LogWindow;
  /** Rows including the title line. */
  height: number;
  width: number;
  c: Colors;
  paints: ProcessPaints;
  /** Width of the process column; 0 when the pane shows one process. */
  nameWidth: number;
  focused: boolean;
  /** `all processes`, `api`, `group:web`… */
  scope: string;
  level: LogLevel | null;
}

/** The log pane: a title line saying what is shown and whether it follows, then the window's lines. */
export function logPaneLines({
  window,
  height,
  width,
  c,
  paints,
  nameWidth,
  focused,
  scope,
  level,
}: LogPaneInput): string[] {
  const entries = window.lines(Math.max(0, height - 1));
  const search = window.search;
  const style = { c, nameWidth, search, matchSeq: window.matchSeq };
  const parts = [
    `logs: ${scope}`,
    ...(level === null ? [] : [`level ≥ ${level}`]),
    ...(search === null ? [] : [`/${search.text}/`]),
    window.following ? 'following' : c.yellow('scrolled (G follows)'),
  ];
  const label = ` ${parts.join(' · ')} `;
  const rule = '─'.repeat(Math.max(0, width - label.length - 2));
  const title = `${focused ? c.cyan('──') : c.dim('──')}${focused ? c.bold(label) : label}${c.dim(rule)}`;
  const lines = [title, ...entries.map((entry) => formatLogLine(entry, style, paints))];
  if (entries.length === 0) lines.push(c.dim('  no output yet'));
  return lines.slice(0, height);
}
