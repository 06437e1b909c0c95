import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiClient } from '../../src/supervisor/client.js';
import type { ProcessRow } from '../../src/supervisor/process-rows.js';
import { BIN, runCli } from '../helpers/cli.js';
import { freePort } from '../helpers/ports.js';
import { isRunning, killMarked } from '../helpers/processes.js';
import { copyExample, fixtureCommand } from '../helpers/project.js';
import { Terminal, WAIT } from '../helpers/terminal.js';
import { waitFor } from '../helpers/wait-for.js';

const terminals: Terminal[] = [];
const dirs: string[] = [];
const pids: number[] = [];

function open(dir: string, command: string, env?: Record<string, string>): Terminal {
  const terminal = new Terminal(dir, command, env);
  terminals.push(terminal);
  return terminal;
}

/** A project directory with a name of its own, so the safety net below only ends its processes. */
function projectDir(files: Record<string, string> = {}, example?: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'ovrseer-tui-'));
  dirs.push(dir);
  if (example !== undefined) copyExample(example, dir);
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  const config = join(dir, 'ovrseer.yml');
  writeFileSync(config, readFileSync(config, 'utf8').replace(/^name: .*$/m, `name: ${basename(dir)}`));
  return dir;
}

afterEach(async () => {
  for (const terminal of terminals.splice(0)) terminal.close();
  for (const dir of dirs.splice(0)) {
    await runCli(['down'], { cwd: dir });
    killMarked(basename(dir));
    rmSync(dir, { recursive: true, force: true });
  }
  for (const pid of pids.splice(0)) if (isRunning(pid)) process.kill(pid, 'SIGKILL');
});

const api = (dir: string): ApiClient => new ApiClient(join(dir, '.ovrseer', 'ovrseer.sock'));
const rowsOf = (dir: string): Promise<ProcessRow[]> => api(dir).get<ProcessRow[]>('/v1/processes');
const node = `"${process.execPath}" "${BIN}"`;

describe('the terminal UI in a real terminal (tmux)', () => {
  it('ovrseer up shows the demo; r restarts, / searches, q stops everything and gives the terminal back', async () => {
    const dir = projectDir({}, 'demo');
    const term = open(dir, `${node} up`, { DEMO_PORT: String(await freePort()) });
    await term.waitFor(/api\s+ready[\s\S]*worker\s+running/, 'the demo up in the table');
    expect(term.flag('#{alternate_on} #{mouse_any_flag}#{mouse_standard_flag}')).toMatch(/^1 (1|01|10|11)$/);
    const before = await rowsOf(dir);
    const apiPid = before.find((row) => row.name === 'api')?.pid;
    for (const row of before) if (row.pid !== null) pids.push(row.pid);

    term.keys('j');
    await term.waitFor(/^› migrate/m, 'migrate selected');
    term.keys('j');
    await term.waitFor(/^› api/m, 'api selected');
    term.keys('r');
    await waitFor(
      async () => {
        const now = (await rowsOf(dir)).find((row) => row.name === 'api');
        return now?.status === 'ready' && now.pid !== apiPid;
      },
      'api restarted with a new pid',
      WAIT,
    );
    await term.waitFor(/listening[\s\S]*listening/, 'the second "listening" line in the logs');

    term.keys('/');
    await term.waitFor(/^ \/\S* *enter search/m, 'the search prompt');
    term.keys('listening', 'Enter');
    await term.waitFor(/2 matches for \/listening\//, 'the match count');
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the highlight is a colour sequence.
    await term.waitFor(/\u001b\[(30|43)m(\u001b\[(30|43)m)?listening/, 'a highlighted match', true);
    expect(term.screen()).toMatch(/logs: all processes · \/listening\/ · scrolled/);

    for (const row of await rowsOf(dir)) if (row.pid !== null) pids.push(row.pid);
    term.keys('q');
    await term.waitFor(/Stop every process and quit\? \[y\/N\]/, 'the quit question');
    term.keys('y');
    await term.waitFor(/\[exit 0\]\n(icanon)\b/, 'up ended with the terminal in cooked mode');
    const screen = term.screen();
    expect(screen).toMatch(/ovrseer \* stopped everything in \d+ms/);
    expect(term.flag('#{alternate_on} #{cursor_flag} #{mouse_any_flag}')).toBe('0 1 0');
    for (const pid of pids) expect(isRunning(pid), `pid ${pid}`).toBe(false);
  }, 90_000);

  it('ovrseer tui attaches to a detached supervisor: actions go through the API, q leaves it running', async () => {
    const dir = projectDir({
      'ovrseer.yml': `name: x\nprocesses:\n  ticker: { command: ${fixtureCommand('log-ticker.mjs', 'tick', 100000, 200)} }\n  sleeper: { command: ${fixtureCommand('sleeper.mjs')}, group: back }\n`,
    });
    const up = await runCli(['up', '-d'], { cwd: dir });
    expect(up.code).toBe(0);
    const sleeperPid = (await rowsOf(dir)).find((row) => row.name === 'sleeper')?.pid;
    const term = open(dir, `${node} tui`);
    await term.waitFor(/ticker\s+running[\s\S]*sleeper\s+running/, 'both processes in the table');
    await term.waitFor(/attached/, 'the attached marker');
    await term.waitFor(/ticker +\| tick \d+/, 'the ticker output, followed over the API');
    term.keys('j');
    await term.waitFor(/^› sleeper/m, 'sleeper selected');
    term.keys('R');
    await waitFor(
      async () => {
        const now = (await rowsOf(dir)).find((row) => row.name === 'sleeper');
        return now?.status === 'running' && now.pid !== sleeperPid;
      },
      'sleeper restarted (its group) with a new pid',
      WAIT,
    );
    term.keys('q');
    await term.waitFor(/Leave the viewer\? The supervisor keeps running/, 'the leave question');
    term.keys('y');
    await term.waitFor(/\[exit 0\]\n(icanon)\b/, 'tui ended with the terminal in cooked mode');
    expect(term.flag('#{alternate_on} #{mouse_any_flag}')).toBe('0 0');
    expect((await rowsOf(dir)).map((row) => row.status)).toEqual(['running', 'running']);
  }, 90_000);

  it('gives the terminal back when ovrseer tui gets SIGTERM', async () => {
    const dir = projectDir({
      'ovrseer.yml': `name: x\nprocesses:\n  sleeper: { command: ${fixtureCommand('sleeper.mjs')} }\n`,
    });
    expect((await runCli(['up', '-d'], { cwd: dir })).code).toBe(0);
    const term = open(dir, `${node} tui`);
    await term.waitFor(/sleeper\s+running/, 'the table');
    expect(term.flag('#{alternate_on}')).toBe('1');
    process.kill(term.programPid(), 'SIGTERM');
    await term.waitFor(/\[exit 0\]\n(icanon)\b/, 'tui ended by SIGTERM with the terminal in cooked mode');
    expect(term.flag('#{alternate_on} #{cursor_flag} #{mouse_any_flag}')).toBe('0 1 0');
  }, 60_000);

  it('ovrseer up with the TUI shuts down on SIGTERM and gives the terminal back', async () => {
    const dir = projectDir({
      'ovrseer.yml': `name: x\nprocesses:\n  sleeper: { command: ${fixtureCommand('sleeper.mjs')} }\n`,
    });
    const term = open(dir, `${node} up`);
    await term.waitFor(/sleeper\s+running/, 'the table');
    const sleeper = (await rowsOf(dir))[0]?.pid;
    if (sleeper !== null && sleeper !== undefined) pids.push(sleeper);
    process.kill(term.programPid(), 'SIGTERM');
    await term.waitFor(
      /SIGTERM received[\s\S]*stopped everything[\s\S]*\[exit 0\]\n(icanon)\b/,
      'a clean shutdown',
    );
    expect(term.flag('#{alternate_on} #{cursor_flag} #{mouse_any_flag}')).toBe('0 1 0');
    expect(sleeper === undefined || sleeper === null || !isRunning(sleeper)).toBe(true);
  }, 60_000);

  it('shows the line that made a process ready above the line that says it is ready', async () => {
    const dir = projectDir({
      'ovrseer.yml': `name: x\nprocesses:\n  db:\n    command: ${fixtureCommand('ready-after.mjs', 200)}\n    ready: { log: "ready to accept", timeout: 10s }\n`,
    });
    const term = open(dir, `${node} up`);
    await term.waitFor(/db\s+\* ready: ready \(log/, 'the ready line');
    await term.waitFor(/ready to accept connections/, 'the line that made it ready');
    const screen = term.screen();
    expect(screen.indexOf('ready to accept connections')).toBeLessThan(screen.indexOf('* ready: ready (log'));
    term.keys('q');
    await term.waitFor(/Stop every process and quit\? \[y\/N\]/, 'the quit question');
    term.keys('y');
    await term.waitFor(/\[exit 0\]/, 'up ended by q');
  }, 60_000);

  it('up --no-tui on a terminal prints prefixed lines instead', async () => {
    const dir = projectDir({
      'ovrseer.yml': `name: x\nprocesses:\n  ticker: { command: ${fixtureCommand('log-ticker.mjs', 'tick', 100000, 200)} }\n`,
    });
    const term = open(dir, `${node} up --no-tui`);
    await term.waitFor(/^\d\d:\d\d:\d\d ticker +\| tick 2$/m, 'prefixed output');
    expect(term.flag('#{alternate_on}')).toBe('0');
    term.keys('C-c');
    await term.waitFor(/\[exit 0\]/, 'up ended by Ctrl-C');
  }, 60_000);
});
