import { errorMessage } from '../errors.js';
import type { LogLevel } from '../logs/levels.js';
import type { ProcessRow } from '../supervisor/process-rows.js';
import { type Command, commandFor, type KeyInfo } from './keys.js';
import { LogWindow, MATCH_COUNT_CAP } from './log-window.js';
import { filterChoices, SORTS, type SortKey, visibleRows } from './rows.js';
import { compileSearch } from './search.js';
import type { Notice, ProcessDetails, TuiAction, TuiSource } from './source.js';

/** How the user asked to leave: `q` then `y`, `Q`, or Ctrl-C. */
export type QuitKind = 'confirmed' | 'now' | 'interrupt';

export interface UiState {
  focus: 'table' | 'logs';
  view: 'main' | 'detail' | 'help';
  prompt: { kind: 'search'; text: string } | { kind: 'quit' } | null;
  selected: string | null;
  sort: SortKey;
  filter: string | null;
  level: LogLevel | null;
  scope: 'all' | 'selected';
  /** The outcome of the last action, for the status line. */
  status: Notice | null;
  quitting: boolean;
  details: { id: string; data: ProcessDetails | null; error: string | null } | null;
}

const LEVELS: (LogLevel | null)[] = [null, 'info', 'warn', 'error'];
const STOPPED = new Set(['stopped', 'completed', 'crashed', 'failed']);
const DETAIL_COMMANDS = new Set<Command['type']>([
  'restart',
  'toggle',
  'restart-group',
  'scale',
  'help',
  'quit-now',
  'interrupt',
]);

/**
 * The TUI's state and key handling, apart from React so it can be driven and tested directly: keys
 * become commands, commands become source actions and state changes, and every change asks the
 * view for a frame.
 */
export class TuiController {
  readonly source: TuiSource;
  readonly logs: LogWindow;
  #state: UiState = {
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
  readonly #onQuit: (kind: QuitKind) => void;
  readonly #listeners = new Set<() => void>();
  readonly #now: () => number;

  constructor(source: TuiSource, onQuit: (kind: QuitKind) => void, now: () => number = Date.now) {
    this.source = source;
    this.logs = new LogWindow(source.logs);
    this.#onQuit = onQuit;
    this.#now = now;
  }

  get state(): Readonly<UiState> {
    return this.#state;
  }

  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** The rows as shown (filtered, sorted), and the selection kept on one of them. */
  rows(): ProcessRow[] {
    const rows = visibleRows(this.source.rows(), this.#state.filter, this.#state.sort);
    const { selected } = this.#state;
    if (rows.length > 0 && (selected === null || !rows.some((row) => row.name === selected))) {
      this.#state = { ...this.#state, selected: rows[0]?.name ?? null };
    }
    this.logs.setFilter(this.#logFilter(rows));
    return rows;
  }

  selectedRow(): ProcessRow | undefined {
    return this.source.rows().find((row) => row.name === this.#state.selected);
  }

  handleKey(input: string, key: KeyInfo): void {
    const { prompt, view } = this.#state;
    if (prompt?.kind === 'search') return this.#typeSearch(input, key);
    if (prompt?.kind === 'quit') {
      if (input === 'y' || input === 'Y' || key.return) this.#quit('confirmed');
      else this.#set({ prompt: null });
      return;
    }
    const command = commandFor(input, key);
    if (command === null) return;
    if (view === 'help') return this.#set({ view: 'main' });
    if (view === 'detail') {
      if (command.type === 'back' || command.type === 'details' || command.type === 'quit') {
        return this.#set({ view: 'main', details: null });
      }
      // The details are of one process: only what acts on it (or leaves) applies.
      if (!DETAIL_COMMANDS.has(command.type)) return;
    }
    this.#run(command);
  }

  /** For the status line: a message that fades after a few seconds. */
  notify(level: Notice['level'], text: string): void {
    this.#set({ status: { level, text, time: this.#now() } });
  }

  #run(command: Command): void {
    const s = this.#state;
    const row = this.selectedRow();
    switch (command.type) {
      case 'move':
        if (s.focus === 'logs') this.logs.scroll(command.by);
        else this.#select(command.by);
        break;
      case 'page':
        this.logs.page(command.by);
        break;
      case 'wheel':
        this.logs.scroll(command.by);
        break;
      case 'top':
        if (s.focus === 'logs') this.logs.top();
        else this.#select(Number.NEGATIVE_INFINITY);
        break;
      case 'bottom':
        if (s.focus === 'logs') this.logs.bottom();
        else this.#select(Number.POSITIVE_INFINITY);
        break;
      case 'details':
        if (row !== undefined) this.#openDetails(row.name);
        break;
      case 'back':
        if (this.logs.search !== null) this.logs.setSearch(null);
        this.#set({ status: null });
        break;
      case 'focus':
        this.#set({ focus: s.focus === 'table' ? 'logs' : 'table' });
        break;
      case 'restart':
        if (row !== undefined) this.#act('restart', [row.name], `restarting ${row.name}`);
        break;
      case 'toggle':
        if (row !== undefined) {
          const action = STOPPED.has(row.status) ? 'start' : 'stop';
          this.#act(action, [row.name], `${action === 'start' ? 'starting' : 'stopping'} ${row.name}`);
        }
        break;
      case 'restart-group':
        if (row?.group === null)
          this.notify('warn', `${row.name} is in no group (set \`group:\` in the config)`);
        else if (row !== undefined)
          this.#act('restart', [`group:${row.group}`], `restarting group ${row.group}`);
        break;
      case 'scale':
        if (row !== undefined) this.#scale(row, command.by);
        break;
      case 'search':
        this.#set({ prompt: { kind: 'search', text: '' } });
        break;
      case 'next-match':
      case 'previous-match':
        this.#step(command.type === 'next-match');
        break;
      case 'filter':
        this.#set({ filter: cycle([null, ...filterChoices(this.source.rows())], s.filter) });
        break;
      case 'level':
        this.#set({ level: cycle(LEVELS, s.level) });
        break;
      case 'sort':
        this.#set({ sort: cycle(SORTS, s.sort) });
        break;
      case 'scope':
        this.#set({ scope: s.scope === 'all' ? 'selected' : 'all' });
        break;
      case 'help':
        this.#set({ view: 'help' });
        break;
      case 'quit':
        this.#set({ prompt: { kind: 'quit' } });
        break;
      case 'quit-now':
        this.#quit('now');
        break;
      case 'interrupt':
        this.#quit('interrupt');
        break;
    }
    this.#emit();
  }

  #typeSearch(input: string, key: KeyInfo): void {
    const prompt = this.#state.prompt;
    if (prompt?.kind !== 'search') return;
    if (key.escape) return this.#set({ prompt: null });
    if (key.return) {
      const pattern = compileSearch(prompt.text);
      this.#set({ prompt: null, focus: 'logs' });
      const found = this.logs.setSearch(pattern);
      if (pattern === null) return;
      const count = this.logs.matchCount;
      if (!found) this.notify('warn', `no match for /${pattern.text}/`);
      else
        this.notify(
          'info',
          `${count >= MATCH_COUNT_CAP ? `${count}+` : count} matches for /${pattern.text}/`,
        );
      return;
    }
    if (key.backspace || key.delete)
      return this.#set({ prompt: { kind: 'search', text: prompt.text.slice(0, -1) } });
    if (key.ctrl || input === '' || input.startsWith('[<')) return;
    this.#set({ prompt: { kind: 'search', text: prompt.text + input } });
  }

  #step(older: boolean): void {
    const search = this.logs.search;
    if (search === null) return this.notify('info', 'no search: press / first');
    const moved = older ? this.logs.nextMatch() : this.logs.previousMatch();
    if (!moved) this.notify('info', `no ${older ? 'earlier' : 'later'} match for /${search.text}/`);
  }

  #select(by: number): void {
    const rows = this.rows();
    const index = rows.findIndex((row) => row.name === this.#state.selected);
    const next = Math.max(0, Math.min(rows.length - 1, (index === -1 ? 0 : index) + by));
    this.#set({ selected: rows[next]?.name ?? null });
  }

  #openDetails(id: string): void {
    this.#set({ view: 'detail', details: { id, data: null, error: null } });
    this.source.details(id).then(
      (data) => this.#state.details?.id === id && this.#set({ details: { id, data, error: null } }),
      (error: unknown) =>
        this.#state.details?.id === id &&
        this.#set({ details: { id, data: null, error: errorMessage(error) } }),
    );
  }

  #act(action: TuiAction, targets: string[], doing: string): void {
    this.notify('info', `${doing}…`);
    this.source.act(action, targets).then(
      () => this.notify('info', `${doing}: done`),
      (error: unknown) => this.notify('error', `${doing}: ${errorMessage(error)}`),
    );
  }

  #scale(row: ProcessRow, by: 1 | -1): void {
    const current = this.source.rows().filter((candidate) => candidate.process === row.process).length;
    const replicas = Math.max(0, current + by);
    if (replicas === current) return;
    this.notify('info', `scaling ${row.process} to ${replicas}…`);
    this.source.scale(row.process, replicas).then(
      () => this.notify('info', `scaled ${row.process} to ${replicas}`),
      (error: unknown) => this.notify('error', `scale ${row.process}: ${errorMessage(error)}`),
    );
  }

  #quit(kind: QuitKind): void {
    this.#set({ prompt: null, quitting: true });
    this.#onQuit(kind);
  }

  #logFilter(rows: readonly ProcessRow[]): { processes?: string[]; level?: LogLevel } {
    const { scope, selected, filter, level } = this.#state;
    const processes =
      scope === 'selected' && selected !== null
        ? [selected]
        : filter === null
          ? undefined
          : rows.map((row) => row.name);
    return { ...(processes === undefined ? {} : { processes }), ...(level === null ? {} : { level }) };
  }

  #set(patch: Partial<UiState>): void {
    this.#state = { ...this.#state, ...patch };
    this.#emit();
  }

  #emit(): void {
    for (const listener of this.#listeners) listener();
  }
}

function cycle<T>(values: readonly T[], current: T): T {
  const index = values.indexOf(current);
  return values[(index + 1) % values.length] as T;
}
