import type { LogLevel } from '../logs/levels.js';
import type { ProcessRow } from '../supervisor/process-rows.js';
import type { Command } from './keys.js';
import type { SortKey } from './rows.js';
import type { Notice, ProcessDetails } from './source.js';

/** How the user asked to leave: `q` then `y`, `Q`, or Ctrl-C. */
export type QuitKind = 'confirmed' | 'now' | 'interrupt';

export interface UiState {
  focus: 'table' | 'logs';
  view: 'main' | 'detail' | 'help';
  prompt: { kind: 'search'; text: string } | { kind: 'quit' } | null;
  /** Instance id of the selected row. */
  selected: string | null;
  sort: SortKey;
  /** `group:G` or `tag:T`. */
  filter: string | null;
  /** Minimum level shown in the logs. */
  level: LogLevel | null;
  /** The log pane shows every process (of the filter) or the selected one. */
  scope: 'all' | 'selected';
  /** The outcome of the last action, for the status line. */
  status: Notice | null;
  quitting: boolean;
  details: { id: string; data: ProcessDetails | null; error: string | null } | null;
}

export const INITIAL_STATE: Readonly<UiState> = {
  focus: 'table',
  view: 'main',
  prompt: null,
  selected: null,
  sort: 'config',
  filter: null,
  level: null,
  scope: 'all',
  status: null,
  quitting: false,
  details: null,
};

/** What `l` cycles through; `null` shows every level. */
export const LEVELS: readonly (LogLevel | null)[] = [null, 'info', 'warn', 'error'];

/** The details are of one process: only what acts on it (or leaves) applies there. */
export const DETAIL_COMMANDS: ReadonlySet<Command['type']> = new Set<Command['type']>([
  'restart',
  'toggle',
  'restart-group',
  'pause-toggle',
  'scale',
  'help',
  'quit-now',
  'interrupt',
]);

export function cycle<T>(values: readonly T[], current: T): T {
  const index = values.indexOf(current);
  return values[(index + 1) % values.length] as T;
}

/** The log pane's query: the selected process, or the filtered rows, and the level. */
export function logFilterOf(
  state: Pick<UiState, 'scope' | 'selected' | 'filter' | 'level'>,
  rows: readonly ProcessRow[],
): { processes?: string[]; level?: LogLevel } {
  const { scope, selected, filter, level } = state;
  const processes =
    scope === 'selected' && selected !== null
      ? [selected]
      : filter === null
        ? undefined
        : rows.map((row) => row.name);
  return { ...(processes === undefined ? {} : { processes }), ...(level === null ? {} : { level }) };
}
