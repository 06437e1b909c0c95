import type { ProcessSpec } from '../config/spec.js';
import type { RestartRecord } from '../core/restart/history.js';

export const CRASH_REPORT_TYPES = [
  'crash',
  'cleanupFailed',
  'dependencyFailed',
  'maxRetriesExceeded',
  'unhealthy',
  'memoryLimit',
  'cpuLimit',
] as const;

export type CrashReportType = (typeof CRASH_REPORT_TYPES)[number];

/** One captured output line; `system` lines are ovrseer's own (state changes, markers). */
export interface CrashReportLine {
  time: number;
  stream: 'out' | 'err' | 'system';
  text: string;
}

/** What the engine knows when something goes wrong; the reporter redacts and bounds it. */
export interface CrashReportInput {
  type: CrashReportType;
  /** Instance id: `api`, or `worker.2` for a replica. */
  process: string;
  /** The process's name in the config (`worker` for `worker.2`). */
  name: string;
  instance: number | null;
  /** Epoch ms. */
  time: number;
  reason: string;
  exitCode: number | null;
  signal: string | null;
  restartHistory: RestartRecord[];
  /** The last lines of output, oldest first. */
  lines: CrashReportLine[];
  spec: ProcessSpec;
  env: Record<string, string | undefined>;
  context?: Record<string, unknown>;
}

/** What was cut to keep a report within `maxReportSize` (absent when nothing was). */
export interface CrashReportTruncation {
  /** Log lines dropped from the oldest end. */
  lines: number;
  /** Restart records dropped from the oldest end. */
  restartHistory: number;
  /** Long strings shortened, environments emptied. */
  fields: number;
}

export interface CrashReport extends CrashReportInput {
  /** Sortable by time and unique: `20261122T004512Z-api-3f9a`. */
  id: string;
  version: 1;
  truncated?: CrashReportTruncation;
}

export interface CrashReportSummary {
  id: string;
  process: string;
  type: CrashReportType;
  /** ISO 8601. */
  time: string;
  reason: string;
  name: string;
  exitCode: number | null;
  signal: string | null;
}

export interface CrashReportFilter {
  /** An instance id (`worker.2`) or a process name (`worker`: all its instances). */
  process?: string;
  type?: CrashReportType;
  /** Inclusive bounds, epoch ms. */
  since?: number;
  until?: number;
}

export function isCrashReportType(value: unknown): value is CrashReportType {
  return typeof value === 'string' && (CRASH_REPORT_TYPES as readonly string[]).includes(value);
}

export function summarize(report: CrashReport): CrashReportSummary {
  return {
    id: report.id,
    process: report.process,
    type: report.type,
    time: new Date(report.time).toISOString(),
    reason: report.reason,
    name: report.name,
    exitCode: report.exitCode,
    signal: report.signal,
  };
}
