import type { ProjectSpec } from '../../config/spec.js';
import type { LogRecord } from '../../logs/format.js';
import type { CrashReport, CrashReportSummary } from '../../reports/types.js';
import { VERSION } from '../../version.js';
import type { ProcessRow } from '../process-rows.js';
import {
  DEFAULT_SNAPSHOT_LINES,
  SNAPSHOT_FORMAT,
  SNAPSHOT_VERSION,
  type Snapshot,
  type SnapshotHistory,
} from './format.js';

/** What a snapshot is made of; the Supervisor provides it (a test can provide its own). */
export interface SnapshotSource {
  spec: ProjectSpec;
  projectId: string;
  /** The config file's text as read at start-up, or null. */
  configSource: { path: string; text: string } | null;
  supervisor: { pid: number; started: string };
  rows(): ProcessRow[];
  /** The newest `limit` lines of an instance, oldest first (its own ring's tail: cheap per instance). */
  lastLines(id: string, limit: number): LogRecord[];
  history(id: string): SnapshotHistory;
  reports(): CrashReportSummary[];
  report(id: string): CrashReport | undefined;
}

export interface SnapshotOptions {
  /** Newest log lines kept per instance. @default DEFAULT_SNAPSHOT_LINES (200) */
  lines?: number;
  /**
   * Bytes of whole crash reports kept (newest first; the rest are listed in `summaries` only).
   * @default 4 MiB
   */
  maxReportBytes?: number;
  /** Keep the metrics history. @default true */
  metrics?: boolean;
  /** @default Date.now */
  now?: () => number;
}

export const DEFAULT_MAX_REPORT_BYTES = 4 * 1024 * 1024;

const jsonBytes = (value: unknown): number => Buffer.byteLength(JSON.stringify(value), 'utf8');

/** Takes a snapshot: a plain, JSON-ready value (docs/snapshots.md). */
export function buildSnapshot(source: SnapshotSource, options: SnapshotOptions = {}): Snapshot {
  const lines = options.lines ?? DEFAULT_SNAPSHOT_LINES;
  const rows = source.rows();
  const replicas: Record<string, number> = {};
  for (const process of source.spec.processes) replicas[process.name] = 0;
  for (const row of rows) replicas[row.process] = (replicas[row.process] ?? 0) + 1;
  const byInstance: Record<string, LogRecord[]> = {};
  const metrics: Record<string, SnapshotHistory> = {};
  for (const row of rows) {
    byInstance[row.name] = lines === 0 ? [] : source.lastLines(row.name, lines);
    if (options.metrics !== false) metrics[row.name] = source.history(row.name);
  }
  const summaries = source.reports();
  const bodies: CrashReport[] = [];
  let budget = options.maxReportBytes ?? DEFAULT_MAX_REPORT_BYTES;
  for (const summary of summaries) {
    const body = source.report(summary.id);
    if (body === undefined) continue;
    const size = jsonBytes(body);
    // Newest first, and a big one does not keep the smaller older ones out.
    if (size > budget) continue;
    budget -= size;
    bodies.push(body);
  }
  const spec = source.spec;
  return {
    format: SNAPSHOT_FORMAT,
    version: SNAPSHOT_VERSION,
    createdAt: new Date((options.now ?? Date.now)()).toISOString(),
    ovrseer: VERSION,
    project: { name: spec.name, id: source.projectId, dir: spec.dir, file: spec.file },
    supervisor: source.supervisor,
    // A copy: the snapshot must not change with the engine's spec, nor share objects with it.
    config: { source: source.configSource, spec: JSON.parse(JSON.stringify(spec)) as ProjectSpec },
    replicas,
    instances: rows.map((row) => ({ ...row })),
    logs: { lines, byInstance },
    metrics,
    reports: { summaries, bodies, bodiesOmitted: summaries.length - bodies.length },
  };
}

/**
 * The fullest snapshot that serializes within `maxBytes`, for a crash report to embed: fewer log
 * lines first, then no metrics history, no config text, no report bodies; `null` when even the bare
 * process table does not fit.
 */
export function boundedSnapshot(live: SnapshotSource, maxBytes: number, lines = 50): Snapshot | null {
  // Read once: each attempt below would otherwise ask for the rows and every instance's lines again.
  const rows = live.rows();
  const tails = new Map(rows.map((row) => [row.name, live.lastLines(row.name, lines)]));
  const source: SnapshotSource = {
    ...live,
    rows: () => rows,
    lastLines: (id, limit) => (tails.get(id) ?? []).slice(-limit),
  };
  // Report bodies stay out: a report embedding the others, each embedding more, would only grow.
  const attempts: SnapshotOptions[] = [
    { lines, maxReportBytes: 0 },
    { lines: Math.min(lines, 10), maxReportBytes: 0 },
    { lines: Math.min(lines, 10), maxReportBytes: 0, metrics: false },
    { lines: 0, maxReportBytes: 0, metrics: false },
  ];
  for (const attempt of attempts) {
    const snapshot = buildSnapshot(source, attempt);
    if (jsonBytes(snapshot) <= maxBytes) return snapshot;
  }
  const bare = buildSnapshot(
    { ...source, configSource: null },
    { lines: 0, maxReportBytes: 0, metrics: false },
  );
  return jsonBytes(bare) <= maxBytes ? bare : null;
}
