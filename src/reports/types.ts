import type { CrashReportRequest, CrashReportType } from '../core/events.js';

export const CRASH_REPORT_TYPES = [
  'crash',
  'cleanupFailed',
  'dependencyFailed',
  'maxRetriesExceeded',
  'readyTimeout',
  'unhealthy',
  'memoryLimit',
  'cpuLimit',
] as const satisfies readonly CrashReportType[];

export type { CrashReportType };

/** One captured output line; `system` lines are ovrseer's own (state changes, markers). */
export type CrashReportLine = CrashReportRequest['lines'][number];

/**
 * What the engine knows when something goes wrong; the reporter redacts and bounds it. The engine
 * owns the shape (`CrashReportRequest`), so the two can never drift apart.
 */
export type CrashReportInput = CrashReportRequest;

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
  /**
   * Names of the variables the process inherited (not set by its config), sorted; their values are
   * left out, and `env` holds only the configured ones. Absent in reports written before 0.2.
   */
  inheritedEnv?: string[];
  truncated?: CrashReportTruncation;
  /** With `settings.reports.snapshot`: the project's snapshot at the time (docs/snapshots.md), bounded. */
  snapshot?: unknown;
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
