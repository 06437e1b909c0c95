import { describe, expect, it } from 'vitest';
import { fitReport, MIN_REPORT_SIZE } from '../../../src/reports/bound.js';
import type { CrashReport, CrashReportLine } from '../../../src/reports/types.js';
import { reportInput, T0 } from './helpers.js';

function report(overrides: Partial<CrashReport> = {}): CrashReport {
  return { ...reportInput(), id: '20261122T004512Z-api-0000', version: 1, ...overrides };
}

function lines(count: number, width = 60): CrashReportLine[] {
  return Array.from({ length: count }, (_, i) => ({
    time: T0 + i,
    stream: 'out' as const,
    text: `line ${String(i).padStart(5, '0')} ${'x'.repeat(width)}`,
  }));
}

const size = (json: string): number => Buffer.byteLength(json);

describe('fitReport', () => {
  it('leaves a report under the limit alone', () => {
    const r = report();
    const before = JSON.stringify(r);
    const fitted = fitReport(r, 64 * 1024);
    expect(fitted.json).toBe(before);
    expect(fitted.fits).toBe(true);
    expect(fitted.report.truncated).toBeUndefined();
  });

  it('drops the oldest lines, keeps the newest, and says how many went', () => {
    const fitted = fitReport(report({ lines: lines(500) }), 8 * 1024);
    expect(fitted.fits).toBe(true);
    expect(size(fitted.json)).toBeLessThanOrEqual(8 * 1024);
    const [marker, ...kept] = fitted.report.lines;
    const dropped = 500 - kept.length;
    expect(marker).toEqual({
      time: T0 + dropped - 1,
      stream: 'system',
      text: `[ovrseer] ${dropped} earlier lines dropped to fit max_crash_report_size`,
    });
    expect(kept.at(-1)?.text).toMatch(/^line 00499 /);
    expect(kept[0]?.text).toMatch(new RegExp(`^line ${String(dropped).padStart(5, '0')} `));
    expect(fitted.report.truncated).toEqual({ lines: dropped, restartHistory: 0, fields: 0 });
    // As many lines as fit: one more (its JSON and a comma) would not.
    const oneLine = size(JSON.stringify(lines(1)[0])) + 1;
    expect(size(fitted.json) + oneLine).toBeGreaterThan(8 * 1024);
  });

  it('shortens a single huge line instead of losing every other line for it', () => {
    const huge = { time: T0, stream: 'err' as const, text: `Error: ${'y'.repeat(60_000)}` };
    const fitted = fitReport(report({ lines: [...lines(3), huge] }), 16 * 1024);
    expect(fitted.fits).toBe(true);
    expect(fitted.report.lines).toHaveLength(4);
    expect(fitted.report.lines[3]?.text).toMatch(
      /^Error: y+… \[\d+ chars cut to fit max_crash_report_size\]$/,
    );
  });

  it('then truncates long fields with a marker', () => {
    const fitted = fitReport(report({ reason: `exited: ${'r'.repeat(10_000)}`, lines: lines(10) }), 2048);
    expect(fitted.fits).toBe(true);
    expect(size(fitted.json)).toBeLessThanOrEqual(2048);
    expect(fitted.report.reason).toMatch(/^exited: r+… \[\d+ chars cut to fit max_crash_report_size\]$/);
    expect(fitted.report.truncated?.fields).toBeGreaterThan(0);
  });

  it('drops the inherited environment, then old restart records, when strings are not the problem', () => {
    const env = Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`VAR_${i}`, `value-${i}`]));
    const restartHistory = Array.from({ length: 100 }, (_, i) => ({
      time: T0 + i,
      exitCode: 1,
      signal: null,
      uptime: 10,
      reason: 'exited with code 1',
      delay: 100,
    }));
    const fitted = fitReport(report({ env, restartHistory, lines: [] }), 4096);
    expect(fitted.fits).toBe(true);
    expect(fitted.report.env).toEqual({ '[ovrseer]': '200 variables dropped to fit max_crash_report_size' });
    const kept = fitted.report.restartHistory;
    expect(kept.length).toBeLessThan(100);
    expect(kept.at(-1)?.time).toBe(T0 + 99);
    expect(fitted.report.truncated?.restartHistory).toBe(100 - kept.length);
  });

  it('never shortens the identity fields and respects a floor of 2 KiB', () => {
    const fitted = fitReport(report({ lines: lines(100), context: { blob: 'z'.repeat(5000) } }), 10);
    expect(fitted.fits).toBe(true);
    expect(size(fitted.json)).toBeLessThanOrEqual(MIN_REPORT_SIZE);
    expect(fitted.report.id).toBe('20261122T004512Z-api-0000');
    expect(fitted.report.process).toBe('api');
  });

  it('counts bytes, not characters, and never splits a surrogate pair', () => {
    const fitted = fitReport(report({ reason: '😀'.repeat(3000), lines: [] }), 2048);
    expect(size(fitted.json)).toBeLessThanOrEqual(2048);
    expect(fitted.json).not.toMatch(/\\ud[89ab]/i);
  });
});
