import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { killStrayClis, runCli, startCli } from '../helpers/cli.js';
import { isRunning, killMarked, markedPids } from '../helpers/processes.js';
import { fixtureCommand, type TempProject, tempProject } from '../helpers/project.js';
import { waitFor } from '../helpers/wait-for.js';

// Issue 16, items 1 and 2: a damaged state.json, and `down` after the supervisor died.

const projects: TempProject[] = [];
/** Supervisors the tests started, for the safety net (a damaged state.json no longer names them). */
const supervisors = new Set<number>();

function project(yaml: string): TempProject {
  const created = tempProject(yaml);
  projects.push(created);
  return created;
}

const stateFile = (p: TempProject): string => join(p.dir, '.ovrseer', 'state.json');

function supervisorPid(p: TempProject): number {
  const pid = (JSON.parse(readFileSync(stateFile(p), 'utf8')) as { supervisor: { pid: number } }).supervisor
    .pid;
  supervisors.add(pid);
  return pid;
}

afterEach(async () => {
  for (const created of projects.splice(0)) {
    await runCli(['down'], { cwd: created.dir });
    killMarked(created.name);
    created.remove();
  }
  for (const pid of supervisors) if (isRunning(pid)) process.kill(pid, 'SIGKILL');
  supervisors.clear();
  killStrayClis();
}, 60_000);

const THREE = `
name: "{{name}}"
processes:
  api: { command: sleep 600 }
  worker: { command: sleep 600, replicas: 2 }
`;

/** A detached supervisor killed with SIGKILL: returns the pids it left running. */
async function killedSupervisor(p: TempProject): Promise<number[]> {
  const up = await runCli(['up', '-d'], { cwd: p.dir });
  expect({ code: up.code, stderr: up.stderr }).toEqual({ code: 0, stderr: '' });
  const pid = supervisorPid(p);
  process.kill(pid, 'SIGKILL');
  await waitFor(() => !isRunning(pid), 'the supervisor gone');
  const left = markedPids(p.name);
  expect(left).toHaveLength(3);
  return left;
}

const DAMAGE: Record<string, (path: string) => void> = {
  truncated: (path) => writeFileSync(path, readFileSync(path, 'utf8').slice(0, 60)),
  garbage: (path) => writeFileSync(path, Buffer.from([0x00, 0xff, 0x7b, 0x22, 0x6e, 0x6f, 0x74, 0x0a])),
  empty: (path) => writeFileSync(path, ''),
  'a directory': (path) => {
    rmSync(path);
    mkdirSync(path);
    writeFileSync(join(path, 'inside'), 'x');
  },
};

/** The one `state.json.damaged-<time>` in the state directory, which must be named in `said`. */
function setAsideIn(p: TempProject, said: string): string {
  const names = readdirSync(join(p.dir, '.ovrseer')).filter((name) => name.startsWith('state.json.damaged-'));
  expect(names).toHaveLength(1);
  const path = join(p.dir, '.ovrseer', names[0] as string);
  expect(said).toContain(`set it aside as ${path}`);
  return path;
}

describe('a damaged state.json does not block recovery', () => {
  for (const [kind, damage] of Object.entries(DAMAGE)) {
    it(`up -d with state.json ${kind}: starts, warns naming the file set aside, ends the leftovers`, async () => {
      const p = project(THREE);
      const left = await killedSupervisor(p);
      damage(stateFile(p));
      const up = await runCli(['up', '-d'], { cwd: p.dir });
      expect({ code: up.code, stderr: up.stderr }).toEqual({
        code: 0,
        stderr: expect.stringContaining('could not be read'),
      });
      setAsideIn(p, up.stderr);
      expect(up.stderr).toMatch(
        /ended pid \d+ \(t[\d-]+\/worker\/2\), left running by a supervisor that died/,
      );
      expect(left.filter(isRunning)).toEqual([]);
      supervisorPid(p);
      const now = markedPids(p.name);
      expect(now).toHaveLength(3);
      expect(now.filter((pid) => left.includes(pid))).toEqual([]);
      expect((await runCli(['down'], { cwd: p.dir })).code).toBe(0);
      expect(markedPids(p.name)).toEqual([]);
    });

    it(`foreground up --no-tui with state.json ${kind}: starts, warns, ends the leftovers`, async () => {
      const p = project(THREE);
      const left = await killedSupervisor(p);
      damage(stateFile(p));
      const up = startCli(['up', '--no-tui'], { cwd: p.dir });
      // Output to a pipe is written in blocks: what it said is checked once it has exited.
      await waitFor(
        () => left.every((pid) => !isRunning(pid)) && markedPids(p.name).length === 3,
        'the leftovers ended and three new processes',
      );
      up.signal('SIGINT');
      expect(await up.exited).toBe(0);
      setAsideIn(p, up.stdout() + up.stderr());
      expect(up.stdout()).toMatch(
        /ended pid \d+ \(t[\d-]+\/api\/1\), left running by a supervisor that died/,
      );
      expect(markedPids(p.name)).toEqual([]);
    });
  }
});

describe('down after the supervisor died', () => {
  it('down after kill -9 of a detached supervisor ends what it left, escapees included, and says so', async () => {
    const p = project(`
name: "{{name}}"
processes:
  api: { command: sleep 600 }
  escapee: { command: ${fixtureCommand('escapee.mjs')}, stop: { timeout: 1s } }
`);
    const up = await runCli(['up', '-d'], { cwd: p.dir });
    expect(up.code).toBe(0);
    // The escapee fixture's setsid child and double-forked daemon, besides the two group leaders.
    await waitFor(() => markedPids(p.name).length === 4, 'four marked processes');
    const pid = supervisorPid(p);
    process.kill(pid, 'SIGKILL');
    await waitFor(() => !isRunning(pid), 'the supervisor gone');
    const left = markedPids(p.name);
    const down = await runCli(['down'], { cwd: p.dir });
    expect({ code: down.code, stderr: down.stderr }).toEqual({ code: 0, stderr: '' });
    expect(down.stdout).toContain(
      'no ovrseer was running for ./ovrseer.yml: recovered 4 processes a supervisor that died left running',
    );
    expect(down.stdout).toMatch(/ended api \(pid \d+\)/);
    expect(down.stdout).toMatch(/stopped\n$/);
    expect(left.filter(isRunning)).toEqual([]);
    expect(markedPids(p.name)).toEqual([]);
    // Nothing left: a second down says so and succeeds.
    const again = await runCli(['down'], { cwd: p.dir });
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('nothing to stop: no ovrseer running for ./ovrseer.yml');
  });

  it('down whose supervisor dies half way exits 1 listing what is left; down again ends it', async () => {
    const p = project(`
name: "{{name}}"
processes:
  api: { command: sleep 600 }
  stubborn: { command: ${fixtureCommand('ignore-term.mjs')}, stop: { timeout: 5s } }
`);
    expect((await runCli(['up', '-d'], { cwd: p.dir })).code).toBe(0);
    const pid = supervisorPid(p);
    const stubbornLog = join(p.dir, '.ovrseer', 'logs', 'stubborn.log');
    const down = startCli(['down'], { cwd: p.dir });
    // The supervisor has asked it to stop and waits for its timeout: it dies now.
    await waitFor(
      () => existsSync(stubbornLog) && readFileSync(stubbornLog, 'utf8').includes('got SIGTERM'),
      'stubborn told to stop',
    );
    process.kill(pid, 'SIGKILL');
    expect(await down.exited).toBe(1);
    const left = markedPids(p.name);
    expect(left).toHaveLength(1);
    expect(down.stdout()).not.toContain('stopped');
    expect(down.stderr()).toContain(
      `ovrseer: the supervisor exited but 1 process of ./ovrseer.yml still runs:\n  pid ${left[0]} (stubborn)\n\`ovrseer down\` again ends them\n`,
    );
    const again = await runCli(['down'], { cwd: p.dir });
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(`ended stubborn (pid ${left[0]}), left running by a supervisor that died`);
    expect(markedPids(p.name)).toEqual([]);
  });
});

/** Pids whose command line is exactly `sleep <seconds>`: escapees without a marker are found so. */
function sleepers(seconds: number): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let cmdline: string;
    try {
      cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
    } catch (error) {
      if (
        (error as NodeJS.ErrnoException).code === 'ENOENT' ||
        (error as NodeJS.ErrnoException).code === 'ESRCH'
      )
        continue;
      throw error;
    }
    if (cmdline === `sleep\0${seconds}\0`) found.push(Number(entry));
  }
  return found;
}

describe.runIf(process.platform === 'linux')('the supervisor as child subreaper', () => {
  const SECONDS = 42_424;
  afterEach(() => {
    for (const pid of sleepers(SECONDS)) process.kill(pid, 'SIGKILL');
  });

  for (const mode of ['-d', '--no-tui'] as const) {
    it(`down (up ${mode}) ends an escapee that cleared its environment and left its session`, async () => {
      const p = project(`
name: "{{name}}"
processes:
  api: { command: "env -i setsid sleep ${SECONDS} & sleep 600" }
`);
      const up = mode === '-d' ? null : startCli(['up', '--no-tui'], { cwd: p.dir });
      if (up === null) expect((await runCli(['up', '-d'], { cwd: p.dir })).code).toBe(0);
      await waitFor(() => sleepers(SECONDS).length === 1, 'the escapee to run');
      await waitFor(() => existsSync(join(p.dir, '.ovrseer', 'ovrseer.sock')), 'the socket');
      const down = await runCli(['down'], { cwd: p.dir });
      expect(down.code).toBe(0);
      if (up !== null) expect(await up.exited).toBe(0);
      expect(sleepers(SECONDS)).toEqual([]);
      expect(readFileSync(join(p.dir, '.ovrseer', 'ovrseer.log'), 'utf8')).toMatch(
        /ended 1 orphaned process/,
      );
    });
  }
});
