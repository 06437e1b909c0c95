import { LogStore } from '../../../src/logs/log-store.js';
import type { ProcessRow } from '../../../src/supervisor/process-rows.js';
import type { Notice, ProcessDetails, ResourcePoint, TuiAction, TuiSource } from '../../../src/tui/source.js';

/** A row with defaults: `row({ name: 'api', status: 'failed' })`. */
export function row(fields: Partial<ProcessRow> & { name: string }): ProcessRow {
  return {
    instance: null,
    process: fields.name.replace(/\.\d+$/, ''),
    type: 'service',
    status: 'ready',
    health: 'unknown',
    pid: 100,
    restarts: 0,
    uptime_ms: 5000,
    cpu: 1.5,
    memory: 30 * 1024 * 1024,
    ports: [],
    group: null,
    tags: [],
    branch: null,
    reason: null,
    stopping: null,
    ...fields,
  };
}

/** A TuiSource over plain data and a real LogStore, recording every action. */
export class FakeSource implements TuiSource {
  readonly mode: 'local' | 'remote' = 'local';
  readonly project = 'shop';
  readonly store = new LogStore({ maxLines: 1000 });
  readonly logs = this.store;
  readonly actions: [TuiAction, readonly string[]][] = [];
  /** Set by a test that presses `w` / `L`. */
  why?: TuiSource['why'];
  reload?: TuiSource['reload'];
  readonly scales: [string, number][] = [];
  readonly noticeList: Notice[] = [];
  detailsCalls: string[] = [];
  failActions = false;
  #rows: ProcessRow[];
  readonly #listeners = new Set<() => void>();

  constructor(rows: ProcessRow[]) {
    this.#rows = rows;
  }

  setRows(rows: ProcessRow[]): void {
    this.#rows = rows;
    for (const listener of this.#listeners) listener();
  }

  log(process: string, text: string, time = Date.now()): void {
    this.store.append({
      process,
      name: process.replace(/\.\d+$/, ''),
      instance: null,
      stream: 'out',
      text,
      time,
    });
  }

  rows(): readonly ProcessRow[] {
    return this.#rows;
  }

  history(_id: string, _since: number): ResourcePoint[] {
    return [
      { time: 1, cpu: 0, memory: 10 },
      { time: 2, cpu: 50, memory: 20 },
      { time: 3, cpu: 100, memory: 30 },
    ];
  }

  branch(): string | null {
    return 'main';
  }

  async details(id: string): Promise<ProcessDetails> {
    this.detailsCalls.push(id);
    return {
      id,
      spec: null,
      dependencies: [],
      restarts: [],
      restartsFrom: 'engine',
      reports: [],
      lastReport: null,
    };
  }

  async act(action: TuiAction, targets: readonly string[]): Promise<void> {
    this.actions.push([action, targets]);
    if (this.failActions) throw new Error('no such luck');
  }

  async scale(name: string, replicas: number): Promise<void> {
    this.scales.push([name, replicas]);
  }

  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  notices(): readonly Notice[] {
    return this.noticeList;
  }

  async close(): Promise<void> {
    this.#listeners.clear();
  }
}
