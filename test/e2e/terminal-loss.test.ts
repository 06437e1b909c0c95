import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BIN, runCli } from '../helpers/cli.js';
import { isRunning, killMarked, markedPids } from '../helpers/processes.js';
import { fixtureCommand, NODE, type TempProject, tempProject } from '../helpers/project.js';
import { Terminal, WAIT } from '../helpers/terminal.js';
import { waitFor } from '../helpers/wait-for.js';

// Losing the terminal must stop the project like Ctrl-C — cleanup included — and never crash the
// supervisor (issue 15, item 1). Each test counts survivors by the OVRSEER_PROCESS marker.

const projects: TempProject[] = [];
const shells: ChildProcess[] = [];
const terminals: Terminal[] = [];

afterEach(() => {
  for (const terminal of terminals.splice(0)) terminal.close();
  for (const shell of shells.splice(0)) {
    if (shell.pid !== undefined && isRunning(shell.pid)) process.kill(-shell.pid, 'SIGKILL');
  }
  for (const project of projects.splice(0)) {
    killMarked(project.name);
    project.remove();
  }
});

/** A project with a chatty process, a sleeper, an escapee that ignores SIGTERM and a cleanup task. */
function project(extra = ''): TempProject {
  const p = tempProject(`name: '{{name}}'
settings: { shutdown_timeout: 5s }
processes:
  talker:
    command: ${fixtureCommand('log-ticker.mjs', 'talk', 1_000_000, 1)}
  sleeper:
    command: sleep 600
  escapee:
    command: ${fixtureCommand('escapee.mjs')}
    stop: { timeout: 1s }
  tidy:
    type: cleanup
    command: touch cleaned
${extra}`);
  projects.push(p);
  return p;
}

function supervisorPid(p: TempProject): number | null {
  const file = join(p.dir, '.ovrseer', 'state.json');
  if (!existsSync(file)) return null;
  return (JSON.parse(readFileSync(file, 'utf8')) as { supervisor: { pid: number } }).supervisor.pid;
}

/** Waits until the project is up (every process running), and returns the supervisor's pid. */
async function whenUp(p: TempProject): Promise<number> {
  await waitFor(() => markedPids(p.name).length >= 5, 'the project to be up (5 marked processes)', WAIT);
  const pid = supervisorPid(p);
  if (pid === null) throw new Error('no state.json');
  return pid;
}

/** The supervisor ended, and with it everything of the project; the cleanup ran. */
async function expectAllGone(p: TempProject, pid: number): Promise<void> {
  await waitFor(() => !isRunning(pid), `the supervisor (pid ${pid}) to exit`, WAIT);
  const log = readFileSync(join(p.dir, '.ovrseer', 'ovrseer.log'), 'utf8');
  expect(markedPids(p.name), log).toEqual([]);
  expect(existsSync(join(p.dir, 'cleaned')), `the cleanup ran; the supervisor's log:\n${log}`).toBe(true);
  expect(existsSync(join(p.dir, '.ovrseer', 'ovrseer.sock')), log).toBe(false);
  expect(log).toMatch(/stopped everything in \d+ms/);
}

/** `sh -c "<ovrseer up> | <reader>"` in its own process group, as a terminal would run a pipeline. */
function pipeline(p: TempProject, reader: string, args = '--no-tui'): ChildProcess {
  const shell = spawn('sh', ['-c', `"${NODE}" "${BIN}" up ${args} | ${reader}`], {
    cwd: p.dir,
    env: { ...process.env, NO_COLOR: '1', CI: 'true' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  shell.stdout?.resume();
  shell.stderr?.resume();
  shells.push(shell);
  return shell;
}

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) resolve(child.exitCode);
    else child.once('close', (code) => resolve(code));
  });
}

describe('losing the output', () => {
  it('`up | head -3`: the closed pipe shuts everything down, cleanup included', async () => {
    const p = project();
    const shell = pipeline(p, 'head -3');
    // head leaves after three lines: before the project is even up, the supervisor finds the pipe closed.
    await exited(shell);
    const pid = supervisorPid(p);
    expect(pid).not.toBeNull();
    await expectAllGone(p, pid as number);
    expect(readFileSync(join(p.dir, '.ovrseer', 'ovrseer.log'), 'utf8')).toContain('EPIPE');
  });

  for (const reader of ['cat', 'tee out.txt']) {
    it(`\`up | ${reader}\`, then Ctrl-C (SIGINT to the whole pipeline): a clean shutdown`, async () => {
      const p = project();
      const shell = pipeline(p, reader);
      const pid = await whenUp(p);
      process.kill(-(shell.pid as number), 'SIGINT');
      await expectAllGone(p, pid);
      expect(readFileSync(join(p.dir, '.ovrseer', 'ovrseer.log'), 'utf8')).toContain('SIGINT received');
    });
  }

  it('a reader that stops reading neither freezes the supervisor nor grows it without bound', async () => {
    const p = project(`  flood:
    command: ${fixtureCommand('log-flood.mjs', 400_000, 200)}
`);
    // `sleep` never reads its stdin: the pipe fills after 64 KiB.
    const shell = pipeline(p, 'sleep 600');
    const pid = await whenUp(p);
    await waitFor(
      async () => (await runCli(['ps', '--json'], { cwd: p.dir })).stdout.includes('"completed"'),
      'the flood (80 MB) to finish while the output is not read',
      WAIT,
    );
    const rss = Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]) * 1024;
    // Holding the 80 MB for the reader would take the supervisor far past this.
    expect(rss).toBeLessThan(150 * 1024 * 1024);
    const down = await runCli(['down'], { cwd: p.dir });
    expect(down.code).toBe(0);
    await expectAllGone(p, pid);
    process.kill(-(shell.pid as number), 'SIGKILL');
  });
});

describe('losing the terminal', () => {
  for (const mode of ['the TUI', '--no-tui']) {
    it(`closing the terminal window (${mode}) shuts everything down, cleanup included`, async () => {
      const p = project();
      const terminal = new Terminal(
        p.dir,
        `"${NODE}" "${BIN}" up${mode === '--no-tui' ? ' --no-tui' : ''} 2> stderr.txt`,
      );
      terminals.push(terminal);
      const pid = await whenUp(p);
      terminal.close();
      await expectAllGone(p, pid);
      // Node 20 aborts at exit when it cannot restore a terminal that is gone (nodejs/node#58200).
      expect(readFileSync(join(p.dir, 'stderr.txt'), 'utf8')).not.toContain('Assertion failed');
      expect(readFileSync(join(p.dir, '.ovrseer', 'ovrseer.log'), 'utf8')).toMatch(/SIGHUP|EIO/);
    });
  }

  it('a terminal stopped with Ctrl-S does not freeze the supervisor', async () => {
    const p = project();
    const terminal = new Terminal(p.dir, `"${NODE}" "${BIN}" up --no-tui`);
    terminals.push(terminal);
    const pid = await whenUp(p);
    terminal.keys('C-s');
    // The talker fills the stopped terminal's few KiB of buffer within moments; a supervisor blocked
    // writing to it would take no more output and answer no request from then on.
    const talkerLog = join(p.dir, '.ovrseer', 'logs', 'talker.log');
    const size = (): number => (existsSync(talkerLog) ? statSync(talkerLog).size : 0);
    const start = size();
    await waitFor(
      () => size() > start + 100_000,
      "the talker's log to grow by 100 KB while the terminal is stopped",
      WAIT,
    );
    const ps = await runCli(['ps', '--json'], { cwd: p.dir });
    expect(ps.code).toBe(0);
    const stop = await runCli(['stop', 'talker'], { cwd: p.dir });
    expect(stop.code).toBe(0);
    terminal.keys('C-q');
    terminal.keys('C-c');
    await expectAllGone(p, pid);
  });
});
