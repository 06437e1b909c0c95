import type { ProcessManager } from '../core/process-manager.js';
import type { ReloadOutcome } from '../core/reload-apply.js';
import type { WhyAnswer } from '../core/why.js';
import { OvrseerError } from '../errors.js';
import type { HistoryPoint } from '../metrics/history.js';
import type { CrashReporter } from '../reports/crash-reporter.js';
import type { ProcessRow } from '../supervisor/process-rows.js';
import { MetricsTrail } from './metrics-trail.js';
import { Notices } from './notices.js';
import type { LogView, Notice, ProcessDetails, ResourcePoint, TuiAction, TuiSource } from './source.js';

/** The parts of a Supervisor the in-process source reads (a Supervisor is one). */
export interface LocalBackend {
  readonly manager: Pick<ProcessManager, 'on' | 'get' | 'spec' | 'getDependencyGraph'>;
  readonly logs: { readonly store: LogView };
  readonly reporter: Pick<CrashReporter, 'list' | 'get'>;
  rows(): ProcessRow[];
  act(action: TuiAction, targets: readonly string[]): Promise<void>;
  scale(name: string, replicas: number): Promise<void>;
  why?(id: string): WhyAnswer;
  reload?(options: { dryRun?: boolean }): Promise<ReloadOutcome>;
}

/** The parts of a MetricsSampler used for graphs and the branch column. */
export interface LocalMetrics {
  history(id: string): HistoryPoint[];
  figures(id: string): { branch: string | null };
}

export interface LocalSourceOptions {
  /** The sampler `attachMetrics` started; without one, graphs come from the polled rows. */
  metrics?: LocalMetrics | null;
  /** Rows are rebuilt at most this often unless a state or health change says otherwise. @default 1000 */
  rowsMaxAgeMs?: number;
  /** Where ovrseer's own messages go (the session's printer adapter writes them). @default a new list */
  messages?: Notices;
  /** @default Date.now */
  now?: () => number;
}

/**
 * The TUI's view of a Supervisor in this process (`ovrseer up`): rows, logs (the supervisor's own
 * store, read as a window — never copied), crash reports and actions, all without the API.
 */
export class LocalSource implements TuiSource {
  readonly mode = 'local';
  readonly project: string;
  readonly logs: LogView;
  /** ovrseer's own messages: the session's printer adapter writes here. */
  readonly messages: Notices;
  readonly #backend: LocalBackend;
  readonly #metrics: LocalMetrics | null;
  readonly #trail = new MetricsTrail();
  readonly #now: () => number;
  readonly #maxAge: number;
  readonly #listeners = new Set<() => void>();
  readonly #offs: (() => void)[] = [];
  #rows: ProcessRow[] | null = null;
  #rowsAt = 0;

  constructor(backend: LocalBackend, options: LocalSourceOptions = {}) {
    this.#backend = backend;
    this.project = backend.manager.spec.name;
    this.logs = backend.logs.store;
    this.#metrics = options.metrics ?? null;
    this.#now = options.now ?? Date.now;
    this.#maxAge = options.rowsMaxAgeMs ?? 1000;
    this.messages = options.messages ?? new Notices(50, this.#now);
    const changed = (): void => {
      this.#rows = null;
      this.#emit();
    };
    this.#offs.push(backend.manager.on('state', changed), backend.manager.on('health', changed));
    this.#offs.push(this.messages.onChange(() => this.#emit()));
  }

  rows(): readonly ProcessRow[] {
    const now = this.#now();
    if (this.#rows === null || now - this.#rowsAt >= this.#maxAge) {
      this.#rows = this.#backend.rows();
      this.#rowsAt = now;
      if (this.#metrics === null) this.#trail.record(this.#rows, now);
    }
    return this.#rows;
  }

  history(id: string, since: number): ResourcePoint[] {
    if (this.#metrics === null) return this.#trail.history(id, since);
    const points: ResourcePoint[] = [];
    for (const point of this.#metrics.history(id)) {
      if (point.time >= since) points.push({ time: point.time, cpu: point.cpu, memory: point.rss });
    }
    return points;
  }

  branch(id: string): string | null {
    return this.#metrics?.figures(id).branch ?? null;
  }

  async details(id: string): Promise<ProcessDetails> {
    const instance = this.#backend.manager.get(id);
    if (instance === undefined) throw new OvrseerError('OVRSEER_UNKNOWN_PROCESS', `unknown process "${id}"`);
    const graph = this.#backend.manager.getDependencyGraph();
    const node = graph.processes.find((process) => process.name === instance.name);
    const reports = this.#backend.reporter.list({ process: id });
    const newest = reports[0];
    return {
      id,
      spec: instance.spec,
      dependencies: node?.dependsOn ?? [],
      restarts: instance.restartHistory(),
      restartsFrom: 'engine',
      reports,
      lastReport: newest === undefined ? null : (this.#backend.reporter.get(newest.id) ?? null),
    };
  }

  async act(action: TuiAction, targets: readonly string[]): Promise<void> {
    await this.#backend.act(action, targets);
  }

  async scale(name: string, replicas: number): Promise<void> {
    await this.#backend.scale(name, replicas);
  }

  async why(id: string): Promise<WhyAnswer> {
    if (this.#backend.why === undefined)
      throw new OvrseerError('OVRSEER_USAGE', 'this supervisor cannot say why');
    return this.#backend.why(id);
  }

  async reload(): Promise<ReloadOutcome> {
    if (this.#backend.reload === undefined)
      throw new OvrseerError(
        'OVRSEER_USAGE',
        'this supervisor was given its project in code: nothing to reload',
      );
    return this.#backend.reload({});
  }

  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  notices(): readonly Notice[] {
    return this.messages.list();
  }

  async close(): Promise<void> {
    for (const off of this.#offs.splice(0)) off();
    this.#listeners.clear();
  }

  #emit(): void {
    for (const listener of this.#listeners) listener();
  }
}
