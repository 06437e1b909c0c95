import type { ManagerEvents, WarningEvent } from '../../core/events.js';
import type { ReloadOutcome } from '../../core/reload-apply.js';
import type { WhyAnswer } from '../../core/why.js';
import type { LogStore } from '../../logs/log-store.js';
import type { HistoryPoint } from '../../metrics/history.js';
import type { CrashReport, CrashReportSummary } from '../../reports/types.js';
import type { ProcessRow } from '../process-rows.js';
import type { SnapshotOptions } from '../snapshot/build.js';
import type { Snapshot } from '../snapshot/format.js';
import type { LiveGraph } from '../why-answer.js';
import type { Action } from './request-checks.js';

/** What the HTTP API needs from the supervisor; routes never reach into the engine directly. */
export interface ApiBackend {
  rows(): ProcessRow[];
  act(action: Action, targets: readonly string[]): Promise<void>;
  scale(name: string, replicas: number): Promise<void>;
  /** `POST /v1/reload`: re-read the config and apply the difference (or only plan it). */
  reload?(options: { dryRun?: boolean }): Promise<ReloadOutcome>;
  /** Tracks the running process `pid` as the instance `name` (`POST /v1/processes/:name/adopt`). */
  adopt(name: string, pid: number): Promise<void>;
  sendInput(id: string, data: Buffer): boolean;
  /** `POST /v1/messages`: from ovrseer to the instances `to` names (or `*`); throws as `sendMessage`. */
  sendMessage(to: string, message: unknown): { delivered: string[] };
  /** Environment and cwd of an instance, for `exec`. */
  context(id: string): { env: Record<string, string | undefined>; cwd: string };
  logStore(): LogStore;
  /**
   * `LogQuery.processes` for `names=` selectors (name, name.N, group:G, tag:T, all), resolved against
   * the instances that run now; `undefined` means every process. Unknown ones throw.
   */
  logTargets(selectors: readonly string[]): string[] | undefined;
  /** An instance's kept CPU/RSS history and its limits; unknown ones throw. */
  history(id: string): { points: HistoryPoint[]; memoryLimit: number | null; cpuLimit: number | null };
  /** The dependency graph the engine waits by (`ovrseer graph --json`) and the last start's gate timings. */
  graph(): LiveGraph;
  /** `ovrseer why NAME`: what holds the instance back; unknown ones throw. */
  why(id: string): WhyAnswer;
  /** The last warnings, oldest first: sent first on a dashboard's event stream (`rows=1`). */
  warnings?(): WarningEvent[];
  reports(): CrashReportSummary[];
  report(id: string): CrashReport | undefined;
  metricsText(): Promise<string>;
  /** The project in the snapshot format (`GET /v1/snapshot`). */
  snapshot(options?: SnapshotOptions): Snapshot;
  on<K extends keyof ManagerEvents>(event: K, listener: (payload: ManagerEvents[K]) => void): () => void;
  /** Starts a graceful shutdown and returns at once. */
  shutdown(): void;
  /** The pid of this process when it ends after a shutdown (a detached supervisor), else null. */
  exitingPid(): number | null;
  reportError(error: Error, operation: string): void;
}
