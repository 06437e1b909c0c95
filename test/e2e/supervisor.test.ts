import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { processStartTime } from '../../src/core/kill.js';
import { ApiClient } from '../../src/supervisor/client.js';
import type { ProcessRow } from '../../src/supervisor/process-rows.js';
import { killStrayClis, runCli, startCli } from '../helpers/cli.js';
import { freePort } from '../helpers/ports.js';
import { isRunning, killMarked, markedPids } from '../helpers/processes.js';
import { FIXTURES, fixtureCommand, type TempProject, tempProject } from '../helpers/project.js';
import { waitFor } from '../helpers/wait-for.js';

const projects: TempProject[] = [];
const strays: number[] = [];

function project(yaml: string): TempProject {
  const created = tempProject(yaml);
  projects.push(created);
  return created;
}

afterEach(async () => {
  for (const created of projects.splice(0)) {
    // The detached supervisor first (its own shutdown), then whatever is left.
    await runCli(['down'], { cwd: created.dir });
    const state = readState(created);
    if (state !== null && isRunning(state.supervisor.pid)) process.kill(state.supervisor.pid, 'SIGKILL');
    killMarked(created.name);
    created.remove();
  }
  killStrayClis();
  for (const pid of strays.splice(0)) if (isRunning(pid)) process.kill(pid, 'SIGKILL');
});

function readState(
  p: TempProject,
): { supervisor: { pid: number }; processes: { id: string; pid: number }[] } | null {
  try {
    return JSON.parse(readFileSync(join(p.dir, '.ovrseer', 'state.json'), 'utf8'));
  } catch {
    return null;
  }
}

const client = (p: TempProject): ApiClient => new ApiClient(join(p.dir, '.ovrseer', 'ovrseer.sock'));

const TWO_SERVICES = `
name: "{{name}}"
processes:
  api: { command: ${fixtureCommand('ready-after.mjs', 50, 'api up')}, tags: [web] }
  worker: { command: ${fixtureCommand('sleeper.mjs')}, tags: [x] }
`;

describe('the detached supervisor and its CLI', () => {
  it('up -d → ps → restart → logs -f --grep → scale → stop tag:x → down leaves nothing', async () => {
    const p = project(TWO_SERVICES);
    const up = await runCli(['up', '-d'], { cwd: p.dir });
    expect(up.stderr).toBe('');
    expect(up.code).toBe(0);
    expect(up.stdout).toMatch(/^NAME\s+STATUS\s+HEALTH\s+PID/m);
    expect(up.stdout).toMatch(/^api\s+running/m);

    const ps = await runCli(['ps', '--json'], { cwd: p.dir });
    expect(ps.code).toBe(0);
    const rows = JSON.parse(ps.stdout) as ProcessRow[];
    expect(rows.map((row) => [row.name, row.status, row.instance, row.restarts])).toEqual([
      ['api', 'running', null, 0],
      ['worker', 'running', null, 0],
    ]);
    expect(rows[0]).toMatchObject({ health: 'unknown', reason: null, tags: ['web'], group: null });
    expect(typeof rows[0]?.pid).toBe('number');
    const apiPid = rows[0]?.pid;

    const follow = startCli(['logs', '-f', 'api', '--grep', 'api up'], { cwd: p.dir });
    const restart = await runCli(['restart', 'api'], { cwd: p.dir });
    expect(restart.code).toBe(0);
    const after = await client(p).get<ProcessRow[]>('/v1/processes');
    expect(after.find((row) => row.name === 'api')?.pid).not.toBe(apiPid);
    await follow.waitForOutput(/api up[\s\S]*api up/);
    follow.signal('SIGINT');
    await follow.exited;

    const scale = await runCli(['scale', 'worker=3'], { cwd: p.dir });
    expect(scale.code).toBe(0);
    expect(scale.stdout).toMatch(/^worker\.3\s+running/m);
    const scaled = await client(p).get<ProcessRow[]>('/v1/processes');
    expect(scaled.map((row) => row.name)).toEqual(['api', 'worker.1', 'worker.2', 'worker.3']);

    const stop = await runCli(['stop', 'tag:x'], { cwd: p.dir });
    expect(stop.code).toBe(0);
    const stopped = await client(p).get<ProcessRow[]>('/v1/processes');
    expect(stopped.filter((row) => row.process === 'worker').map((row) => row.status)).toEqual([
      'stopped',
      'stopped',
      'stopped',
    ]);

    const supervisorPid = readState(p)?.supervisor.pid as number;
    const down = await runCli(['down'], { cwd: p.dir });
    expect(down.code).toBe(0);
    await waitFor(() => !isRunning(supervisorPid), 'supervisor gone');
    expect(markedPids(p.name)).toEqual([]);
    const again = await runCli(['ps'], { cwd: p.dir });
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('no ovrseer running for ./ovrseer.yml; start it with `ovrseer up`');
  });

  it('answers a bad request with 400 or 404 and a JSON error, and keeps running', async () => {
    const p = project(TWO_SERVICES);
    expect((await runCli(['up', '-d'], { cwd: p.dir })).code).toBe(0);
    const api = client(p);
    await expect(api.post('/v1/actions/restart', { targets: ['api; rm -rf /'] })).rejects.toMatchObject({
      code: 'OVRSEER_USAGE',
    });
    await expect(api.post('/v1/actions/restart', { targets: [] })).rejects.toMatchObject({
      code: 'OVRSEER_USAGE',
    });
    await expect(api.post('/v1/processes/worker/scale', { replicas: -1 })).rejects.toMatchObject({
      code: 'OVRSEER_USAGE',
    });
    await expect(api.post('/v1/processes/nope/restart')).rejects.toMatchObject({
      code: 'OVRSEER_UNKNOWN_PROCESS',
    });
    await expect(api.get('/v1/nothing-here')).rejects.toMatchObject({ code: 'OVRSEER_NOT_FOUND' });
    await expect(api.get('/v1/logs?grep=(')).rejects.toMatchObject({ code: 'OVRSEER_PATTERN_INVALID' });
    expect((await api.get<ProcessRow[]>('/v1/processes')).length).toBe(2);
  });

  it('refuses a second up for the same project while one runs', async () => {
    const p = project(TWO_SERVICES);
    expect((await runCli(['up', '-d'], { cwd: p.dir })).code).toBe(0);
    const second = await runCli(['up'], { cwd: p.dir });
    expect(second.code).toBe(1);
    expect(second.stderr).toContain('already running');
  });

  it('refuses TCP without a token, and answers 401 to a wrong one', async () => {
    const port = await freePort();
    const noToken = project(`
name: "{{name}}"
settings: { api: { listen: "127.0.0.1:${port}" } }
processes:
  api: { command: ${fixtureCommand('sleeper.mjs')} }
`);
    const refused = await runCli(['up'], { cwd: noToken.dir });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('a TCP API needs a token');
    expect(markedPids(noToken.name)).toEqual([]);

    const withToken = project(`
name: "{{name}}"
settings: { api: { listen: "127.0.0.1:${port}", token: "right-token" } }
processes:
  api: { command: ${fixtureCommand('sleeper.mjs')} }
`);
    expect((await runCli(['up', '-d'], { cwd: withToken.dir })).code).toBe(0);
    const wrong = await fetch(`http://127.0.0.1:${port}/v1/processes`, {
      headers: { authorization: 'Bearer wrong' },
    });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toEqual({
      error: { code: 'OVRSEER_UNAUTHORIZED', message: 'missing or wrong bearer token' },
    });
    const right = await fetch(`http://127.0.0.1:${port}/v1/processes`, {
      headers: { authorization: 'Bearer right-token' },
    });
    expect(right.status).toBe(200);
  });
});

describe('restart: unless-stopped', () => {
  it('remembers a stop by hand across a restart of ovrseer, until started by hand', async () => {
    const p = project(`
name: "{{name}}"
processes:
  api: { command: ${fixtureCommand('sleeper.mjs')}, restart: unless-stopped }
  worker: { command: ${fixtureCommand('sleeper.mjs')}, restart: always }
`);
    expect((await runCli(['up', '-d'], { cwd: p.dir })).code).toBe(0);
    expect((await runCli(['stop', 'api', 'worker'], { cwd: p.dir })).code).toBe(0);
    expect((await runCli(['down'], { cwd: p.dir })).code).toBe(0);
    expect((await runCli(['up', '-d'], { cwd: p.dir })).code).toBe(0);
    const rows = await client(p).get<ProcessRow[]>('/v1/processes');
    expect(rows.map((row) => [row.name, row.status])).toEqual([
      ['api', 'stopped'],
      ['worker', 'running'],
    ]);
    expect(readFileSync(join(p.dir, '.ovrseer', 'ovrseer.log'), 'utf8')).toContain(
      'api stays stopped: it was stopped by hand before (restart: unless-stopped)',
    );
    expect((await runCli(['start', 'api'], { cwd: p.dir })).code).toBe(0);
    expect((await runCli(['down'], { cwd: p.dir })).code).toBe(0);
    expect((await runCli(['up', '-d'], { cwd: p.dir })).code).toBe(0);
    const again = await client(p).get<ProcessRow[]>('/v1/processes');
    expect(again.map((row) => row.status)).toEqual(['running', 'running']);
  });
});

describe('recovery after the supervisor was killed', () => {
  it('stays lean while only `up -d`, `ps`, pings and start/stop/restart talk to it: no http, undici, crypto, zlib, v8 or fs/promises', async () => {
    const p = project(TWO_SERVICES);
    const list = join(p.dir, 'modules.txt');
    const env = {
      NODE_OPTIONS: `--require ${join(FIXTURES, 'module-list.cjs')}`,
      OVRSEER_TEST_MODULE_LIST: list,
    };
    expect((await runCli(['up', '-d'], { cwd: p.dir, env })).code).toBe(0);
    expect((await runCli(['ps', '--json'], { cwd: p.dir })).code).toBe(0);
    const pid = readState(p)?.supervisor.pid as number;
    const loaded = async (): Promise<string[]> => {
      rmSync(list, { force: true });
      process.kill(pid, 'SIGUSR2');
      await waitFor(() => existsSync(list), 'the module list');
      return readFileSync(list, 'utf8').split('\n');
    };
    const heavy = [
      'http',
      'crypto',
      'zlib',
      'v8',
      'fs/promises',
      'perf_hooks',
      'internal/deps/undici/undici',
    ];
    const lean = (modules: string[]): void => {
      expect(modules).toContain('NativeModule child_process');
      for (const name of heavy) expect(modules).not.toContain(`NativeModule ${name}`);
    };
    lean(await loaded());
    // The CLI's start/stop/restart are answered without Hono: no Request, so no undici either.
    for (const args of [
      ['restart', 'api'],
      ['stop', 'tag:x'],
      ['start', 'worker'],
    ]) {
      const run = await runCli(args, { cwd: p.dir });
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
    }
    await expect(client(p).post('/v1/processes/nope/restart')).rejects.toMatchObject({
      code: 'OVRSEER_UNKNOWN_PROCESS',
    });
    const rows = await client(p).get<ProcessRow[]>('/v1/processes');
    expect(rows.map((row) => row.status)).toEqual(['running', 'running']);
    lean(await loaded());
    // A body the quick path leaves to Hono (its schema words the refusal) loads node:http and Hono.
    await expect(client(p).post('/v1/actions/stop', { targets: [] })).rejects.toMatchObject({
      code: 'OVRSEER_USAGE',
      message: expect.stringContaining('targets'),
    });
    expect(await loaded()).toContain('NativeModule http');
  });

  it('switches the optimizing compiler on under a log flood and keeps every line', async () => {
    const total = 200_000;
    const p = project(`
name: "{{name}}"
processes:
  flood:
    command: ${fixtureCommand('log-flood.mjs', total)}
    restart: { policy: "no" }
    log: { max_size: 1GB }
`);
    const list = join(p.dir, 'modules.txt');
    const env = {
      NODE_OPTIONS: `--require ${join(FIXTURES, 'module-list.cjs')}`,
      OVRSEER_TEST_MODULE_LIST: list,
    };
    expect((await runCli(['up', '-d'], { cwd: p.dir, env })).code).toBe(0);
    const file = join(p.dir, '.ovrseer', 'logs', 'flood.log');
    const lines = (): number => (existsSync(file) ? readFileSync(file, 'latin1').split('\n').length - 1 : 0);
    await waitFor(() => lines() >= total, 'every line in the log file', { timeout: 20_000, interval: 100 });
    expect(readFileSync(file, 'latin1')).toContain(`line ${total}\n`);
    const pid = readState(p)?.supervisor.pid as number;
    process.kill(pid, 'SIGUSR2');
    await waitFor(() => existsSync(list), 'the module list');
    // node:v8 is loaded only to raise the compiler tier (see compiler-tier.ts).
    expect(readFileSync(list, 'utf8').split('\n')).toContain('NativeModule v8');
  });

  it('ends the children of a SIGKILLed supervisor on the next up, and leaves a reused pid alone', async () => {
    const p = project(`
name: "{{name}}"
processes:
  api: { command: ${fixtureCommand('tree.mjs')} }
`);
    expect((await runCli(['up', '-d'], { cwd: p.dir })).code).toBe(0);
    await waitFor(() => markedPids(p.name).length === 3, 'the tree runs');
    const orphans = markedPids(p.name);
    const state = readState(p);
    expect(state?.processes.map((entry) => entry.id)).toEqual(['api']);
    process.kill(state?.supervisor.pid as number, 'SIGKILL');
    await waitFor(() => !isRunning(state?.supervisor.pid as number), 'supervisor killed');
    expect(orphans.every(isRunning)).toBe(true);

    // A process that now holds a pid the state file names, but is not the process recorded there.
    const bystander = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1 << 30)'], { stdio: 'ignore' });
    const bystanderPid = bystander.pid as number;
    strays.push(bystanderPid);
    const file = join(p.dir, '.ovrseer', 'state.json');
    const recorded = JSON.parse(readFileSync(file, 'utf8'));
    const start = processStartTime(bystanderPid) as number;
    recorded.processes.push({ id: 'ghost', pid: bystanderPid, startTime: start + 12345 });
    writeFileSync(file, JSON.stringify(recorded));

    const up = startCli(['up'], { cwd: p.dir });
    await up.waitForOutput(/ended api \(pid \d+\), left running by a supervisor that died/);
    await waitFor(() => orphans.every((pid) => !isRunning(pid)), 'the old tree ended');
    expect(isRunning(bystanderPid)).toBe(true);
    await up.waitForOutput(/api +\* started/);
    up.signal('SIGINT');
    expect(await up.exited).toBe(0);
  });
});
