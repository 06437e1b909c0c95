import { describe, expect, it } from 'vitest';
import { CrashReporter } from '../../../src/reports/crash-reporter.js';
import { fitWidth, formatDuration, renderReport, renderReportTable } from '../../../src/reports/render.js';
import { processSpec } from '../core/spec-builder.js';
import { reportInput, T0 } from './helpers.js';

function reporter(): CrashReporter {
  return new CrashReporter({
    dir: null,
    maxReports: 10,
    maxReportSize: 1024 * 1024,
    onError: () => undefined,
  });
}

describe('renderReportTable', () => {
  it('aligns the columns and cuts the reason to the width', () => {
    const r = reporter();
    r.report(reportInput({ process: 'api', reason: 'exited with code 1' }));
    r.report(
      reportInput({
        process: 'worker.12',
        name: 'worker',
        type: 'maxRetriesExceeded',
        reason: 'x'.repeat(300),
      }),
    );
    const lines = renderReportTable(r.list(), 120).trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^ID +PROCESS +TYPE +TIME +REASON$/);
    const reasonColumn = lines[0]?.indexOf('REASON');
    for (const line of lines.slice(1)) {
      expect(line.length).toBeLessThanOrEqual(120);
      expect(line.indexOf(line.includes('exited') ? 'exited' : 'xxx')).toBe(reasonColumn);
    }
    expect(lines[1]).toMatch(/x…$/);
    expect(lines[1]).toMatch(/worker\.12 +maxRetriesExceeded +\d{4}-\d\d-\d\d \d\d:\d\d:\d\d/);
  });

  it('does not cut without a width', () => {
    const r = reporter();
    r.report(reportInput({ reason: 'y'.repeat(500) }));
    expect(renderReportTable(r.list(), Number.POSITIVE_INFINITY)).toContain('y'.repeat(500));
  });
});

describe('renderReport', () => {
  it('prints the header, reason, restart history, last lines and config', () => {
    const r = reporter();
    const report = r.report(
      reportInput({
        process: 'worker.2',
        name: 'worker',
        instance: 2,
        exitCode: null,
        signal: 'SIGKILL',
        reason: 'memory limit exceeded\n(612 MB > 512 MB)',
        restartHistory: [
          {
            time: T0 - 5000,
            exitCode: 1,
            signal: null,
            uptime: 1200,
            reason: 'exited with code 1',
            delay: 1000,
          },
          {
            time: T0,
            exitCode: null,
            signal: 'SIGKILL',
            uptime: 65_000,
            reason: 'memory limit',
            delay: null,
          },
        ],
        spec: processSpec('worker', {
          command: { kind: 'argv', argv: ['node', 'worker.js', '--queue', 'a b'] },
          env: { QUEUE_TOKEN: 'qqqqqq', CONCURRENCY: '4' },
          dependsOn: [{ name: 'db', condition: 'ready' }],
        }),
        context: { memory: 641728512 },
      }),
    );
    const text = renderReport(report);
    expect(text).toContain(`crash report ${report.id}\n`);
    expect(text).toMatch(/ {2}process +worker\.2 \(instance of worker\)\n/);
    expect(text).toMatch(/ {2}exit +signal SIGKILL\n/);
    expect(text).toContain('reason\n  memory limit exceeded\n  (612 MB > 512 MB)\n');
    expect(text).toMatch(/restart history \(2\)\n {2}TIME +UPTIME +EXIT +DELAY +REASON\n/);
    expect(text).toMatch(/1\.2s +code 1 +1s +exited with code 1/);
    expect(text).toMatch(/restart +no\n/);
    expect(text).toMatch(/1m05s +SIGKILL +- +memory limit/);
    expect(text).toMatch(
      /last lines \(2\)\n {2}\d\d:\d\d:\d\d \| listening on 3000\n {2}\d\d:\d\d:\d\d ! Error: boom\n/,
    );
    expect(text).toContain('node worker.js --queue "a b"');
    expect(text).toContain('depends on  db (ready)');
    expect(text).toContain('QUEUE_TOKEN=[redacted] CONCURRENCY=4');
    expect(text).toContain('context\n  memory: 641728512\n');
    expect(text).toMatch(/inherited +PATH \(names only\)\n/);
    expect(text).not.toContain('qqqqqq');
  });

  it('copes with a spec that is missing fields (a file from another version)', () => {
    const r = reporter();
    const report = { ...r.report(reportInput()), spec: {} as never, restartHistory: [], lines: [] };
    expect(renderReport(report)).toMatch(/command +-\n/);
  });
});

describe('helpers', () => {
  it.each([
    [350, '350ms'],
    [1234, '1.2s'],
    [1000, '1s'],
    [9990, '10s'],
    [59_600, '60s'],
    [42_000, '42s'],
    [125_000, '2m05s'],
    [7_500_000, '2h05m'],
  ])('formatDuration(%d) = %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it('fitWidth flattens newlines and adds an ellipsis', () => {
    expect(fitWidth('a\n  b', 10)).toBe('a b');
    expect(fitWidth('abcdefghij', 5)).toBe('abcd…');
  });
});
