import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { loadProject } from '../../src/config/load.js';
import { statePaths } from '../../src/os/state-dir.js';
import { CrashReporter } from '../../src/reports/crash-reporter.js';
import type { CrashReportInput } from '../../src/reports/types.js';
import { killStrayClis, runCli } from '../helpers/cli.js';
import { type TempProject, tempProject } from '../helpers/project.js';

const projects: TempProject[] = [];

function project(yaml: string): TempProject {
  const created = tempProject(yaml);
  projects.push(created);
  return created;
}

afterEach(() => {
  killStrayClis();
  for (const created of projects.splice(0)) created.remove();
});

const T0 = Date.UTC(2026, 10, 22, 0, 45, 12);
const SECRET = 'ghp_e2eSuperSecretValue42';

/** A reporter writing where the CLI will look: the project's own state directory. */
function reporterFor(
  p: TempProject,
  limits: { maxReports?: number; maxReportSize?: number } = {},
): CrashReporter {
  const spec = loadProject({ cwd: p.dir });
  return new CrashReporter({
    dir: statePaths(spec.settings.stateDir).reports,
    maxReports: limits.maxReports ?? spec.settings.limits.maxCrashReports,
    maxReportSize: limits.maxReportSize ?? spec.settings.limits.maxCrashReportSize,
    onError: (error) => {
      throw error;
    },
  });
}

function input(p: TempProject, overrides: Partial<CrashReportInput> = {}): CrashReportInput {
  const spec = loadProject({ cwd: p.dir }).processes[0];
  if (spec === undefined) throw new Error('the test project has no process');
  return {
    type: 'crash',
    process: spec.name,
    name: spec.name,
    instance: null,
    time: T0,
    reason: 'exited with code 1',
    exitCode: 1,
    signal: null,
    restartHistory: [
      { time: T0 - 2000, exitCode: 1, signal: null, uptime: 800, reason: 'exited with code 1', delay: 1000 },
    ],
    lines: [
      { time: T0 - 30, stream: 'out', text: 'starting' },
      { time: T0 - 10, stream: 'err', text: `fatal: bad credentials ${SECRET}` },
    ],
    spec,
    env: { ...spec.env, GITHUB_TOKEN: SECRET },
    ...overrides,
  };
}

const YAML = `
name: "{{name}}"
processes:
  api: { command: "node server.js", env: { PORT: "3000" } }
  worker: { command: "node worker.js", replicas: 2 }
`;

describe('ovrseer reports', () => {
  it('lists reports newest first, as a table and as JSON, and prints one', async () => {
    const p = project(YAML);
    const reporter = reporterFor(p);
    const crash = reporter.report(input(p));
    const loop = reporter.report(
      input(p, {
        type: 'maxRetriesExceeded',
        process: 'worker.2',
        name: 'worker',
        instance: 2,
        time: T0 + 60_000,
        reason: 'crashed 5 times in 12s, each within 1s of starting',
      }),
    );
    await reporter.flush();

    const table = await runCli(['reports'], { cwd: p.dir });
    expect(table.code).toBe(0);
    const rows = table.stdout.trimEnd().split('\n');
    expect(rows[0]).toMatch(/^ID +PROCESS +TYPE +TIME +REASON$/);
    expect(rows[1]).toMatch(
      new RegExp(
        `^${loop.id} +worker\\.2 +maxRetriesExceeded +\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d +crashed 5 times`,
      ),
    );
    expect(rows[2]).toMatch(new RegExp(`^${crash.id} +api +crash +.* exited with code 1$`));

    const json = await runCli(['reports', '--json'], { cwd: p.dir });
    expect(json.code).toBe(0);
    const list = JSON.parse(json.stdout) as Record<string, unknown>[];
    expect(list.map((item) => [item.id, item.process, item.type, item.time])).toEqual([
      [loop.id, 'worker.2', 'maxRetriesExceeded', '2026-11-22T00:46:12.000Z'],
      [crash.id, 'api', 'crash', '2026-11-22T00:45:12.000Z'],
    ]);

    const filtered = await runCli(
      ['reports', '--json', '--process', 'worker', '--type', 'maxRetriesExceeded'],
      {
        cwd: p.dir,
      },
    );
    expect((JSON.parse(filtered.stdout) as { id: string }[]).map((item) => item.id)).toEqual([loop.id]);

    const one = await runCli(['reports', crash.id], { cwd: p.dir });
    expect(one.code).toBe(0);
    expect(one.stdout).toContain(`crash report ${crash.id}\n`);
    expect(one.stdout).toMatch(/reason\n {2}exited with code 1\n/);
    expect(one.stdout).toMatch(/restart history \(1\)\n {2}TIME +UPTIME +EXIT +DELAY +REASON\n/);
    expect(one.stdout).toContain('! fatal: bad credentials [redacted]');
    expect(one.stdout).toMatch(/command +node server\.js\n/);
    expect(one.stdout).not.toContain(SECRET);

    const full = await runCli(['reports', crash.id, '--json'], { cwd: p.dir });
    expect(JSON.parse(full.stdout)).toEqual(crash);

    // A unique prefix is enough.
    const prefixed = await runCli(['reports', loop.id.slice(0, 22)], { cwd: p.dir });
    expect(prefixed.stdout).toContain(`crash report ${loop.id}`);
  });

  it('rejects an unknown id with exit 1 and the newest ids', async () => {
    const p = project(YAML);
    const reporter = reporterFor(p);
    const ids = [0, 1, 2].map((i) => reporter.report(input(p, { time: T0 + i * 1000 })).id);
    await reporter.flush();
    const result = await runCli(['reports', '20990101T000000Z-nope-0000'], { cwd: p.dir });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('no crash report "20990101T000000Z-nope-0000"; the newest are:');
    expect(result.stderr.indexOf(ids[2] ?? '?')).toBeLessThan(result.stderr.indexOf(ids[0] ?? '?'));
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('says "no crash reports" and exits 0 when there are none, with or without a state directory', async () => {
    const p = project(YAML);
    const text = await runCli(['reports'], { cwd: p.dir });
    expect(text).toMatchObject({ code: 0, stdout: 'no crash reports\n', stderr: '' });
    const json = await runCli(['reports', '--json'], { cwd: p.dir });
    expect(json).toMatchObject({ code: 0, stdout: '[]\n' });
    const unknownType = await runCli(['reports', '--type', 'oops'], { cwd: p.dir });
    expect(unknownType.code).toBe(2);
    expect(unknownType.stderr).toContain('unknown report type "oops"');
  });

  it('finds the config with -f and honours settings.state_dir', async () => {
    const p = project(`
name: "{{name}}"
settings: { state_dir: var/run-state }
processes:
  api: { command: "node server.js" }
`);
    const reporter = reporterFor(p);
    const report = reporter.report(input(p));
    await reporter.flush();
    expect(readdirSync(join(p.dir, 'var', 'run-state', 'reports'))).toEqual([`${report.id}.json.gz`]);
    const result = await runCli(['reports', '--json', '-f', p.file], { cwd: '/' });
    expect(result.code).toBe(0);
    expect((JSON.parse(result.stdout) as { id: string }[])[0]?.id).toBe(report.id);
  });

  it('warns about a corrupt file and still lists the others', async () => {
    const p = project(YAML);
    const reporter = reporterFor(p);
    const good = reporter.report(input(p));
    await reporter.flush();
    const dir = statePaths(loadProject({ cwd: p.dir }).settings.stateDir).reports;
    writeFileSync(join(dir, '20261122T004500Z-api-dead.json.gz'), 'garbage');
    const result = await runCli(['reports', '--json'], { cwd: p.dir });
    expect(result.code).toBe(0);
    expect((JSON.parse(result.stdout) as { id: string }[]).map((item) => item.id)).toEqual([good.id]);
    expect(result.stderr).toMatch(
      /^ovrseer: warning: skipping unreadable crash report .*20261122T004500Z-api-dead\.json\.gz/,
    );
    expect(readdirSync(dir)).toContain('20261122T004500Z-api-dead.json.gz');
  });

  it('stays within max_crash_reports and max_crash_report_size after 500 crashes, with no secret in any file', async () => {
    const p = project(`
name: "{{name}}"
settings: { limits: { max_crash_reports: 20, max_crash_report_size: 4KB } }
processes:
  api:
    command: "node server.js --token ${SECRET}"
    env: { API_KEY: "${SECRET}", DATABASE_URL: "postgres://app:pw-in-url-123@db/app" }
`);
    const reporter = reporterFor(p);
    const lines = Array.from({ length: 200 }, (_, i) => ({
      time: T0 + i,
      stream: 'out' as const,
      text: `request ${i} authorized with ${SECRET} against postgres://app:pw-in-url-123@db/app`,
    }));
    for (let i = 0; i < 500; i += 1) {
      reporter.report(
        input(p, { time: T0 + i * 100, lines, context: { attempt: i, lastError: `401 for ${SECRET}` } }),
      );
      // Crashes arrive over time, not in one synchronous burst: let the writer interleave.
      if (i % 25 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    await reporter.flush();

    const dir = statePaths(loadProject({ cwd: p.dir }).settings.stateDir).reports;
    const files = readdirSync(dir);
    expect(files.length).toBeLessThanOrEqual(20);
    expect(files.filter((name) => !name.endsWith('.json.gz'))).toEqual([]);
    for (const name of files) {
      const json = gunzipSync(readFileSync(join(dir, name))).toString('utf8');
      expect(Buffer.byteLength(json)).toBeLessThanOrEqual(4096);
      expect(json).not.toContain(SECRET);
      expect(json).not.toContain('pw-in-url-123');
      expect(json).toContain('earlier lines dropped');
    }

    const listed = await runCli(['reports', '--json'], { cwd: p.dir });
    const ids = (JSON.parse(listed.stdout) as { id: string }[]).map((item) => item.id);
    expect(ids).toHaveLength(files.length);
    expect([...ids].sort()).toEqual(files.map((name) => name.replace(/\.json\.gz$/, '')).sort());
  });
});
