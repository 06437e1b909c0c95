import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ProcessRow } from '../../src/supervisor/process-rows.js';
import { runCli } from '../helpers/cli.js';
import { freePort } from '../helpers/ports.js';
import { isRunning } from '../helpers/processes.js';
import { fixtureCommand, NODE, type TempProject, tempProject } from '../helpers/project.js';
import { endProjects, supervisorPid } from '../helpers/supervised.js';
import { waitFor } from '../helpers/wait-for.js';

/** `ovrseer ls`, `ps --all` and `-p PROJECT`: every running project of this user, from anywhere. */

const projects: TempProject[] = [];
const scratch: string[] = [];

afterEach(async () => {
  await endProjects(projects);
  for (const dir of scratch.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  scratch.push(dir);
  return dir;
}

/** A project whose `web` listens on host:port (when given) and whose `worker` sleeps. */
function project(options: { port?: number; host?: string; name?: string } = {}): TempProject {
  const web =
    options.port === undefined
      ? fixtureCommand('sleeper.mjs')
      : JSON.stringify([
          NODE,
          '-e',
          `require('node:net').createServer().listen(${options.port}, '${options.host ?? '127.0.0.1'}', () => console.log('listening'))`,
        ]);
  const created = tempProject(`
name: "${options.name ?? '{{name}}'}"
processes:
  web: { command: ${web} }
  worker: { command: ${fixtureCommand('sleeper.mjs')} }
`);
  projects.push(created);
  return created;
}

interface Listed {
  project: string;
  directory: string;
  up: number | null;
  total: number | null;
  pid: number;
  ports: number[];
  answering: boolean;
  shared_ports: { port: number; projects: string[] }[];
}

describe('every project on the machine', () => {
  it('ls lists two detached projects, ps --all shows both, -p acts on the one named from elsewhere, down removes its entry', async () => {
    const env = { XDG_STATE_HOME: tempDir('ovrseer-xdg-') };
    const elsewhere = tempDir('ovrseer-elsewhere-');
    const a = project();
    const b = project();
    expect((await runCli(['up', '-d'], { cwd: a.dir, env })).code).toBe(0);
    expect((await runCli(['up', '-d'], { cwd: b.dir, env })).code).toBe(0);

    const listed = JSON.parse((await runCli(['ls', '--json'], { cwd: elsewhere, env })).stdout) as Listed[];
    expect(
      listed.map(({ project, directory, up, total, answering }) => ({
        project,
        directory,
        up,
        total,
        answering,
      })),
    ).toEqual([
      { project: a.name, directory: a.dir, up: 2, total: 2, answering: true },
      { project: b.name, directory: b.dir, up: 2, total: 2, answering: true },
    ]);
    const table = await runCli(['projects'], { cwd: elsewhere, env });
    expect(table.stdout).toMatch(/^PROJECT +DIRECTORY +UP\/TOTAL +PORTS +UPTIME\n/);
    expect(table.stdout).toMatch(new RegExp(`${a.name} +${a.dir} +2/2 +- +\\d+s`));

    const all = await runCli(['ps', '--all'], { cwd: elsewhere, env });
    expect(all.code).toBe(0);
    expect(all.stdout).toMatch(/^PROJECT +NAME +STATUS/);
    for (const p of [a, b])
      for (const name of ['web', 'worker'])
        expect(all.stdout).toMatch(new RegExp(`${p.name} +${name} +running`));
    const allJson = JSON.parse(
      (await runCli(['ps', '--all', '--json'], { cwd: elsewhere, env })).stdout,
    ) as (ProcessRow & { project: string })[];
    expect(allJson.map((row) => `${row.project}/${row.name}`).sort()).toEqual(
      [`${a.name}/web`, `${a.name}/worker`, `${b.name}/web`, `${b.name}/worker`].sort(),
    );

    const ps = await runCli(['ps', '--json', '-p', b.name], { cwd: elsewhere, env });
    expect(ps.code).toBe(0);
    const bPids = (JSON.parse(ps.stdout) as ProcessRow[]).map((row) => row.pid);
    expect(bPids).toEqual(allJson.filter((row) => row.project === b.name).map((row) => row.pid));

    const stop = await runCli(['stop', '-p', b.dir, 'worker'], { cwd: elsewhere, env });
    expect(stop.code).toBe(0);
    expect(stop.stdout).toMatch(/worker +stopped/);
    const after = JSON.parse((await runCli(['ls', '--json'], { cwd: elsewhere, env })).stdout) as Listed[];
    expect(after.map((entry) => `${entry.project} ${entry.up}/${entry.total}`)).toEqual([
      `${a.name} 2/2`,
      `${b.name} 1/2`,
    ]);

    const unknown = await runCli(['ps', '-p', 'no-such-project'], { cwd: elsewhere, env });
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain(
      `-p no-such-project: no running project of that name or directory; running: ${a.name} (${a.dir})`,
    );

    expect((await runCli(['down', '-p', a.name], { cwd: elsewhere, env })).code).toBe(0);
    const left = JSON.parse((await runCli(['ls', '--json'], { cwd: elsewhere, env })).stdout) as Listed[];
    expect(left.map((entry) => entry.project)).toEqual([b.name]);
    expect(readdirSync(join(env.XDG_STATE_HOME, 'ovrseer', 'projects'))).toEqual([`${left[0]?.pid}.json`]);
  });

  it('prunes the entry of a SIGKILLed supervisor, and names the directories of two running projects of one name', async () => {
    const env = { XDG_STATE_HOME: tempDir('ovrseer-xdg-') };
    const elsewhere = tempDir('ovrseer-elsewhere-');
    const a = project({ name: 'twin' });
    const b = project({ name: 'twin' });
    for (const p of [a, b]) expect((await runCli(['up', '-d'], { cwd: p.dir, env })).code).toBe(0);

    const ambiguous = await runCli(['ps', '-p', 'twin'], { cwd: elsewhere, env });
    expect(ambiguous.code).toBe(2);
    expect(ambiguous.stderr).toContain(
      `2 running projects are named "twin": ${a.file}, ${b.file}; name one by its directory (-p DIR)`,
    );

    const twins = (await runCli(['ps', '--all'], { cwd: elsewhere, env })).stdout;
    expect(twins).toMatch(new RegExp(`^${a.dir} +web +running`, 'm'));
    expect(twins).toMatch(new RegExp(`^${b.dir} +web +running`, 'm'));

    const killed = supervisorPid(a) as number;
    process.kill(killed, 'SIGKILL');
    await waitFor(() => !isRunning(killed), `supervisor ${killed} gone`);
    const registry = join(env.XDG_STATE_HOME, 'ovrseer', 'projects');
    expect(readdirSync(registry)).toContain(`${killed}.json`);
    const listed = JSON.parse((await runCli(['ls', '--json'], { cwd: elsewhere, env })).stdout) as Listed[];
    expect(listed.map((entry) => entry.directory)).toEqual([b.dir]);
    expect(readdirSync(registry)).not.toContain(`${killed}.json`);
    // With one twin left, its name is enough again.
    expect((await runCli(['ps', '-p', 'twin'], { cwd: elsewhere, env })).stdout).toMatch(/web +running/);
  });

  it('reports a port that two projects listen on in both', async () => {
    const env = { XDG_STATE_HOME: tempDir('ovrseer-xdg-') };
    const port = await freePort();
    // Two loopback addresses: both can listen on one port number, as two projects on one machine do.
    const a = project({ port, host: '127.0.0.1' });
    const b = project({ port, host: '127.0.0.2' });
    for (const p of [a, b]) expect((await runCli(['up', '-d'], { cwd: p.dir, env })).code).toBe(0);
    let listed: Listed[] = [];
    await waitFor(async () => {
      listed = JSON.parse((await runCli(['ls', '--json'], { cwd: a.dir, env })).stdout) as Listed[];
      return listed.length === 2 && listed.every((entry) => entry.ports.includes(port));
    }, `both projects reporting port ${port}`);
    expect(listed.map((entry) => entry.shared_ports)).toEqual([
      [{ port, projects: [b.name] }],
      [{ port, projects: [a.name] }],
    ]);
    const table = (await runCli(['ls'], { cwd: a.dir, env })).stdout;
    expect(table).toMatch(new RegExp(`${a.name} .* :${port}! `));
    expect(table).toContain(`warning: ${a.name}: port ${port} is also used by ${b.name}`);
    expect(table).toContain(`warning: ${b.name}: port ${port} is also used by ${a.name}`);
  });
});
