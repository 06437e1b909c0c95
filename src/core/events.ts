import type { ProcessSpec } from '../config/spec.js';
import type { LineBatch } from './line-batch.js';
import type { RestartRecord } from './restart/history.js';
import type { HealthState, ProcessState } from './states.js';

export type LogStream = 'out' | 'err' | 'system';

/** One state transition of one process instance. Every transition emits exactly one. */
export interface StateChangeEvent {
  /** Display id: `api`, or `worker.2` for a replica. */
  process: string;
  name: string;
  /** Replica number, `null` for a process with one instance. */
  instance: number | null;
  from: ProcessState;
  to: ProcessState;
  reason: string;
  /** Epoch milliseconds. */
  time: number;
  pid: number | null;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
}

export interface LogLineEvent {
  process: string;
  name: string;
  instance: number | null;
  stream: LogStream;
  text: string;
  time: number;
}

/**
 * The lines of one read from a process's output (or one line of ovrseer's own about it), with one
 * timestamp. The engine emits only these; `log` events are the same lines one by one, for listeners
 * that want them so (see `ProcessManager.on`).
 */
export interface LogOutputEvent {
  process: string;
  name: string;
  instance: number | null;
  stream: LogStream;
  lines: LineBatch;
  time: number;
}

export interface HealthChangeEvent {
  process: string;
  from: HealthState;
  to: HealthState;
  reason: string;
  time: number;
}

export type ErrorSeverity = 'warning' | 'error' | 'critical';

/** Where an internal failure happened (core package review, 1.2). */
export interface ErrorContext {
  processId?: string;
  operation: string;
  severity: ErrorSeverity;
}

export interface ErrorHandler {
  onError(error: Error, context: ErrorContext): void;
}

export interface ErrorEvent {
  error: Error;
  context: ErrorContext;
  time: number;
}

/** Something about a process worth telling the user that is not a state change (from the metrics sampler). */
export interface WarningEvent {
  process: string;
  /** `cpu`: over `limits.cpu` for a sustained window; `leak`: RSS rising steadily; `memory`: over `limits.memory`. */
  kind: 'cpu' | 'leak' | 'memory';
  message: string;
  time: number;
}

export interface ManagerEvents {
  state: StateChangeEvent;
  /** One event per line: derived from `output` by `ProcessManager.on`, never emitted as such. */
  log: LogLineEvent;
  output: LogOutputEvent;
  health: HealthChangeEvent;
  error: ErrorEvent;
  warning: WarningEvent;
  /** Nothing is live, pending or due to restart any more. */
  idle: { time: number };
}

export type CrashReportType =
  | 'crash'
  | 'cleanupFailed'
  | 'dependencyFailed'
  | 'maxRetriesExceeded'
  | 'readyTimeout'
  | 'unhealthy'
  | 'memoryLimit'
  | 'cpuLimit';

/** What the engine hands to a crash reporter; the reporter redacts, bounds and stores it. */
export interface CrashReportRequest {
  type: CrashReportType;
  process: string;
  name: string;
  instance: number | null;
  time: number;
  reason: string;
  exitCode: number | null;
  signal: string | null;
  restartHistory: RestartRecord[];
  lines: { time: number; stream: LogStream; text: string }[];
  spec: ProcessSpec;
  env: Record<string, string | undefined>;
  context?: Record<string, unknown>;
}

/** Anything that accepts crash reports (src/reports/CrashReporter does). */
export interface CrashReportSink {
  report(request: CrashReportRequest): unknown;
}
