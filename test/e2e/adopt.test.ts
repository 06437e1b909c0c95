import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiClient } from '../../src/supervisor/client.js';
import type { ProcessRow } from '../../src/supervisor/process-rows.js';
import { killStrayClis, runCli } from '../helpers/cli.js';
import { isRunning, killMarked, markedPids } from '../helpers/processes.js';
import { fixtureCommand, type TempProject, tempProject } from '../helpers/project.js';
import { waitFor } from '../helpers/wait-for.js';

const projects: TempProject[] = [];
const outsiders: ChildProcess[] = [];
let counter = 0;

afterEach(async () => {
  for (const created of projects.splice(0)) {
    await runCli(['down'], { cwd: created.dir });
    killMarked(created.name);
    created.remove();
  }
  killStrayClis();
  for (const child of outsiders.splice(0)) {
    if (child.pid !== undefined && isRunning(child.pid)) process.kill(-child.pid, 'SIGKILL');
  }
});

function project(yaml: string): TempProject {
  const created = tempProject(yaml);
  projects.push(created);
  return created;
}

/** A `sleep` with an argument no other process on the machine has (for `adopt: {match}`). */
function uniqueSleep(): string {
  counter += 1;
  return `${900 + counter}.${process.pid}`;
}

/** Started by the test, not by ovrseer: detached, so it leads its own session and process group. */
function outsider(command: string, args: string[]): number {
  const child = spawn(command, args, { detached: true, stdio: 'ignore' });
  child.unref();
  outsiders.push(child);
  if (child.pid === undefined) throw new Error(`${command} did not start`);
  return child.pid;
}

const client = (p: TempProject): ApiClient => new ApiClient(join(p.dir, '.ovrseer', 'ovrseer.sock'));
const rowOf = async (p: TempProject, name: string): Promise<ProcessRow | undefined> =>
  (await client(p).get<ProcessRow[]>('/v1/processes')).find((row) => row.name === name);

describe.skipIf(process.platform !== 'linux')('adopting a process ovrseer did not start', () => {
  it('adopt NAME --pid: ps shows it running with metrics; a stop of one that ignores SIGTERM ends it with SIGKILL', async () => {
    const p = project(`
name: "{{name}}"
settings: { metrics_interval: 250ms }
processes:
  keep: { command: ${fixtureCommand('sleeper.mjs')} }
  app: { command: [sleep, "1000"], stop: { timeout: 1s }, restart: { policy: "no" } }
`);
    expect((await runCli(['up', '-d', 'keep'], { cwd: p.dir })).code).toBe(0);
    // SIGTERM is ignored by the shell and, inherited through exec, by its sleep: only SIGKILL ends them.
    const pid = outsider('sh', ['-c', `trap "" TERM; sleep ${uniqueSleep()} & wait`]);
    // Its sleep child exists only once the trap line has run.
    await waitFor(
      () => readFileSync(`/proc/${pid}/task/${pid}/children`, 'latin1').trim() !== '',
      'the shell set its trap and started its sleep',
    );

    const adopt = await runCli(['adopt', 'app', '--pid', String(pid)], { cwd: p.dir });
    expect(adopt.stderr).toBe('');
    expect(adopt.code).toBe(0);
    expect(adopt.stdout).toMatch(/^app\s+running/m);
    const row = await rowOf(p, 'app');
    expect(row).toMatchObject({ status: 'running', pid, adopted: true });
    expect(row?.reason).toContain('output is not captured');
    await waitFor(async () => ((await rowOf(p, 'app'))?.memory ?? 0) > 0, 'memory of the adopted tree');
    const logs = await runCli(['logs', 'app', '-n', '10'], { cwd: p.dir });
    expect(logs.stdout).toContain(`adopted pid ${pid}: output is not captured`);

    // Errors: a pid that does not exist, and one ovrseer started itself.
    const none = await runCli(['adopt', 'app', '--pid', '4194000'], { cwd: p.dir });
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('no process with pid 4194000 is running');
    const keepPid = (await rowOf(p, 'keep'))?.pid;
    await runCli(['stop', 'app'], { cwd: p.dir }).then((stop) => expect(stop.code).toBe(0));
    expect(isRunning(pid)).toBe(false);
    const ours = await runCli(['adopt', 'app', '--pid', String(keepPid)], { cwd: p.dir });
    expect(ours.code).toBe(1);
    expect(ours.stderr).toContain('started by this project');
    expect(await rowOf(p, 'app')).toMatchObject({ status: 'stopped' });
  });

  it('the exit of an adopted process is detected by polling: it ends crashed (restart policy no)', async () => {
    const p = project(`
name: "{{name}}"
processes:
  keep: { command: ${fixtureCommand('sleeper.mjs')} }
  app: { command: [sleep, "1000"], restart: { policy: "no" } }
`);
    expect((await runCli(['up', '-d', 'keep'], { cwd: p.dir })).code).toBe(0);
    const pid = outsider('sleep', [uniqueSleep()]);
    expect((await runCli(['adopt', 'app', '--pid', String(pid)], { cwd: p.dir })).code).toBe(0);
    process.kill(pid, 'SIGKILL');
    await waitFor(async () => (await rowOf(p, 'app'))?.status === 'crashed', 'app crashed');
    const logs = await runCli(['logs', 'app', '-n', '10'], { cwd: p.dir });
    expect(logs.stdout).toContain(`adopted pid ${pid} exited (its exit status is unknown`);
  });

  it('adopt: {pidfile} and {match} on up take over the running ones; a restart spawns the configured command', async () => {
    const token = uniqueSleep();
    const byFile = outsider('sleep', [uniqueSleep()]);
    const byArgv = outsider('sleep', [token]);
    const p = project(`
name: "{{name}}"
processes:
  byfile: { command: [sleep, "1000"], adopt: { pidfile: run/app.pid } }
  byargv: { command: [sleep, "1000"], adopt: { match: "^sleep ${token.replace('.', '\\\\.')}$" } }
  fresh: { command: [sleep, "1000"], adopt: { pidfile: run/missing.pid } }
`);
    p.write('run/app.pid', `${byFile}\n`);
    const up = await runCli(['up', '-d'], { cwd: p.dir });
    expect(up.stderr).toBe('');
    expect(up.code).toBe(0);
    expect(await rowOf(p, 'byfile')).toMatchObject({ status: 'running', pid: byFile, adopted: true });
    expect(await rowOf(p, 'byargv')).toMatchObject({ status: 'running', pid: byArgv, adopted: true });
    // Nothing to adopt: it is spawned as usual, and is ours.
    const fresh = await rowOf(p, 'fresh');
    expect(fresh).toMatchObject({ status: 'running', adopted: false });
    expect(markedPids(p.name)).toContain(fresh?.pid);

    expect((await runCli(['restart', 'byfile'], { cwd: p.dir })).code).toBe(0);
    const restarted = await rowOf(p, 'byfile');
    expect(restarted).toMatchObject({ status: 'running', adopted: false });
    expect(restarted?.pid).not.toBe(byFile);
    expect(isRunning(byFile)).toBe(false);
    expect(markedPids(p.name)).toContain(restarted?.pid);
  });
});
