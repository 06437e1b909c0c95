import { type Clock, systemClock } from '../core/clock.js';
import type { ErrorSeverity } from '../core/events.js';
import { OvrseerError } from '../errors.js';
import { fitReport, MIN_REPORT_SIZE } from './bound.js';
import { reportEnvironment } from './environment.js';
import { toPlainData } from './plain-data.js';
import { collectSecretValues, redactReportData } from './redact.js';
import { ReportDisk } from './report-disk.js';
import { createReportId, reportIdSecond } from './report-id.js';
import { asStoredReport, isValidReportTime } from './stored-report.js';
import {
  type CrashReport,
  type CrashReportFilter,
  type CrashReportInput,
  type CrashReportSummary,
  summarize,
} from './types.js';

export interface CrashReporterOptions {
  /** `<state_dir>/reports`; `null` keeps reports in memory only. */
  dir: string | null;
  /** Oldest reports are evicted beyond this, in memory and on disk. 0 keeps none. */
  maxReports: number;
  /** Bytes of a report's uncompressed JSON (at least 2 KiB). */
  maxReportSize: number;
  clock?: Clock;
  onError: (error: Error, context: { operation: string; severity: ErrorSeverity }) => void;
  /** Never write or delete (the `reports` command reads a directory a running supervisor owns). */
  readOnly?: boolean;
  /**
   * `settings.reports.snapshot`: a snapshot of the whole project for each report, whose JSON is at
   * most `maxBytes` (null: none fits). It is redacted as the report is. @default undefined (none)
   */
  snapshot?: (maxBytes: number) => unknown;
}

/** The share of `maxReportSize` an embedded snapshot may take: the failing process's own lines keep the rest. */
const SNAPSHOT_SHARE = 0.5;

/** How many report files `load()` reads at once. */
const LOAD_CONCURRENCY = 8;
/** Draws of a random id suffix before giving up on a second that is that crowded. */
const ID_ATTEMPTS = 64;

/**
 * Crash reports: redacted, bounded in count and size, kept in memory for queries and written to disk
 * (gzip, atomically) in the background. `report()` is synchronous and never throws for disk reasons,
 * because it runs inside the engine while a process is failing.
 */
export class CrashReporter {
  readonly #options: CrashReporterOptions;
  readonly #clock: Clock;
  readonly #maxReports: number;
  readonly #disk: ReportDisk | null;
  /** Oldest first. */
  #reports = new Map<string, CrashReport>();
  /** Failure kinds already reported, so a full disk is said once, not once per crash. */
  readonly #reportedKinds = new Set<string>();

  constructor(options: CrashReporterOptions) {
    this.#options = options;
    this.#clock = options.clock ?? systemClock;
    this.#maxReports = Number.isNaN(options.maxReports) ? 0 : Math.max(0, Math.floor(options.maxReports));
    this.#disk =
      options.dir === null
        ? null
        : new ReportDisk(
            options.dir,
            (error, operation, severity, kind) => this.#fail(error, operation, severity, kind),
            // The disk works again: the next failure of a known kind is news and is reported again.
            () => {
              for (const kind of this.#reportedKinds)
                if (kind.startsWith('write:')) this.#reportedKinds.delete(kind);
            },
          );
  }

  /** Builds, stores and (in the background) writes a report; returns it redacted and bounded. */
  report(input: CrashReportInput): CrashReport {
    const time = isValidReportTime(input.time) ? input.time : this.#clock.now();
    const id = this.#newId(time, input.process);
    const { env, inheritedEnv } = reportEnvironment(input.env, input.spec.env);
    const plain = toPlainData({
      id,
      version: 1,
      type: input.type,
      process: input.process,
      name: input.name,
      instance: input.instance,
      time,
      reason: input.reason,
      exitCode: input.exitCode,
      signal: input.signal,
      restartHistory: input.restartHistory,
      lines: input.lines,
      spec: input.spec,
      env,
      inheritedEnv,
      ...(input.context === undefined ? {} : { context: input.context }),
    }) as CrashReport;
    // Inherited values stay out of the report, but a process may print one: still redacted from lines.
    const redacted = redactReportData(plain, collectSecretValues(toPlainData(input.env)));
    // The id names the file: redaction must never rewrite it, even if a secret value occurs in it.
    redacted.id = id;
    redacted.type = input.type;
    const snapshot = this.#snapshot(input.env);
    const fitted = fitReport(
      redacted,
      this.#options.maxReportSize - (snapshot === null ? 0 : snapshot.bytes),
    );
    if (snapshot !== null) {
      fitted.report.snapshot = snapshot.value;
      fitted.json = JSON.stringify(fitted.report);
    }
    if (!fitted.fits) {
      const error = new OvrseerError(
        'OVRSEER_LIMIT_EXCEEDED',
        `crash report ${id} is still over max_crash_report_size (${this.#options.maxReportSize} bytes) after truncation`,
      );
      this.#fail(error, 'bound crash report', 'warning', 'bound');
    }
    if (this.#maxReports === 0) return fitted.report;
    this.#reports.set(id, fitted.report);
    if (this.#disk !== null && this.#options.readOnly !== true) this.#disk.write(id, fitted.json);
    this.#evict();
    return fitted.report;
  }

  /**
   * Summaries, newest first (by report time; same time: later arrival first). `process` matches an
   * instance id (`worker.2`) or a process name (`worker`: all its instances).
   */
  list(filter: CrashReportFilter = {}): CrashReportSummary[] {
    const matches = (report: CrashReport): boolean =>
      (filter.process === undefined || report.process === filter.process || report.name === filter.process) &&
      (filter.type === undefined || report.type === filter.type) &&
      (filter.since === undefined || report.time >= filter.since) &&
      (filter.until === undefined || report.time <= filter.until);
    return [...this.#reports.values()]
      .map((report, arrival) => ({ report, arrival }))
      .filter(({ report }) => matches(report))
      .sort((a, b) => b.report.time - a.report.time || b.arrival - a.arrival)
      .map(({ report }) => summarize(report));
  }

  get(id: string): CrashReport | undefined {
    return this.#reports.get(id);
  }

  get size(): number {
    return this.#reports.size;
  }

  /**
   * Reads the reports a previous run left in `dir`, keeping the newest `maxReports` (older files are
   * deleted unless read-only). Corrupt files are reported and skipped, never deleted: they may be
   * worth a look, and a reader must not destroy what it cannot parse.
   */
  async load(): Promise<void> {
    const disk = this.#disk;
    if (disk === null) return;
    const writable = this.#options.readOnly !== true;
    if (writable) await disk.removeStaleTempFiles();
    // Newest first by id (UTC second, then process): read only as many as can be kept.
    const ids = (await disk.listIds())
      .filter((id) => !this.#reports.has(id))
      .sort()
      .reverse();
    const loaded: CrashReport[] = [];
    let index = 0;
    while (index < ids.length) {
      const need = this.#maxReports - this.#reports.size - loaded.length;
      const previous = ids[index - 1];
      // Ties within one second are all read: only their times say which is newer.
      const sameSecond =
        previous !== undefined && reportIdSecond(ids[index] ?? '') === reportIdSecond(previous);
      if (need <= 0 && !sameSecond) break;
      const batch = ids.slice(index, index + Math.max(1, Math.min(LOAD_CONCURRENCY, need)));
      index += batch.length;
      const results = await Promise.all(batch.map((id) => this.#readOne(disk, id)));
      for (const report of results) if (report !== null) loaded.push(report);
    }
    const unread = ids.slice(index);
    loaded.sort((a, b) => a.time - b.time || (a.id < b.id ? -1 : 1));
    this.#reports = new Map([...loaded.map((r) => [r.id, r] as const), ...this.#reports]);
    if (writable) for (const id of unread) disk.delete(id);
    this.#evict(writable);
  }

  /** Resolves when every pending disk write and delete is done. */
  async flush(): Promise<void> {
    await this.#disk?.flush();
  }

  async #readOne(disk: ReportDisk, id: string): Promise<CrashReport | null> {
    try {
      const stored = asStoredReport(await disk.read(id), id);
      if (typeof stored === 'string') {
        throw new OvrseerError(
          'OVRSEER_REPORT_CORRUPT',
          `skipping crash report ${disk.fileOf(id)}: ${stored}`,
        );
      }
      // The limit may have been lowered since it was written: hold it to today's bound in memory.
      return fitReport(stored, this.#options.maxReportSize).report;
    } catch (error) {
      const failure = error instanceof Error ? error : new Error(String(error));
      this.#fail(failure, 'load crash report', 'warning', null);
      return null;
    }
  }

  /** The embedded snapshot, redacted, with its size; null when none is asked for or none fits. */
  #snapshot(env: CrashReportInput['env']): { value: unknown; bytes: number } | null {
    const take = this.#options.snapshot;
    if (take === undefined) return null;
    try {
      const budget = Math.floor(Math.max(this.#options.maxReportSize, MIN_REPORT_SIZE) * SNAPSHOT_SHARE);
      const value = take(budget);
      if (value === null) return null;
      // Redaction only shortens values; the size is measured after it (plus the key and a comma).
      const redacted = redactReportData(toPlainData(value) as object, collectSecretValues(toPlainData(env)));
      return { value: redacted, bytes: Buffer.byteLength(JSON.stringify(redacted), 'utf8') + 16 };
    } catch (error) {
      // The report itself matters more than its snapshot: it is written without one.
      this.#fail(
        error instanceof Error ? error : new Error(String(error)),
        'snapshot for crash report',
        'warning',
        'snapshot',
      );
      return null;
    }
  }

  #newId(time: number, process: string): string {
    for (let attempt = 0; attempt < ID_ATTEMPTS; attempt += 1) {
      const id = createReportId(time, process);
      if (!this.#reports.has(id)) return id;
    }
    // 64 collisions in a row: the second is full of this process's reports; move to the next one.
    return this.#newId(time + 1000, process);
  }

  #evict(deleteFiles = this.#options.readOnly !== true): void {
    for (const id of this.#reports.keys()) {
      if (this.#reports.size <= this.#maxReports) break;
      this.#reports.delete(id);
      if (deleteFiles) this.#disk?.delete(id);
    }
  }

  #fail(error: Error, operation: string, severity: ErrorSeverity, kind: string | null): void {
    if (kind !== null) {
      if (this.#reportedKinds.has(kind)) return;
      this.#reportedKinds.add(kind);
    }
    try {
      this.#options.onError(error, { operation, severity });
    } catch (handlerError) {
      // A throwing handler must not break the engine's crash path; stderr is the last place left.
      process.stderr.write(`ovrseer: crash report error handler threw: ${String(handlerError)}\n`);
    }
  }
}
