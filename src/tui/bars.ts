import type { ProcessRow } from '../supervisor/process-rows.js';
import type { UiState } from './controller.js';
import { type Colors, fitText, statusPaint } from './format.js';
import { statusCounts } from './rows.js';
import type { Notice } from './source.js';

/** A status message stays on the footer this long. */
export const STATUS_MS = 6000;

export interface BarInput {
  project: string;
  mode: 'local' | 'remote';
  rows: readonly ProcessRow[];
  state: Readonly<UiState>;
  notices: readonly Notice[];
  c: Colors;
  now: number;
  width: number;
}

/** `ovrseer · shop · 5 processes: 3 ready, 1 failed` on the left, filter and sort on the right. */
export function headerText({ project, mode, rows, state, c, width }: BarInput): string {
  const counts = statusCounts(rows)
    .map(([status, count]) => statusPaint(c, status)(`${count} ${status}`))
    .join(', ');
  const left = ` ${c.bold('ovrseer')} · ${c.bold(project)} · ${rows.length} processes${counts === '' ? '' : `: ${counts}`}`;
  const right = [
    state.filter === null ? null : `filter ${c.cyan(state.filter)}`,
    state.sort === 'config' ? null : `sort ${c.cyan(state.sort)}`,
    mode === 'remote' ? c.dim('attached') : null,
    c.dim('? help '),
  ]
    .filter((part) => part !== null)
    .join(' · ');
  const gap = Math.max(1, width - visible(left) - visible(right));
  return `${left}${' '.repeat(gap)}${right}`;
}

const HINTS =
  'q quit  ? help  j/k move  ⏎ details  tab focus  r restart  s stop/start  R group  +/- scale  / search  f filter  l level  a scope  o sort';

/** The prompt when one is open, else the newest message, else the main keys. */
export function footerText({ mode, state, notices, c, now, width }: BarInput): string {
  const { prompt } = state;
  if (prompt?.kind === 'search')
    return ` /${prompt.text}${c.inverse(' ')}  ${c.dim('enter search · esc cancel')}`;
  if (prompt?.kind === 'quit') {
    return mode === 'local'
      ? c.bold(c.yellow(' Stop every process and quit? [y/N] '))
      : c.bold(' Leave the viewer? The supervisor keeps running. [y/N] ');
  }
  if (state.quitting) {
    return c.yellow(
      mode === 'local' ? ' shutting down… (Q or Ctrl-C again kills everything at once)' : ' leaving…',
    );
  }
  const latest = notices[notices.length - 1];
  const status = [state.status, latest]
    .filter((item): item is Notice => item !== null && item !== undefined && now - item.time < STATUS_MS)
    .sort((a, b) => b.time - a.time)[0];
  if (status !== undefined) {
    const paint =
      status.level === 'error' ? c.red : status.level === 'warn' ? c.yellow : (text: string) => text;
    return paint(` ${fitText(status.text, Math.max(1, width - 2))}`.trimEnd());
  }
  return c.dim(` ${fitText(HINTS, Math.max(1, width - 2))}`.trimEnd());
}

function visible(text: string): number {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: colour codes take no columns.
  return text.replace(/\u001b\[[0-9;]*m/g, '').length;
}
