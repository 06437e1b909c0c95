import type { ProcessSpec } from '../config/spec.js';
import type { Clock } from '../core/clock.js';
import type { CrashReportType, ErrorContext, WarningEvent } from '../core/events.js';
import type { ProcessInfo } from '../core/managed-process.js';
import type { ExitCause } from '../core/restart/restart-controller.js';
import type { ProcessState } from '../core/states.js';
import type { LeakOptions } from './leak.js';
import type { TreeRoot } from './tree.js';

/** Figures of one process tree (the process and all its descendants, escapees included). */
export interface TreeFigures {
  /** Percent of one core (a busy single-threaded process shows ~100); null until two samples exist. */
  cpu: number | null;
  /** Bytes resident, summed over the tree. */
  memory: number;
  /** Live processes in the tree. */
  processes: number;
  /** Open descriptors over the tree; null until counted (they are counted every few samples). */
  fds: number | null;
  /** Listening TCP ports of the tree, ascending. */
  ports: number[];
}

/** One sample of one instance. */
export interface InstanceMetrics extends TreeFigures {
  /** Epoch milliseconds of the sample. */
  time: number;
}

/** What `ps` and the API show per instance; all null/empty until measured. */
export interface ProcessFigures {
  cpu: number | null;
  memory: number | null;
  ports: number[];
  branch: string | null;
}

/**
 * Where the figures come from: one pass over /proc on Linux; another platform plugs in its own
 * (the seam for a `ps`/pidusage source). Figures come back in the order of `roots`; a root whose
 * leader is gone gets null.
 */
export interface TreeSource {
  /** `sameRoots`: the caller knows the roots are those of the last call (same pids, same order). */
  sample(
    roots: readonly TreeRoot[],
    sameRoots?: boolean,
  ): (TreeFigures | null)[] | Promise<(TreeFigures | null)[]>;
  /**
   * Whether the last `sample` saw nothing move: its figures are the call before's with 0 % CPU (the
   * sampler then has nothing to record but the time). A source that does not tell leaves it unset.
   */
  readonly unchanged?: boolean;
  /** Releases what the source keeps open between passes. */
  close?(): void;
}

/** The parts of a ManagedProcess the sampler uses. */
export interface MetricsInstance {
  readonly id: string;
  readonly name: string;
  readonly instance: number | null;
  readonly pid: number | null;
  readonly marker: string;
  readonly state: ProcessState;
  readonly spec: Pick<ProcessSpec, 'limits' | 'cwd'>;
  info(): ProcessInfo;
  endRun(cause: ExitCause): Promise<void>;
  fileReport(type: CrashReportType, reason: string, context?: Record<string, unknown>): void;
}

/** The parts of a ProcessManager the sampler uses. */
export interface MetricsHost {
  readonly projectId: string;
  readonly spec: { readonly name: string; readonly settings: { readonly metricsInterval: number } };
  readonly isShuttingDown: boolean;
  instances(): readonly MetricsInstance[];
  /** An instance by id, without a scan (the API asks for each row's figures). */
  get(id: string): MetricsInstance | undefined;
  reportError(error: Error, context: ErrorContext): void;
  emitWarning(warning: WarningEvent): void;
  /**
   * State events (a start, an exit, a restart): with them, a pass after none reuses the last list of
   * running instances instead of walking them all. A host without them is walked every pass.
   */
  on?(event: 'state', listener: () => void): () => void;
}

export interface MetricsSamplerOptions {
  /** @default the system clock */
  clock?: Clock;
  /** Milliseconds between passes. @default `settings.metrics_interval` (1 s) */
  interval?: number;
  /** Span of the per-process history ring. @default 10 minutes */
  historyMs?: number;
  /** CPU over `limits.cpu` this long is sustained. @default 30 s */
  cpuWindowMs?: number;
  /** How often the history is checked for a leak. @default 30 s */
  leakCheckMs?: number;
  leak?: Partial<LeakOptions>;
  /** Git branches are read again after this long. @default 30 s */
  branchRefreshMs?: number;
  /** @default one pass over /proc on Linux, none elsewhere; see `createTreeSource` */
  source?: TreeSource | null;
  /**
   * Count the supervisor's CPU time during passes in `stats().totalCpuMs` (for benchmarks: two
   * `process.cpuUsage()` calls a pass are a fair share of an idle pass). @default false
   */
  measureCpu?: boolean;
}

export interface SamplerStats {
  passes: number;
  /** Wall time of the last pass and of all passes, in ms (a loaded machine adds waiting to it). */
  lastPassMs: number;
  totalPassMs: number;
  /** CPU time of the supervisor during all passes, in ms: what sampling costs (0 unless `measureCpu`). */
  totalCpuMs: number;
}
