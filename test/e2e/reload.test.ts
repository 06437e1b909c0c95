import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadProject } from '../../src/config/load.js';
import { ApiClient } from '../../src/supervisor/client.js';
import type { ProcessRow } from '../../src/supervisor/process-rows.js';
import { runCli } from '../helpers/cli.js';
import { cleanupHarnesses, harness } from '../helpers/harness.js';
import { isRunning } from '../helpers/processes.js';
import { fixtureCommand, type TempProject, tempProject } from '../helpers/project.js';
import { endProjects, supervisorPid } from '../helpers/supervised.js';
import { waitFor } from '../helpers/wait-for.js';

/** `ovrseer reload` (and SIGHUP) against a detached supervisor: only the difference is applied. */

const projects: TempProject[] = [];

function project(yaml: string): TempProject {
  const created = tempProject(yaml);
  projects.push(created);
  return created;
}

afterEach(() => endProjects(projects));
afterEach(cleanupHarnesses);

const rows = (p: TempProject): Promise<ProcessRow[]> =>
  new ApiClient(join(p.dir, '.ovrseer', 'ovrseer.sock')).get<ProcessRow[]>('/v1/processes');

async function pids(p: TempProject): Promise<Record<string, number | null>> {
  return Object.fromEntries((await rows(p)).map((row) => [row.name, row.pid]));
}

async function statuses(p: TempProject): Promise<Record<string, string>> {
  return Object.fromEntries((await rows(p)).map((row) => [row.name, row.status]));
}

const SLEEP = fixtureCommand('sleeper.mjs');
const SLEEP_V2 = fixtureCommand('sleeper.mjs', 'v2');

const BEFORE = `
name: "{{name}}"
processes:
  keep: { command: ${SLEEP} }
  gone: { command: ${SLEEP} }
  changed: { command: ${SLEEP} }
  scaled: { command: ${SLEEP} }
`;

describe('ovrseer reload', () => {
  it('plans with --dry-run, then adds, removes, restarts and scales, leaving the unchanged one alone', async () => {
    const p = project(BEFORE);
    expect((await runCli(['up', '-d'], { cwd: p.dir })).code).toBe(0);
    await waitFor(
      async () => Object.values(await statuses(p)).every((s) => s === 'running'),
      'all four running',
    );
    const before = await pids(p);
    const edited = readFileSync(p.file, 'utf8')
      .replace(`  gone: { command: ${SLEEP} }\n`, '')
      .replace(`changed: { command: ${SLEEP} }`, `changed: { command: ${SLEEP_V2} }`)
      .replace(`scaled: { command: ${SLEEP} }`, `scaled: { command: ${SLEEP}, replicas: 2 }`)
      .concat(`  added: { command: ${SLEEP} }\n`);
    writeFileSync(p.file, edited);

    const dry = await runCli(['reload', '--dry-run'], { cwd: p.dir });
    expect(dry.code).toBe(0);
    const table = dry.stdout.split('\n');
    expect(table[0]).toMatch(/^PROCESS +ACTION +WHY$/);
    expect(table).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^keep +unchanged$/),
        expect.stringMatching(/^changed +restart +command changed$/),
        expect.stringMatching(/^scaled +in-place +replicas changed$/),
        expect.stringMatching(/^added +add +new in the file$/),
        expect.stringMatching(/^gone +remove +not in the file any more$/),
        'dry run: nothing was changed',
      ]),
    );
    expect(await pids(p)).toEqual(before);

    const reload = await runCli(['reload', '--json'], { cwd: p.dir });
    expect(reload.code).toBe(0);
    const outcome = JSON.parse(reload.stdout) as { applied: boolean; plan: { entries: { name: string }[] } };
    expect(outcome.applied).toBe(true);
    const after = await pids(p);
    expect(after.keep).toBe(before.keep);
    expect(after.changed).not.toBe(before.changed);
    expect(after.changed).not.toBeNull();
    expect(after.gone).toBeUndefined();
    expect(isRunning(before.gone as number)).toBe(false);
    expect(after['scaled.1']).toBe(before.scaled);
    expect(after['scaled.2']).toEqual(expect.any(Number));
    expect(await statuses(p)).toEqual({
      keep: 'running',
      changed: 'running',
      'scaled.1': 'running',
      'scaled.2': 'running',
      added: 'running',
    });

    // The same file again: nothing to do, nothing touched.
    const again = await runCli(['reload'], { cwd: p.dir });
    expect(again.stdout).toContain('nothing to do: the running project matches the file');
    expect(await pids(p)).toEqual(after);
  });

  it('an invalid file changes nothing and says where (exit 2); the old config runs on', async () => {
    const p = project(BEFORE);
    expect((await runCli(['up', '-d'], { cwd: p.dir })).code).toBe(0);
    await waitFor(async () => (await statuses(p)).keep === 'running', 'keep running');
    const before = await pids(p);
    writeFileSync(p.file, readFileSync(p.file, 'utf8').replace('keep: {', 'keep: { replicas: "many",'));
    const reload = await runCli(['reload'], { cwd: p.dir });
    expect(reload.code).toBe(2);
    expect(reload.stderr).toMatch(
      /ovrseer: invalid config:\n {2}.*ovrseer\.yml:4:\d+: processes\.keep\.replicas/,
    );
    expect(await pids(p)).toEqual(before);
    const log = readFileSync(join(p.dir, '.ovrseer', 'ovrseer.log'), 'utf8');
    expect(log).toContain('reload refused, the config in force runs on');
  });

  it('SIGHUP makes a detached supervisor reload, with the plan in its log', async () => {
    const p = project(BEFORE);
    expect((await runCli(['up', '-d'], { cwd: p.dir })).code).toBe(0);
    await waitFor(async () => (await statuses(p)).changed === 'running', 'changed running');
    const before = await pids(p);
    writeFileSync(
      p.file,
      readFileSync(p.file, 'utf8').replace(
        `changed: { command: ${SLEEP} }`,
        `changed: { command: ${SLEEP_V2} }`,
      ),
    );
    const supervisor = supervisorPid(p) as number;
    process.kill(supervisor, 'SIGHUP');
    await waitFor(async () => {
      const now = await pids(p);
      return (
        now.changed !== null && now.changed !== before.changed && (await statuses(p)).changed === 'running'
      );
    }, 'changed restarted by SIGHUP');
    expect(isRunning(supervisor)).toBe(true);
    expect((await pids(p)).keep).toBe(before.keep);
    const log = readFileSync(join(p.dir, '.ovrseer', 'ovrseer.log'), 'utf8');
    expect(log).toContain('SIGHUP received: reloading the config');
    expect(log).toContain('reload: restart changed (command changed)');
  });

  it('depends_on {x: {restart: true}} restarts the dependent with its dependency, not the others', async () => {
    const yaml = (dbCommand: string) => `
name: "{{name}}"
processes:
  db: { command: ${dbCommand} }
  api: { command: ${SLEEP}, depends_on: { db: { condition: started, restart: true } } }
  side: { command: ${SLEEP}, depends_on: { db: { condition: started } } }
`;
    const p = project(yaml(SLEEP));
    expect((await runCli(['up', '-d'], { cwd: p.dir })).code).toBe(0);
    await waitFor(
      async () => Object.values(await statuses(p)).every((s) => s === 'running'),
      'db, api and side running',
    );
    const before = await pids(p);
    writeFileSync(p.file, yaml(SLEEP_V2).replaceAll('{{name}}', p.name));
    const reload = await runCli(['reload'], { cwd: p.dir });
    expect(reload.code).toBe(0);
    expect(reload.stdout).toMatch(/^api +restart +db restarts \(depends_on\.db\.restart: true\)$/m);
    const after = await pids(p);
    expect(after.db).not.toBe(before.db);
    expect(after.api).not.toBe(before.api);
    expect(after.side).toBe(before.side);
    expect(await statuses(p)).toEqual({ db: 'running', api: 'running', side: 'running' });
  });
});

describe('ProcessManager.reload in place', () => {
  it('the same instance takes the new restart policy and health check; disabled: true stops', async () => {
    const yaml = (extra: string, other: string) => `
name: "{{name}}"
processes:
  a:
    command: ${SLEEP}
    ${extra}
  b: { command: ${SLEEP}${other} }
`;
    const h = harness(yaml('restart: { policy: "no" }', ''));
    await h.manager.start();
    const instance = h.manager.get('a');
    const pid = instance?.pid;
    expect(h.stateOf('b')).toBe('running');
    writeFileSync(
      h.project.file,
      yaml(
        'restart: { policy: always, delay: 0 }\n    health: { exec: "true", interval: 100ms }',
        ', disabled: true',
      ).replaceAll('{{name}}', h.project.name),
    );
    const outcome = await h.manager.reload(loadProject({ file: h.project.file }));
    expect(outcome.plan.entries.map((e) => [e.name, e.action, e.keys])).toEqual([
      ['a', 'in-place', ['health', 'restart.policy', 'restart.delay']],
      ['b', 'in-place', ['disabled']],
    ]);
    expect(h.manager.get('a')).toBe(instance);
    expect(instance?.pid).toBe(pid);
    expect(h.stateOf('b')).toBe('stopped');
    await waitFor(() => instance?.health === 'healthy', 'the new health check passing');
    // Under the old policy ("no") a killed process stays down; the new one restarts it.
    process.kill(pid as number, 'SIGKILL');
    await waitFor(
      () => instance?.state === 'running' && instance.pid !== null && instance.pid !== pid,
      'a restarted by its new policy',
    );
  });
});
