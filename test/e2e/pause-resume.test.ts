import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiClient } from '../../src/supervisor/client.js';
import type { ProcessRow } from '../../src/supervisor/process-rows.js';
import { runCli } from '../helpers/cli.js';
import { freePort } from '../helpers/ports.js';
import { isRunning, markedPids } from '../helpers/processes.js';
import { fixtureCommand, NODE, type TempProject, tempProject } from '../helpers/project.js';
import { endProjects, supervisorPid } from '../helpers/supervised.js';
import { waitFor } from '../helpers/wait-for.js';

/**
 * `ovrseer pause|resume` against a detached supervisor: the whole tree really stopped (state `T` in
 * /proc), probes that would fail meanwhile suspended, and stop/down of a paused process graceful.
 */

const projects: TempProject[] = [];

function project(yaml: string, files: Record<string, string> = {}): TempProject {
  const created = tempProject(yaml, files);
  projects.push(created);
  return created;
}

afterEach(() => endProjects(projects));

const rows = (p: TempProject): Promise<ProcessRow[]> =>
  new ApiClient(join(p.dir, '.ovrseer', 'ovrseer.sock')).get<ProcessRow[]>('/v1/processes');

async function row(p: TempProject, name: string): Promise<ProcessRow> {
  const found = (await rows(p)).find((candidate) => candidate.name === name);
  if (found === undefined) throw new Error(`no row ${name}`);
  return found;
}

/** Field 3 of /proc/<pid>/stat: R, S, T (stopped), Z… */
function procState(pid: number): string {
  const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
  return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
}

const statesOf = (pids: readonly number[]): string[] => pids.map(procState);

/** Traps SIGTERM: the handler writes `term.txt` in the project, then exits. */
const TRAP = `
import { writeFileSync } from 'node:fs';
process.on('SIGTERM', () => {
  writeFileSync(new URL('./term-' + process.env.PS + '.txt', import.meta.url), 'handled');
  process.exit(0);
});
console.log('trap pid ' + process.pid);
setInterval(() => undefined, 1 << 30);
`;

describe('pause and resume', () => {
  it('stops a whole tree (leader, children, escapees) and resumes it to ready; ps --json says paused', async () => {
    const p = project(`
name: "{{name}}"
processes:
  tree:
    command: ${fixtureCommand('tree.mjs')}
    ready: { log: "level 3 pid" }
  escapee:
    command: ${fixtureCommand('escapee.mjs')}
    ready: { log: "daemon pid" }
`);
    expect((await runCli(['up', '-d'], { cwd: p.dir })).code).toBe(0);
    let pids: number[] = [];
    await waitFor(() => {
      pids = markedPids(p.name);
      return pids.length === 6;
    }, 'tree (3 levels) and escapee (parent, setsid escapee, double-forked daemon) running');
    expect(pids.every(isRunning)).toBe(true);

    const paused = await runCli(['pause', 'all'], { cwd: p.dir });
    expect(paused.code).toBe(0);
    expect(paused.stdout).toMatch(/tree +paused/);
    expect(statesOf(pids)).toEqual(pids.map(() => 'T'));
    const listed = JSON.parse((await runCli(['ps', '--json'], { cwd: p.dir })).stdout) as ProcessRow[];
    expect(listed.map((one) => [one.name, one.status])).toEqual([
      ['tree', 'paused'],
      ['escapee', 'paused'],
    ]);

    const resumed = await runCli(['resume', 'tree', 'escapee'], { cwd: p.dir });
    expect(resumed.code).toBe(0);
    for (const state of statesOf(pids)) expect(['S', 'R']).toContain(state);
    expect((await rows(p)).map((one) => [one.name, one.status, one.restarts])).toEqual([
      ['tree', 'ready', 0],
      ['escapee', 'ready', 0],
    ]);
  });

  it('a health probe that fails while paused neither marks it unhealthy nor restarts it', async () => {
    const port = await freePort();
    const p = project(`
name: "{{name}}"
processes:
  web:
    command: ${fixtureCommand('http-server.mjs')}
    env: { PORT: "${port}" }
    ready: { http: "http://127.0.0.1:${port}/health", interval: 50ms }
    health: { http: "http://127.0.0.1:${port}/health", interval: 100ms, timeout: 100ms, retries: 2, on_failure: restart }
`);
    expect((await runCli(['up', '-d'], { cwd: p.dir })).code).toBe(0);
    await waitFor(async () => (await row(p, 'web')).health === 'healthy', 'web healthy');
    const { pid } = await row(p, 'web');
    expect((await runCli(['pause', 'web'], { cwd: p.dir })).code).toBe(0);
    // A stopped server accepts connections but never answers: unpaused checks would fail twice in
    // ~0.4 s and restart it. Ten times that passes with nothing happening.
    const until = Date.now() + 4000;
    await waitFor(async () => {
      const now = await row(p, 'web');
      if (now.status !== 'paused' || now.health === 'unhealthy' || now.restarts !== 0 || now.pid !== pid)
        throw new Error(`a paused process was acted on: ${JSON.stringify(now)}`);
      return Date.now() >= until;
    }, 'four seconds of a paused web');
    expect((await runCli(['resume', 'web'], { cwd: p.dir })).code).toBe(0);
    await waitFor(async () => {
      const now = await row(p, 'web');
      return now.status === 'ready' && now.health === 'healthy';
    }, 'web ready and healthy again after resume');
    expect(await row(p, 'web')).toMatchObject({ pid, restarts: 0 });
  });

  it('refuses to pause a stopped process with a stable code', async () => {
    const p = project(`
name: "{{name}}"
processes:
  idle: { command: ${fixtureCommand('sleeper.mjs')} }
  other: { command: ${fixtureCommand('sleeper.mjs')} }
`);
    expect((await runCli(['up', '-d', 'other'], { cwd: p.dir })).code).toBe(0);
    const refused = await runCli(['pause', 'idle'], { cwd: p.dir });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('idle is stopped: only a running or ready process can be paused');
    const client = new ApiClient(join(p.dir, '.ovrseer', 'ovrseer.sock'));
    await expect(client.post('/v1/processes/idle/pause', {})).rejects.toMatchObject({
      code: 'OVRSEER_NOT_PAUSABLE',
    });
  });

  it('stop of a paused process that traps SIGTERM ends through its handler', async () => {
    const p = project(
      `
name: "{{name}}"
processes:
  trap:
    command: ["${NODE}", trap.mjs]
    ready: { log: "trap pid" }
    stop: { timeout: 5s }
`,
      { 'trap.mjs': TRAP },
    );
    expect((await runCli(['up', '-d'], { cwd: p.dir })).code).toBe(0);
    const { pid } = await row(p, 'trap');
    expect((await runCli(['pause', 'trap'], { cwd: p.dir })).code).toBe(0);
    expect(procState(pid as number)).toBe('T');
    const started = Date.now();
    const stop = await runCli(['stop', 'trap'], { cwd: p.dir });
    expect(stop.code).toBe(0);
    expect(readFileSync(join(p.dir, 'term-trap.txt'), 'utf8')).toBe('handled');
    // Through the handler, not SIGKILL after the 5 s timeout.
    expect(Date.now() - started).toBeLessThan(5000);
    expect(await row(p, 'trap')).toMatchObject({ status: 'stopped', reason: 'stop requested' });
  });

  it('down with paused processes leaves nothing behind, each ending through its handler', async () => {
    const p = project(
      `
name: "{{name}}"
processes:
  trap:
    command: ["${NODE}", trap.mjs]
    ready: { log: "trap pid" }
  escapee:
    command: ${fixtureCommand('escapee.mjs')}
    ready: { log: "daemon pid" }
    stop: { timeout: 2s }
`,
      { 'trap.mjs': TRAP },
    );
    expect((await runCli(['up', '-d'], { cwd: p.dir })).code).toBe(0);
    await waitFor(() => markedPids(p.name).length === 4, 'trap, escapee, its setsid child and daemon');
    expect((await runCli(['pause', 'all'], { cwd: p.dir })).code).toBe(0);
    expect(statesOf(markedPids(p.name))).toEqual(['T', 'T', 'T', 'T']);
    const down = await runCli(['down'], { cwd: p.dir });
    expect(down.code).toBe(0);
    expect(existsSync(join(p.dir, 'term-trap.txt'))).toBe(true);
    expect(markedPids(p.name)).toEqual([]);
  });

  it('a supervisor killed while a child is paused: the next up ends the paused leftover through its handler', async () => {
    const p = project(
      `
name: "{{name}}"
processes:
  trap:
    command: ["${NODE}", trap.mjs]
    ready: { log: "trap pid" }
`,
      { 'trap.mjs': TRAP },
    );
    expect((await runCli(['up', '-d'], { cwd: p.dir })).code).toBe(0);
    const { pid } = await row(p, 'trap');
    expect((await runCli(['pause', 'trap'], { cwd: p.dir })).code).toBe(0);
    const supervisor = supervisorPid(p) as number;
    process.kill(supervisor, 'SIGKILL');
    await waitFor(() => !isRunning(supervisor), 'the supervisor gone');
    expect(procState(pid as number)).toBe('T');
    const again = await runCli(['up', '-d'], { cwd: p.dir });
    expect(again.code).toBe(0);
    expect(isRunning(pid as number)).toBe(false);
    expect(readFileSync(join(p.dir, 'term-trap.txt'), 'utf8')).toBe('handled');
    expect((await row(p, 'trap')).status).toBe('ready');
  });
});
