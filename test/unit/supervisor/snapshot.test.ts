import { describe, expect, it } from 'vitest';
import type { ProjectSpec } from '../../../src/config/spec.js';
import { OvrseerError } from '../../../src/errors.js';
import type { LogRecord } from '../../../src/logs/format.js';
import { CrashReporter } from '../../../src/reports/crash-reporter.js';
import type { ProcessRow } from '../../../src/supervisor/process-rows.js';
import {
  boundedSnapshot,
  buildSnapshot,
  type SnapshotSource,
} from '../../../src/supervisor/snapshot/build.js';
import { parseSnapshot } from '../../../src/supervisor/snapshot/format.js';
import { restorePlan } from '../../../src/supervisor/snapshot/restore.js';
import { parse } from '../config/helpers.js';
import { errorRecorder, reportInput } from '../reports/helpers.js';

const YAML = `
name: shop
env: { API_TOKEN: ghp_snapshotSecret123456 }
processes:
  web: { command: "node web.js" }
  worker: { command: "node worker.js" }
  idle: { command: "sleep 1000" }
`;

function row(name: string, process: string, instance: number | null, status: string): ProcessRow {
  return {
    name,
    instance,
    process,
    type: 'service',
    status,
    health: 'unknown',
    pid: status === 'stopped' ? null : 1000 + (instance ?? 0),
    restarts: 0,
    uptime_ms: status === 'stopped' ? null : 5000,
    cpu: null,
    memory: null,
    ports: [],
    group: null,
    tags: [],
    branch: null,
    reason: status === 'stopped' ? 'stop requested' : null,
    stopping: null,
  };
}

function source(spec: ProjectSpec, rows: ProcessRow[], linesPer = 300): SnapshotSource {
  const lines = (id: string): LogRecord[] =>
    Array.from({ length: linesPer }, (_, index) => ({
      time: new Date(Date.UTC(2026, 11, 3, 18, 0, 0) + index).toISOString(),
      process: id,
      stream: 'out',
      level: 'info',
      text: `${id} line ${index}`,
    }));
  const reporter = new CrashReporter({
    dir: null,
    maxReports: 10,
    maxReportSize: 64 * 1024,
    onError: errorRecorder().onError,
  });
  reporter.report(reportInput({ process: 'worker', name: 'worker' }));
  return {
    spec,
    projectId: 'abc123',
    configSource: { path: '/srv/shop/ovrseer.yml', text: YAML },
    supervisor: { pid: 4242, started: '2026-12-03T17:59:00.000Z' },
    rows: () => rows,
    lastLines: (id, limit) => lines(id).slice(-limit),
    history: () => ({ points: [{ time: 1, cpu: 0.5, rss: 1024 }], memoryLimit: null, cpuLimit: null }),
    reports: () => reporter.list(),
    report: (id) => reporter.get(id),
  };
}

const ROWS = [
  row('web.1', 'web', 1, 'running'),
  row('web.2', 'web', 2, 'ready'),
  row('worker', 'worker', null, 'running'),
  row('idle', 'idle', null, 'stopped'),
];

function invalid(text: string): OvrseerError {
  try {
    parseSnapshot(text, 'snap.json');
  } catch (error) {
    if (error instanceof OvrseerError) return error;
    throw error;
  }
  throw new Error('parsed');
}

describe('snapshot format', () => {
  it('round trips through JSON, and restores the same set: replicas as scaled, stopped ones left out', () => {
    const snapshot = buildSnapshot(source(parse(YAML), ROWS), { lines: 5, now: () => Date.UTC(2026, 11, 3) });
    const read = parseSnapshot(JSON.stringify(snapshot), 'snap.json');
    expect(read).toEqual(snapshot);
    expect(read.replicas).toEqual({ web: 2, worker: 1, idle: 1 });
    expect(read.logs.byInstance['web.2']?.map((line) => line.text)).toEqual(
      [295, 296, 297, 298, 299].map((index) => `web.2 line ${index}`),
    );
    expect(read.reports.summaries).toHaveLength(1);
    expect(read.reports.bodies).toHaveLength(1);
    expect(read.config.source?.text).toBe(YAML);
    const plan = restorePlan(read);
    expect(plan.names).toEqual(['web', 'worker']);
    expect(plan.spec.processes.map((process) => [process.name, process.replicas])).toEqual([
      ['web', 2],
      ['worker', 1],
      ['idle', 1],
    ]);
  });

  it('restores a partly stopped process by its running instances, and refuses a snapshot where nothing ran', () => {
    const partly = buildSnapshot(
      source(parse(YAML), [...ROWS.slice(0, 1), row('web.2', 'web', 2, 'stopped')]),
    );
    expect(restorePlan(partly).names).toEqual(['web.1']);
    const none = buildSnapshot(source(parse(YAML), [row('idle', 'idle', null, 'stopped')]));
    expect(() => restorePlan(none)).toThrow(/nothing was running .*`ovrseer up` starts the project/);
  });

  it('keeps report bodies within the byte bound, listing the rest', () => {
    const snapshot = buildSnapshot(source(parse(YAML), ROWS), { maxReportBytes: 100 });
    expect(snapshot.reports).toMatchObject({ bodies: [], bodiesOmitted: 1 });
    expect(snapshot.reports.summaries).toHaveLength(1);
  });

  it('says what is wrong with a file that is cut short, not a snapshot, newer, or damaged', () => {
    const good = JSON.stringify(buildSnapshot(source(parse(YAML), ROWS)));
    expect(invalid(good.slice(0, good.length / 2)).message).toMatch(
      /^snap\.json: not JSON \(.*\); is it a snapshot written by `ovrseer snapshot`, cut short\?$/,
    );
    expect(invalid('[1]').message).toBe(
      'snap.json: not a JSON object: expected a file written by `ovrseer snapshot`',
    );
    expect(invalid('{"version":1,"processes":[]}').message).toBe(
      'snap.json: not an ovrseer snapshot: "format" is missing, expected "ovrseer-snapshot"',
    );
    const newer = { ...JSON.parse(good), version: 2 };
    expect(invalid(JSON.stringify(newer)).message).toBe(
      'snap.json: snapshot version 2 is newer than this ovrseer reads (1); use a newer ovrseer',
    );
    const damaged = JSON.parse(good);
    damaged.instances[1].restarts = -1;
    const error = invalid(JSON.stringify(damaged));
    expect(error.code).toBe('OVRSEER_SNAPSHOT_INVALID');
    expect(error.message).toMatch(/^snap\.json: damaged snapshot: instances\.1\.restarts: /);
    const noSpec = JSON.parse(good);
    delete noSpec.config.spec.processes[0].command;
    expect(invalid(JSON.stringify(noSpec)).message).toMatch(
      /^snap\.json: damaged snapshot: config\.spec\.processes\.0\.command: /,
    );
  });
});

describe('a snapshot in a crash report', () => {
  it('boundedSnapshot cuts lines, then history, to fit; null when nothing fits', () => {
    const full = source(parse(YAML), ROWS);
    const roomy = boundedSnapshot(full, 1024 * 1024);
    expect(roomy?.logs.lines).toBe(50);
    expect(roomy?.reports.bodies).toEqual([]);
    const tight = boundedSnapshot(full, 9000);
    expect(tight).not.toBeNull();
    expect(Buffer.byteLength(JSON.stringify(tight))).toBeLessThanOrEqual(9000);
    expect(tight?.logs.lines).toBeLessThan(50);
    expect(boundedSnapshot(full, 100)).toBeNull();
  });

  it('the reporter embeds it, redacted, and the report stays within max_crash_report_size', () => {
    const spec = parse(YAML);
    const { errors, onError } = errorRecorder();
    const maxReportSize = 32 * 1024;
    const reporter = new CrashReporter({
      dir: null,
      maxReports: 10,
      maxReportSize,
      onError,
      snapshot: (maxBytes) => boundedSnapshot(source(spec, ROWS), maxBytes),
    });
    const report = reporter.report(reportInput());
    const embedded = report.snapshot as ReturnType<typeof buildSnapshot>;
    expect(embedded.format).toBe('ovrseer-snapshot');
    expect(embedded.instances.map((instance) => instance.name)).toEqual(['web.1', 'web.2', 'worker', 'idle']);
    expect(JSON.stringify(embedded)).not.toContain('ghp_snapshotSecret123456');
    expect(Buffer.byteLength(JSON.stringify(report))).toBeLessThanOrEqual(maxReportSize);
    expect(errors).toEqual([]);
    const without = new CrashReporter({ dir: null, maxReports: 10, maxReportSize, onError });
    expect(without.report(reportInput()).snapshot).toBeUndefined();
  });
});
