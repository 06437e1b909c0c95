import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { CrashReportRequest, CrashReportSink } from '../../../src/core/events.js';
import { CrashReporter, type CrashReporterOptions } from '../../../src/reports/crash-reporter.js';
import { REDACTED } from '../../../src/reports/redact.js';
import { REPORT_ID_PATTERN } from '../../../src/reports/report-id.js';
import { FakeClock } from '../../helpers/fake-clock.js';
import { errorRecorder, removeTempDirs, reportInput, T0, tempDir } from './helpers.js';

afterEach(removeTempDirs);

function memoryReporter(options: Partial<CrashReporterOptions> = {}): CrashReporter {
  return new CrashReporter({
    dir: null,
    maxReports: 100,
    maxReportSize: 1024 * 1024,
    onError: () => undefined,
    ...options,
  });
}

describe('CrashReporter in memory', () => {
  it('returns the stored, redacted report with an id and a version', () => {
    const reporter = memoryReporter();
    const report = reporter.report(
      reportInput({
        env: { GITHUB_TOKEN: 'ghp_leaky', PORT: '3000' },
        lines: [
          { time: T0, stream: 'out', text: 'token=ghp_leaky' },
          { time: T0, stream: 'out', text: 'using ghp_leaky' },
        ],
      }),
    );
    expect(report.id).toMatch(REPORT_ID_PATTERN);
    expect(report.id).toMatch(/^20261122T004512Z-api-[0-9a-f]{4}$/);
    expect(report.version).toBe(1);
    // PORT is ovrseer's own; GITHUB_TOKEN was inherited: its name only, its value still out of lines.
    expect(report.env).toEqual({ PORT: '3000' });
    expect(report.inheritedEnv).toEqual(['GITHUB_TOKEN']);
    expect(report.lines[0]?.text).toBe(`token=${REDACTED}`);
    expect(report.lines[1]?.text).toBe(`using ${REDACTED}`);
    expect(reporter.get(report.id)).toBe(report);
    expect(JSON.stringify(report)).not.toContain('ghp_leaky');
  });

  it("is the engine's CrashReportSink (a compile-time check that the two shapes stay in step)", () => {
    const sink: CrashReportSink = memoryReporter();
    const request: CrashReportRequest = reportInput();
    expect(sink.report(request)).toMatchObject({ version: 1, process: 'api' });
  });

  it('gives unique ids even for many reports of one process in one second', () => {
    const reporter = memoryReporter({ maxReports: 2000 });
    const ids = new Set(Array.from({ length: 1500 }, () => reporter.report(reportInput()).id));
    expect(ids.size).toBe(1500);
    expect(reporter.size).toBe(1500);
    // ~2 ms a report (redaction and bounding each time): 3 s here alone, more on a loaded CI machine.
  }, 30_000);

  it('evicts the oldest beyond maxReports', () => {
    const reporter = memoryReporter({ maxReports: 3 });
    const ids = [1, 2, 3, 4, 5].map((i) => reporter.report(reportInput({ time: T0 + i * 1000 })).id);
    expect(reporter.list().map((s) => s.id)).toEqual([ids[4], ids[3], ids[2]]);
    expect(reporter.get(ids[0] ?? '')).toBeUndefined();
  });

  it('keeps nothing with maxReports 0, but still returns the report', () => {
    const reporter = memoryReporter({ maxReports: 0 });
    const report = reporter.report(reportInput());
    expect(report.reason).toBe('exited with code 1');
    expect(reporter.list()).toEqual([]);
  });

  it('lists summaries newest first, filtered by process, name, type and time range', () => {
    const reporter = memoryReporter();
    reporter.report(reportInput({ process: 'api', time: T0 }));
    reporter.report(reportInput({ process: 'worker.1', name: 'worker', instance: 1, time: T0 + 1000 }));
    reporter.report(reportInput({ process: 'worker.2', name: 'worker', instance: 2, time: T0 + 2000 }));
    reporter.report(
      reportInput({ process: 'db', type: 'maxRetriesExceeded', time: T0 + 3000, reason: 'loop' }),
    );
    const processes = (filter: Parameters<CrashReporter['list']>[0]): string[] =>
      reporter.list(filter).map((s) => s.process);
    expect(processes({})).toEqual(['db', 'worker.2', 'worker.1', 'api']);
    expect(processes({ process: 'worker' })).toEqual(['worker.2', 'worker.1']);
    expect(processes({ process: 'worker.1' })).toEqual(['worker.1']);
    expect(processes({ type: 'maxRetriesExceeded' })).toEqual(['db']);
    expect(processes({ since: T0 + 1000, until: T0 + 2000 })).toEqual(['worker.2', 'worker.1']);
    expect(processes({ process: 'worker', type: 'crash', since: T0 + 1500 })).toEqual(['worker.2']);
    const [db] = reporter.list();
    expect(db).toEqual({
      id: expect.stringMatching(/^20261122T004515Z-db-/),
      process: 'db',
      type: 'maxRetriesExceeded',
      time: '2026-11-22T00:45:15.000Z',
      reason: 'loop',
      name: 'db',
      exitCode: 1,
      signal: null,
    });
  });

  it('orders by report time, whatever the arrival order', () => {
    const reporter = memoryReporter();
    const late = reporter.report(reportInput({ time: T0 + 5000 })).id;
    const early = reporter.report(reportInput({ time: T0 })).id;
    expect(reporter.list().map((s) => s.id)).toEqual([late, early]);
  });

  it('orders reports of the same millisecond by arrival', () => {
    const reporter = memoryReporter();
    const first = reporter.report(reportInput({ process: 'b' })).id;
    const second = reporter.report(reportInput({ process: 'a' })).id;
    expect(reporter.list().map((s) => s.id)).toEqual([second, first]);
  });

  it('bounds the size of each report', () => {
    const reporter = memoryReporter({ maxReportSize: 4096 });
    const lines = Array.from({ length: 300 }, (_, i) => ({
      time: T0 + i,
      stream: 'out' as const,
      text: `l${i} ${'.'.repeat(50)}`,
    }));
    const report = reporter.report(reportInput({ lines }));
    expect(Buffer.byteLength(JSON.stringify(report))).toBeLessThanOrEqual(4096);
    expect(report.lines[0]?.text).toMatch(/^\[ovrseer\] \d+ earlier lines dropped/);
    expect(report.lines.at(-1)?.text).toMatch(/^l299 /);
  });

  it('takes any context without throwing: cycles, BigInt, errors, dates, maps', () => {
    const cycle: Record<string, unknown> = { name: 'loop' };
    cycle.self = cycle;
    const error = Object.assign(new Error('ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    const reporter = memoryReporter();
    const report = reporter.report(
      reportInput({
        context: { cycle, big: 10n, error, at: new Date(T0), deps: new Map([['db', 'failed']]), fn: () => 1 },
      }),
    );
    expect(report.context).toEqual({
      cycle: { name: 'loop', self: '[circular]' },
      big: '10',
      error: {
        name: 'Error',
        message: 'ECONNREFUSED 127.0.0.1:5432',
        stack: expect.any(String),
        code: 'ECONNREFUSED',
      },
      at: '2026-11-22T00:45:12.000Z',
      deps: { db: 'failed' },
    });
  });

  it('uses the clock when the input time is not a usable time', () => {
    const clock = new FakeClock(T0 + 5000);
    const reporter = memoryReporter({ clock });
    expect(reporter.report(reportInput({ time: Number.NaN })).time).toBe(T0 + 5000);
  });

  it('survives an error handler that throws', async () => {
    const { errors, onError } = errorRecorder();
    const file = join(tempDir(), 'a-file');
    writeFileSync(file, '');
    const reporter = new CrashReporter({
      // A directory below a regular file cannot be created, even by root.
      dir: join(file, 'reports'),
      maxReports: 5,
      maxReportSize: 4096,
      onError: (error, context) => {
        onError(error, context);
        throw new Error('handler bug');
      },
    });
    const written: string[] = [];
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      written.push(String(chunk));
      return true;
    });
    try {
      expect(() => reporter.report(reportInput())).not.toThrow();
      await reporter.flush();
    } finally {
      stderr.mockRestore();
    }
    expect(written.join('')).toContain('handler threw');
    expect(errors).toHaveLength(1);
    expect(reporter.size).toBe(1);
  });
});
