import type { ProjectSpec } from '../config/spec.js';
import { buildDependencyGraph } from '../core/graph.js';
import type { ReloadOutcome } from '../core/reload-apply.js';
import type { WhyAnswer } from '../core/why.js';
import { errorMessage } from '../errors.js';
import { isLogLevel } from '../logs/levels.js';
import { LogStore } from '../logs/log-store.js';
import { BranchCache } from '../metrics/git-branch.js';
import type { CrashReport, CrashReportSummary } from '../reports/types.js';
import type { ApiClient } from '../supervisor/client.js';
import type { ProcessRow } from '../supervisor/process-rows.js';
import { MetricsTrail } from './metrics-trail.js';
import { Notices } from './notices.js';
import type { LogView, Notice, ProcessDetails, ResourcePoint, TuiAction, TuiSource } from './source.js';

export interface RemoteSourceOptions {
  /** The project's config as loaded here, for the detail view; `null` when it could not be read. */
  spec: ProjectSpec | null;
  /** Shown in the header when there is no spec. */
  project: string;
  /** How often the rows are fetched (state changes fetch them at once). @default 1000 */
  pollMs?: number;
  /** Lines fetched when attaching, over all processes. @default 10000 */
  backlog?: number;
  /** @default Date.now */
  now?: () => number;
}

type LogJson = {
  time: string;
  process: string;
  stream: 'out' | 'err' | 'system';
  level: string;
  text: string;
};

/**
 * The TUI's view of a detached supervisor through its API (`ovrseer tui`): rows polled (and fetched
 * again on every state event), logs followed over SSE into a local bounded LogStore so frames read
 * them synchronously, crash reports and actions through the same routes as the CLI.
 */
export class RemoteSource implements TuiSource {
  readonly mode = 'remote';
  readonly project: string;
  readonly logs: LogView;
  readonly #client: ApiClient;
  readonly #spec: ProjectSpec | null;
  readonly #store: LogStore;
  readonly #trail = new MetricsTrail();
  readonly #notices: Notices;
  readonly #listeners = new Set<() => void>();
  readonly #abort = new AbortController();
  readonly #now: () => number;
  readonly #branches: BranchCache;
  readonly #cwds = new Map<string, string | null>();
  #rows: ProcessRow[] = [];
  #fetching: Promise<void> | null = null;
  #fetchAgain = false;
  #failing = false;
  #timer: NodeJS.Timeout | null = null;

  constructor(client: ApiClient, options: RemoteSourceOptions) {
    this.#client = client;
    this.#spec = options.spec;
    this.project = options.spec?.name ?? options.project;
    this.#now = options.now ?? Date.now;
    this.#notices = new Notices(50, this.#now);
    this.#notices.onChange(() => this.#emit());
    this.#branches = new BranchCache(30_000, (error) => this.#notices.add('warn', errorMessage(error)));
    this.#store = new LogStore({ maxLines: options.spec?.settings.logBufferLines ?? 10_000 });
    this.logs = this.#store;
    const backlog = options.backlog ?? 10_000;
    this.#follow(`/v1/logs?follow=1&limit=${backlog}`, 'log', (data) => this.#appendLog(data as LogJson));
    this.#follow('/v1/events', 'events', (data, event) => this.#onEvent(event, data));
    this.#timer = setInterval(() => void this.refresh(), options.pollMs ?? 1000);
  }

  /** Fetches the rows once; concurrent calls share one request and ask for one more after it. */
  refresh(): Promise<void> {
    if (this.#fetching !== null) {
      this.#fetchAgain = true;
      return this.#fetching;
    }
    this.#fetching = (async () => {
      try {
        do {
          this.#fetchAgain = false;
          this.#rows = await this.#client.get<ProcessRow[]>('/v1/processes');
          this.#trail.record(this.#rows, this.#now());
          if (this.#failing) this.#notices.add('info', 'connected to the supervisor again');
          this.#failing = false;
          this.#emit();
        } while (this.#fetchAgain && !this.#abort.signal.aborted);
      } catch (error) {
        if (!this.#failing && !this.#abort.signal.aborted) {
          this.#notices.add('error', `cannot reach the supervisor: ${errorMessage(error)}`);
        }
        this.#failing = true;
      } finally {
        this.#fetching = null;
      }
    })();
    return this.#fetching;
  }

  rows(): readonly ProcessRow[] {
    return this.#rows;
  }

  history(id: string, since: number): ResourcePoint[] {
    return this.#trail.history(id, since);
  }

  branch(id: string): string | null {
    const row = this.#rows.find((candidate) => candidate.name === id);
    if (row === undefined) return null;
    if (!this.#cwds.has(row.process)) {
      // Asked once per process: the API tells the working directory, the branch is read here.
      this.#cwds.set(row.process, null);
      this.#client
        .get<{ cwd: string }>(`/v1/processes/${encodeURIComponent(row.name)}/context`)
        .then((context) => {
          this.#cwds.set(row.process, context.cwd);
          this.#emit();
        })
        .catch((error: unknown) => this.#notices.add('warn', `${row.name}: ${errorMessage(error)}`));
      return null;
    }
    const cwd = this.#cwds.get(row.process);
    return cwd === null || cwd === undefined ? null : this.#branches.get(cwd, this.#now());
  }

  async details(id: string): Promise<ProcessDetails> {
    const row = this.#rows.find((candidate) => candidate.name === id);
    const name = row?.process ?? id.replace(/\.\d+$/, '');
    const spec = this.#spec?.processes.find((process) => process.name === name) ?? null;
    const node =
      this.#spec === null
        ? undefined
        : buildDependencyGraph(this.#spec.processes).processes.find((process) => process.name === name);
    const all = await this.#client.get<CrashReportSummary[]>('/v1/reports');
    const reports = all.filter((report) => report.process === id);
    const newest = reports[0];
    const lastReport =
      newest === undefined
        ? null
        : await this.#client.get<CrashReport>(`/v1/reports/${encodeURIComponent(newest.id)}`);
    return {
      id,
      spec: spec ?? lastReport?.spec ?? null,
      dependencies: node?.dependsOn ?? [],
      restarts: lastReport?.restartHistory ?? null,
      restartsFrom: 'report',
      reports,
      lastReport,
    };
  }

  async act(action: TuiAction, targets: readonly string[]): Promise<void> {
    await this.#client.post(`/v1/actions/${action}`, { targets });
    await this.refresh();
  }

  async scale(name: string, replicas: number): Promise<void> {
    await this.#client.post(`/v1/processes/${encodeURIComponent(name)}/scale`, { replicas });
    await this.refresh();
  }

  why(id: string): Promise<WhyAnswer> {
    return this.#client.get<WhyAnswer>(`/v1/why/${encodeURIComponent(id)}`);
  }

  async reload(): Promise<ReloadOutcome> {
    const outcome = await this.#client.post<ReloadOutcome>('/v1/reload', {});
    await this.refresh();
    return outcome;
  }

  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  notices(): readonly Notice[] {
    return this.#notices.list();
  }

  async close(): Promise<void> {
    this.#abort.abort();
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
    this.#listeners.clear();
    await this.#fetching;
  }

  #follow(path: string, what: string, onEvent: (data: unknown, event: string) => void): void {
    this.#client
      .stream(path, (event, data) => onEvent(data, event), this.#abort.signal)
      .then(
        () => {
          if (!this.#abort.signal.aborted)
            this.#notices.add('error', `the supervisor ended the ${what} stream`);
        },
        (error: unknown) => this.#notices.add('error', `${what} stream: ${errorMessage(error)}`),
      );
  }

  #appendLog(entry: LogJson): void {
    const replica = /\.(\d+)$/.exec(entry.process);
    this.#store.append(
      {
        process: entry.process,
        name: replica === null ? entry.process : entry.process.slice(0, replica.index),
        instance: replica === null ? null : Number(replica[1]),
        stream: entry.stream,
        text: entry.text,
        time: Date.parse(entry.time),
      },
      isLogLevel(entry.level) ? entry.level : undefined,
    );
  }

  #onEvent(event: string, data: unknown): void {
    if (event === 'state' || event === 'health') void this.refresh();
    else if (event === 'error') {
      const error = data as { message?: string; context?: { operation?: string; processId?: string } };
      const where = error.context?.processId === undefined ? '' : `${error.context.processId}: `;
      this.#notices.add('error', `${where}${error.message ?? 'error'} (${error.context?.operation ?? '?'})`);
    }
  }

  #emit(): void {
    for (const listener of this.#listeners) listener();
  }
}
