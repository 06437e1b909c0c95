import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { OvrseerError } from '../../../src/errors.js';
import { CrashReporter, type CrashReporterOptions } from '../../../src/reports/crash-reporter.js';
import {
  errorRecorder,
  filesIn,
  IS_ROOT,
  readReportFile,
  removeTempDirs,
  reportInput,
  T0,
  tempDir,
} from './helpers.js';

afterEach(removeTempDirs);

function diskReporter(dir: string, options: Partial<CrashReporterOptions> = {}): CrashReporter {
  return new CrashReporter({
    dir,
    maxReports: 100,
    maxReportSize: 64 * 1024,
    onError: () => undefined,
    ...options,
  });
}

describe('CrashReporter on disk', () => {
  it('writes each report gzip-compressed as <id>.json.gz, mode 0600, in a 0700 directory', async () => {
    const dir = join(tempDir(), 'state', 'reports');
    const reporter = diskReporter(dir);
    const report = reporter.report(reportInput());
    await reporter.flush();
    expect(filesIn(dir)).toEqual([`${report.id}.json.gz`]);
    const file = join(dir, `${report.id}.json.gz`);
    expect(readFileSync(file).subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
    expect(readReportFile(file).json).toBe(JSON.stringify(report));
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
  });

  it('does not block: nothing is on disk until the caller yields', async () => {
    const dir = tempDir();
    const reporter = diskReporter(dir);
    reporter.report(reportInput());
    expect(filesIn(dir)).toEqual([]);
    await reporter.flush();
    expect(filesIn(dir)).toHaveLength(1);
  });

  it('never shows a partial file, and leaves no temp file behind', async () => {
    const dir = tempDir();
    const reporter = diskReporter(dir, { maxReportSize: 512 * 1024 });
    const lines = Array.from({ length: 500 }, (_, i) => ({
      time: T0 + i,
      stream: 'out' as const,
      text: `${i} ${Math.random()}`.repeat(4),
    }));
    let done = false;
    let checked = 0;
    const watcher = (async () => {
      while (!done) {
        for (const name of filesIn(dir).filter((n) => n.endsWith('.json.gz') && !n.startsWith('.'))) {
          // Throws on a truncated gzip stream or JSON.
          readReportFile(join(dir, name));
          checked += 1;
        }
        await new Promise((resolve) => setImmediate(resolve));
      }
    })();
    for (let i = 0; i < 10; i += 1) {
      reporter.report(reportInput({ time: T0 + i * 1000, lines }));
      await new Promise((resolve) => setImmediate(resolve));
    }
    await reporter.flush();
    done = true;
    await watcher;
    expect(checked).toBeGreaterThan(0);
    expect(filesIn(dir)).toHaveLength(10);
    expect(filesIn(dir).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it('removes its temp file when the rename fails, and reports the failure', async () => {
    const dir = tempDir();
    const { errors, onError } = errorRecorder();
    const reporter = diskReporter(dir, { onError });
    const report = reporter.report(reportInput());
    // A directory where the file should go makes the final rename fail.
    mkdirSync(join(dir, `${report.id}.json.gz`));
    await reporter.flush();
    expect(filesIn(dir)).toEqual([`${report.id}.json.gz`]);
    expect(errors).toHaveLength(1);
    expect(errors[0]?.operation).toBe('write crash report');
    expect(errors[0]?.error).toMatchObject({ code: 'OVRSEER_REPORT_WRITE_FAILED' });
  });

  it('evicts the oldest reports on disk too, and coalesces a burst into at most maxReports writes', async () => {
    const dir = tempDir();
    const reporter = diskReporter(dir, { maxReports: 20, maxReportSize: 4096 });
    for (let i = 0; i < 500; i += 1)
      reporter.report(reportInput({ process: `p${i % 7}`, time: T0 + i * 10 }));
    await reporter.flush();
    const ids = reporter.list().map((s) => s.id);
    expect(ids).toHaveLength(20);
    expect(filesIn(dir)).toEqual(ids.map((id) => `${id}.json.gz`).sort());
    for (let i = 0; i < 5; i += 1) reporter.report(reportInput({ time: T0 + 10_000 + i }));
    await reporter.flush();
    expect(filesIn(dir)).toEqual(
      reporter
        .list()
        .map((s) => `${s.id}.json.gz`)
        .sort(),
    );
    expect(filesIn(dir)).toHaveLength(20);
  });

  it('loads the reports again after a restart (a new reporter on the same directory)', async () => {
    const dir = tempDir();
    const first = diskReporter(dir);
    const reports = [0, 1, 2].map((i) =>
      first.report(reportInput({ process: `p${i}`, time: T0 + i * 1000, env: { API_TOKEN: 'tok-123456' } })),
    );
    await first.flush();
    const second = diskReporter(dir);
    expect(second.list()).toEqual([]);
    await second.load();
    expect(second.list()).toEqual(first.list());
    for (const report of reports) expect(second.get(report.id)).toEqual(report);
  });

  it('keeps the newest maxReports on load and deletes the rest, unless read-only', async () => {
    const dir = tempDir();
    const writer = diskReporter(dir);
    const ids = Array.from({ length: 10 }, (_, i) => writer.report(reportInput({ time: T0 + i * 1500 })).id);
    await writer.flush();

    const reader = diskReporter(dir, { maxReports: 4, readOnly: true });
    await reader.load();
    expect(reader.list().map((s) => s.id)).toEqual(ids.slice(6).reverse());
    await reader.flush();
    expect(filesIn(dir)).toHaveLength(10);
    reader.report(reportInput({ time: T0 + 60_000 }));
    await reader.flush();
    expect(filesIn(dir)).toHaveLength(10);

    const owner = diskReporter(dir, { maxReports: 4 });
    await owner.load();
    await owner.flush();
    expect(filesIn(dir)).toEqual(ids.slice(6).map((id) => `${id}.json.gz`));
  });

  it('merges loaded reports with those made before load()', async () => {
    const dir = tempDir();
    const old = diskReporter(dir);
    const before = old.report(reportInput({ time: T0 })).id;
    await old.flush();
    const reporter = diskReporter(dir, { maxReports: 2 });
    const fresh = reporter.report(reportInput({ time: T0 + 5000 })).id;
    await reporter.load();
    expect(reporter.list().map((s) => s.id)).toEqual([fresh, before]);
  });

  it('reports corrupt files and skips them without deleting them', async () => {
    const dir = tempDir();
    const writer = diskReporter(dir);
    const good = writer.report(reportInput()).id;
    await writer.flush();
    const bad = {
      '20261122T004500Z-a-0001.json.gz': Buffer.from('not gzip'),
      '20261122T004500Z-b-0002.json.gz': gzipSync('{"truncated": '),
      '20261122T004500Z-c-0003.json.gz': gzipSync(JSON.stringify({ ...writer.get(good), id: 'other' })),
      '20261122T004500Z-d-0004.json.gz': gzipSync(
        JSON.stringify({ ...writer.get(good), id: '20261122T004500Z-d-0004', version: 9 }),
      ),
    };
    for (const [name, data] of Object.entries(bad)) writeFileSync(join(dir, name), data);
    writeFileSync(join(dir, 'README.txt'), 'not a report');

    const { errors, onError } = errorRecorder();
    const reader = diskReporter(dir, { onError });
    await reader.load();
    expect(reader.list().map((s) => s.id)).toEqual([good]);
    expect(errors).toHaveLength(4);
    for (const { error, operation, severity } of errors) {
      expect(error).toBeInstanceOf(OvrseerError);
      expect((error as OvrseerError).code).toBe('OVRSEER_REPORT_CORRUPT');
      expect(operation).toBe('load crash report');
      expect(severity).toBe('warning');
    }
    const messages = errors.map((e) => e.error.message).join('\n');
    expect(messages).toContain('does not match the file name');
    expect(messages).toContain('unsupported version 9');
    for (const name of Object.keys(bad)) expect(existsSync(join(dir, name))).toBe(true);
  });

  it('removes temp files another (dead) writer left, but not its own', async () => {
    const dir = tempDir();
    const stale = '.20261122T004512Z-api-0001.999999999.abcd0123.tmp';
    const own = `.20261122T004512Z-api-0002.${process.pid}.abcd0123.tmp`;
    writeFileSync(join(dir, stale), 'half');
    writeFileSync(join(dir, own), 'in flight');
    const reporter = diskReporter(dir);
    await reporter.load();
    await reporter.flush();
    expect(filesIn(dir)).toEqual([own]);
    const reader = diskReporter(dir, { readOnly: true });
    writeFileSync(join(dir, stale), 'half');
    await reader.load();
    expect(filesIn(dir)).toEqual([own, stale].sort());
  });

  it('loads nothing, quietly, when the directory does not exist yet', async () => {
    const { errors, onError } = errorRecorder();
    const reporter = diskReporter(join(tempDir(), 'missing'), { onError });
    await reporter.load();
    expect(reporter.list()).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('on a directory it cannot write: reports once, keeps every report in memory', async () => {
    const base = tempDir();
    let dir: string;
    if (IS_ROOT) {
      // Root writes through chmod 0500; a directory below a regular file fails for everyone.
      writeFileSync(join(base, 'file'), '');
      dir = join(base, 'file', 'reports');
    } else {
      dir = join(base, 'reports');
      mkdirSync(dir, { mode: 0o500 });
    }
    const { errors, onError } = errorRecorder();
    const reporter = diskReporter(dir, { onError });
    const ids = [0, 1, 2].map((i) => reporter.report(reportInput({ time: T0 + i })).id);
    await reporter.flush();
    reporter.report(reportInput({ time: T0 + 10 }));
    await reporter.flush();
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ operation: 'write crash report', severity: 'error' });
    expect(errors[0]?.error).toMatchObject({ code: 'OVRSEER_REPORT_WRITE_FAILED' });
    expect(errors[0]?.error.message).toContain('kept in memory');
    for (const id of ids) expect(reporter.get(id)).toBeDefined();
    expect(reporter.size).toBe(4);
    if (!IS_ROOT) chmodSync(dir, 0o700);
  });
});
