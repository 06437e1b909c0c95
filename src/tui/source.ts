import type { ProcessSpec } from '../config/spec.js';
import type { ReloadOutcome } from '../core/reload-apply.js';
import type { RestartRecord } from '../core/restart/history.js';
import type { WhyAnswer } from '../core/why.js';
import type { LogQuery, LogQueryResult } from '../logs/types.js';
import type { CrashReport, CrashReportSummary } from '../reports/types.js';
import type { ProcessRow } from '../supervisor/process-rows.js';

/**
 * The part of a log store the TUI reads. Queries are synchronous so a frame never waits on I/O: the
 * in-process source hands over the supervisor's own LogStore, the remote one a local store that an
 * SSE follower fills.
 */
export interface LogView {
  query(query: LogQuery): LogQueryResult;
  /** Seq of the newest entry; polled once per frame to learn whether anything new arrived. */
  readonly lastSeq: number;
}

/** One point of a resource graph. */
export interface ResourcePoint {
  /** Epoch milliseconds. */
  time: number;
  /** Percent of one core. */
  cpu: number | null;
  /** Bytes of the whole process tree. */
  memory: number | null;
}

export interface Notice {
  time: number;
  level: 'info' | 'warn' | 'error';
  text: string;
}

export interface DependencyDetail {
  name: string;
  condition: string;
  /** From the tier rule (a service waits for every `dependency`), not from `depends_on`. */
  implicit: boolean;
}

/** What the detail view shows; every part may be missing (a remote supervisor tells less). */
export interface ProcessDetails {
  id: string;
  /** The config of the process; `null` when it could not be had (remote, config unreadable). */
  spec: ProcessSpec | null;
  dependencies: DependencyDetail[];
  /** Newest last; `null` when unknown. */
  restarts: RestartRecord[] | null;
  /** Where `restarts` came from: the live engine, or the newest crash report. */
  restartsFrom: 'engine' | 'report';
  /** Crash reports of this instance, newest first. */
  reports: CrashReportSummary[];
  lastReport: CrashReport | null;
}

export type TuiAction = 'start' | 'stop' | 'restart' | 'pause' | 'resume';

/**
 * Everything the TUI needs from a running project, whether it runs in this process (`ovrseer up`) or
 * behind the API (`ovrseer tui`). Reads are synchronous snapshots; actions are promises whose failures
 * the UI shows on its status line.
 */
export interface TuiSource {
  readonly mode: 'local' | 'remote';
  /** The project's name, for the header. */
  readonly project: string;
  /** Every instance, in config order. */
  rows(): readonly ProcessRow[];
  readonly logs: LogView;
  /** CPU and memory of one instance since `since` (epoch ms), oldest first. */
  history(id: string, since: number): ResourcePoint[];
  /** The git branch of the instance's working directory, when known. */
  branch(id: string): string | null;
  details(id: string): Promise<ProcessDetails>;
  act(action: TuiAction, targets: readonly string[]): Promise<void>;
  scale(name: string, replicas: number): Promise<void>;
  /** `w`: what holds the instance back (`ovrseer why`); absent where the supervisor cannot say. */
  why?(id: string): Promise<WhyAnswer>;
  /** `L`: re-read the config and apply the difference (`ovrseer reload`). */
  reload?(): Promise<ReloadOutcome>;
  /** Rows may have changed (a state or health change, a metrics sample): the UI schedules a frame. */
  onChange(listener: () => void): () => void;
  /** Messages for the status line, oldest first (bounded). */
  notices(): readonly Notice[];
  close(): Promise<void>;
}
