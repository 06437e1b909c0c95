import { errorMessage } from '../errors.js';
import type { ProcessRow } from '../supervisor/process-rows.js';
import { type Command, commandFor, editPrompt, type KeyInfo, splitKeys } from './keys.js';
import { LogWindow, MATCH_COUNT_CAP } from './log-window.js';
import {
  type ActionKey,
  explainRow,
  planAction,
  reloadConfig,
  runAction,
  scaleProcess,
} from './process-actions.js';
import { filterChoices, SORTS, visibleRows } from './rows.js';
import { compileSearch } from './search.js';
import type { Notice, TuiSource } from './source.js';
import {
  cycle,
  DETAIL_COMMANDS,
  INITIAL_STATE,
  LEVELS,
  logFilterOf,
  type QuitKind,
  type UiState,
} from './ui-state.js';

export type { QuitKind, UiState } from './ui-state.js';

/**
 * The TUI's state and key handling, apart from React so it can be driven and tested directly: keys
 * become commands, commands become source actions and state changes, and every change asks the
 * view for a frame.
 */
export class TuiController {
  readonly source: TuiSource;
  readonly logs: LogWindow;
  #state: UiState = INITIAL_STATE;
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
    this.logs.setFilter(logFilterOf(this.#state, rows));
    return rows;
  }

  selectedRow(): ProcessRow | undefined {
    return this.source.rows().find((row) => row.name === this.#state.selected);
  }

  handleKey(input: string, key: KeyInfo): void {
    for (const [one, info] of splitKeys(input, key)) this.#key(one, info);
  }

  #key(input: string, key: KeyInfo): void {
    const { prompt, view } = this.#state;
    if (prompt?.kind === 'search') {
      this.#typeSearch(input, key);
      return;
    }
    if (prompt?.kind === 'quit') {
      if (input === 'y' || input === 'Y' || key.return) this.#quit('confirmed');
      else this.#set({ prompt: null });
      return;
    }
    const command = commandFor(input, key);
    if (command === null) return;
    // Any key leaves the help, except the ones that leave the program.
    if (view === 'help' && command.type !== 'quit-now' && command.type !== 'interrupt') {
      this.#set({ view: 'main' });
      return;
    }
    if (view === 'detail') {
      if (command.type === 'back' || command.type === 'details' || command.type === 'quit') {
        this.#set({ view: 'main', details: null });
        return;
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
      case 'toggle':
      case 'restart-group':
      case 'pause-toggle':
        if (row !== undefined) this.#actOn(row, command.type);
        break;
      case 'scale':
        if (row !== undefined) scaleProcess(this.source, this.#notify, row, command.by);
        break;
      case 'why':
        if (row !== undefined) explainRow(this.source, this.#notify, row.name, this.#now);
        break;
      case 'reload':
        reloadConfig(this.source, this.#notify);
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
        if (s.quitting) this.notify('info', 'already leaving: Q or Ctrl-C does not wait');
        else this.#set({ prompt: { kind: 'quit' } });
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
    const edit = editPrompt(prompt.text, input, key);
    if (edit === null) return;
    if (edit.kind === 'cancel') this.#set({ prompt: null });
    else if (edit.kind === 'edit') this.#set({ prompt: { kind: 'search', text: edit.text } });
    else this.#search(prompt.text);
  }

  #search(text: string): void {
    const pattern = compileSearch(text);
    this.#set({ prompt: null, focus: 'logs' });
    const found = this.logs.setSearch(pattern);
    if (pattern === null) return;
    const count = this.logs.matchCount;
    if (!found) this.notify('warn', `no match for /${pattern.text}/`);
    else
      this.notify('info', `${count >= MATCH_COUNT_CAP ? `${count}+` : count} matches for /${pattern.text}/`);
  }

  #step(older: boolean): void {
    const search = this.logs.search;
    if (search === null) {
      this.notify('info', 'no search: press / first');
      return;
    }
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

  #actOn(row: ProcessRow, what: ActionKey): void {
    const plan = planAction(row, what);
    if ('warning' in plan) this.notify('warn', plan.warning);
    else runAction(this.source, this.#notify, plan);
  }

  readonly #notify = (level: Notice['level'], text: string): void => this.notify(level, text);

  #quit(kind: QuitKind): void {
    this.#set({ prompt: null, quitting: true });
    this.#onQuit(kind);
  }

  #set(patch: Partial<UiState>): void {
    this.#state = { ...this.#state, ...patch };
    this.#emit();
  }

  #emit(): void {
    for (const listener of this.#listeners) listener();
  }
}
