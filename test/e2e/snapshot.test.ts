import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { CrashReport } from '../../src/reports/types.js';
import { ApiClient } from '../../src/supervisor/client.js';
import type { ProcessRow } from '../../src/supervisor/process-rows.js';
import type { Snapshot } from '../../src/supervisor/snapshot/format.js';
import { runCli, startCli } from '../helpers/cli.js';
import { fixtureCommand, type TempProject, tempProject } from '../helpers/project.js';
import { endProjects } from '../helpers/supervised.js';
import { waitFor } from '../helpers/wait-for.js';

/** `ovrseer snapshot`, `snapshot show` without a supervisor, `up --from-snapshot`, and snapshots in crash reports. */

const projects: TempProject[] = [];

function project(yaml: string): TempProject {
  const created = tempProject(yaml);
  projects.push(created);
  return created;
}

afterEach(() => endProjects(projects));

const rows = (p: TempProject): Promise<ProcessRow[]> =>
  new ApiClient(join(p.dir, '.ovrseer', 'ovrseer.sock')).get<ProcessRow[]>('/v1/processes');

const states = async (p: TempProject): Promise<Record<string, string>> =>
  Object.fromEntries((await rows(p)).map((row) => [row.name, row.status]));

describe('snapshots', () => {
  it('a snapshot of 3 processes (one scaled to 2, one stopped) is shown without a supervisor and restores the same set', async () => {
    const p = project(`
name: "{{name}}"
processes:
  web: { command: ${fixtureCommand('log-ticker.mjs', 'web', 100_000, 50)} }
  worker: { command: ${fixtureCommand('log-ticker.mjs', 'work', 100_000, 50)} }
  idle: { command: ${fixtureCommand('sleeper.mjs')} }
`);
    expect((await runCli(['up', '-d'], { cwd: p.dir })).code).toBe(0);
    expect((await runCli(['scale', 'web=2'], { cwd: p.dir })).code).toBe(0);
    expect((await runCli(['stop', 'idle'], { cwd: p.dir })).code).toBe(0);
    await waitFor(async () => {
      const logs = await runCli(['logs', 'web.2', 'worker', '-n', '20'], { cwd: p.dir });
      return /web\.2 +\| web \d+/.test(logs.stdout) && /worker +\| work \d+/.test(logs.stdout);
    }, 'lines from web.2 and worker');
    const before = await rows(p);

    const taken = await runCli(['snapshot', '-o', 'snap.json', '--lines', '5'], { cwd: p.dir });
    expect(taken.stderr).toBe('');
    expect(taken.code).toBe(0);
    expect(taken.stdout).toMatch(
      new RegExp(`^wrote ${join(p.dir, 'snap.json')}: 4 instances, \\d+ log lines, 0 crash reports\\n$`),
    );
    const byDefault = await runCli(['snapshot'], { cwd: p.dir });
    expect(byDefault.code).toBe(0);
    const named = readdirSync(p.dir).filter((file) =>
      new RegExp(`^ovrseer-snapshot-${p.name}-\\d{8}T\\d{6}Z\\.json$`).test(file),
    );
    expect(named).toHaveLength(1);
    expect(byDefault.stdout).toContain(`wrote ${join(p.dir, named[0] ?? '')}: 4 instances`);

    const file: Snapshot = JSON.parse(readFileSync(join(p.dir, 'snap.json'), 'utf8'));
    expect(file).toMatchObject({
      format: 'ovrseer-snapshot',
      version: 1,
      replicas: { web: 2, worker: 1, idle: 1 },
    });
    expect(file.config.source?.path).toBe(join(p.dir, 'ovrseer.yml'));
    expect(file.logs.byInstance['web.2']?.length).toBe(5);
    expect(Object.keys(file.metrics).sort()).toEqual(['idle', 'web.1', 'web.2', 'worker']);

    expect((await runCli(['down'], { cwd: p.dir })).code).toBe(0);

    const shown = await runCli(['snapshot', 'show', 'snap.json'], { cwd: p.dir });
    expect(shown.stderr).toBe('');
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(
      new RegExp(`^snapshot of ${p.name} \\(${join(p.dir, 'ovrseer.yml')}\\), taken `),
    );
    for (const [name, status] of [
      ['web.1', 'running'],
      ['web.2', 'running'],
      ['worker', 'running'],
      ['idle', 'stopped'],
    ] as const)
      expect(shown.stdout).toMatch(new RegExp(`^${name.replace('.', '\\.')} +${status} `, 'm'));
    expect(shown.stdout).toMatch(/^\d\d:\d\d:\d\d web\.2 +\| web \d+$/m);
    expect(shown.stdout).toMatch(/^\d\d:\d\d:\d\d worker +\| work \d+$/m);
    expect(shown.stdout).toContain('\nno crash reports\n');
    const json = await runCli(['snapshot', 'show', 'snap.json', '--json'], { cwd: p.dir });
    expect(JSON.parse(json.stdout)).toEqual(file);

    const restored = await runCli(['up', '-d', '--from-snapshot', 'snap.json'], { cwd: p.dir });
    expect(restored.code).toBe(0);
    expect(await states(p)).toEqual({
      'web.1': 'running',
      'web.2': 'running',
      worker: 'running',
      idle: 'stopped',
    });
    const after = await rows(p);
    for (const name of ['web.1', 'web.2', 'worker']) {
      const pid = after.find((row) => row.name === name)?.pid;
      expect(pid).toEqual(expect.any(Number));
      expect(pid).not.toBe(before.find((row) => row.name === name)?.pid);
    }

    const again = await runCli(['up', '-d', '--from-snapshot', 'snap.json'], { cwd: p.dir });
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('ovrseer is already running for');
    expect(again.stderr).toContain('run `ovrseer down` first, then `ovrseer up --from-snapshot snap.json`');
    expect(await states(p)).toEqual({
      'web.1': 'running',
      'web.2': 'running',
      worker: 'running',
      idle: 'stopped',
    });
  });

  it('up --from-snapshot in the foreground restores the set too', async () => {
    const p = project(`
name: "{{name}}"
processes:
  web: { command: ${fixtureCommand('sleeper.mjs')} }
  idle: { command: ${fixtureCommand('sleeper.mjs')} }
`);
    expect((await runCli(['up', '-d'], { cwd: p.dir })).code).toBe(0);
    expect((await runCli(['stop', 'idle'], { cwd: p.dir })).code).toBe(0);
    expect((await runCli(['snapshot', '-o', 'snap.json'], { cwd: p.dir })).code).toBe(0);
    expect((await runCli(['down'], { cwd: p.dir })).code).toBe(0);
    const up = startCli(['up', '--no-tui', '--from-snapshot', 'snap.json'], { cwd: p.dir });
    await up.waitForOutput(/web +\| sleeping pid \d+/);
    expect(await states(p)).toEqual({ web: 'running', idle: 'stopped' });
    expect((await runCli(['down'], { cwd: p.dir })).code).toBe(0);
    expect(await up.exited).toBe(0);
  });

  it('refuses a cut-short or foreign file with the reason, exit code 2', async () => {
    const p = project(`
name: "{{name}}"
processes:
  idle: { command: ${fixtureCommand('sleeper.mjs')} }
`);
    writeFileSync(join(p.dir, 'cut.json'), '{"format":"ovrseer-snapshot","version":1,"instan');
    writeFileSync(join(p.dir, 'other.json'), '{"name":"not a snapshot"}');
    const cut = await runCli(['snapshot', 'show', 'cut.json'], { cwd: p.dir });
    expect(cut.code).toBe(2);
    expect(cut.stderr).toMatch(/cut\.json: not JSON .*cut short\?/);
    const other = await runCli(['up', '-d', '--from-snapshot', 'other.json'], { cwd: p.dir });
    expect(other.code).toBe(2);
    expect(other.stderr).toContain('other.json: not an ovrseer snapshot: "format" is missing');
    const missing = await runCli(['snapshot'], { cwd: p.dir });
    expect(missing.code).not.toBe(0);
  });

  it('with settings.reports.snapshot, a crash report embeds the project snapshot', async () => {
    const p = project(`
name: "{{name}}"
settings: { reports: { snapshot: true } }
processes:
  web: { command: ${fixtureCommand('log-ticker.mjs', 'web', 100_000, 50)} }
  boom: { command: ${fixtureCommand('exit-with.mjs', 3, 300)}, restart: { policy: "no" } }
`);
    // Exit code 0 or 1, by whether boom crashed before `up -d` returned; web runs on either way.
    expect([0, 1]).toContain((await runCli(['up', '-d'], { cwd: p.dir })).code);
    let id = '';
    await waitFor(async () => {
      const list = await runCli(['reports', '--json'], { cwd: p.dir });
      id = (JSON.parse(list.stdout || '[]') as { id: string; process: string }[])[0]?.id ?? '';
      return id !== '';
    }, 'a crash report of boom');
    const shown = await runCli(['reports', id, '--json'], { cwd: p.dir });
    const report = JSON.parse(shown.stdout) as CrashReport & { snapshot?: Snapshot };
    expect(report.process).toBe('boom');
    expect(report.snapshot).toMatchObject({
      format: 'ovrseer-snapshot',
      version: 1,
      replicas: { web: 1, boom: 1 },
    });
    expect(report.snapshot?.instances.map((instance) => instance.name)).toEqual(['web', 'boom']);
    expect(report.snapshot?.logs.byInstance.web?.some((line) => /^web \d+$/.test(line.text))).toBe(true);
    expect(report.snapshot?.reports.bodies).toEqual([]);
  });
});
