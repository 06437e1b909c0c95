import type { ManagerEvents, WarningEvent } from '../../core/events.js';
import type { DependencyGraph } from '../../core/graph.js';
import type { LogStore } from '../../logs/log-store.js';
import type { HistoryPoint } from '../../metrics/history.js';
import type { CrashReport, CrashReportSummary } from '../../reports/types.js';
import type { ProcessRow } from '../process-rows.js';

/** What the HTTP API needs from the supervisor; routes never reach into the engine directly. */
export interface ApiBackend {
  rows(): ProcessRow[];
  act(action: 'start' | 'stop' | 'restart', targets: readonly string[]): Promise<void>;
  scale(name: string, replicas: number): Promise<void>;
  sendInput(id: string, data: Buffer): boolean;
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
  /** The dependency graph the engine waits by (`ovrseer graph --json`), for the dashboard. */
  graph(): DependencyGraph;
  /** The last warnings, oldest first: sent first on a dashboard's event stream (`rows=1`). */
  warnings?(): WarningEvent[];
  reports(): CrashReportSummary[];
  report(id: string): CrashReport | undefined;
  metricsText(): Promise<string>;
  on<K extends keyof ManagerEvents>(event: K, listener: (payload: ManagerEvents[K]) => void): () => void;
  /** Starts a graceful shutdown and returns at once. */
  shutdown(): void;
  /** The pid of this process when it ends after a shutdown (a detached supervisor), else null. */
  exitingPid(): number | null;
  reportError(error: Error, operation: string): void;
}
