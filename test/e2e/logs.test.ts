import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createReadStream, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { IndexDecoder } from '../../src/logs/log-index.js';
import { BIN, killStrayClis, runCli, startCli } from '../helpers/cli.js';
import { killMarked, markedPids } from '../helpers/processes.js';
import { fixtureCommand, type TempProject, tempProject } from '../helpers/project.js';
import { waitFor } from '../helpers/wait-for.js';

const projects: TempProject[] = [];
const spawned: ChildProcess[] = [];

function project(yaml: string): TempProject {
  const created = tempProject(yaml);
  projects.push(created);
  return created;
}

afterEach(async () => {
  killStrayClis();
  for (const child of spawned.splice(0)) {
    if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
      }
    }
  }
  for (const created of projects.splice(0)) {
    // A test that failed may have left its detached supervisor running.
    if (existsSync(join(created.dir, '.ovrseer', 'ovrseer.sock')))
      await runCli(['down'], { cwd: created.dir });
    killMarked(created.name);
    created.remove();
  }
});

interface JsonLine {
  time: string;
  process: string;
  stream: string;
  level: string;
  text: string;
}

function jsonLines(stdout: string): JsonLine[] {
  return stdout
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as JsonLine);
}

/** A line as the log files hold it, for history written before this run. */
function fileLine(time: number, process: string, level: string, text: string): string {
  return `${new Date(time).toISOString()} ${process} out ${level} | ${text}\n`;
}

describe('ovrseer logs', () => {
  it('merges the files of two processes in time order; --json has the documented shape', async () => {
    const p = project(`
name: "{{name}}"
processes:
  alpha: { command: ${fixtureCommand('log-ticker.mjs', 'alpha', 8, 60, 0)} }
  beta: { command: ${fixtureCommand('log-ticker.mjs', 'beta', 8, 60, 30)} }
`);
    const up = await runCli(['up'], { cwd: p.dir });
    expect(up.code).toBe(0);

    const result = await runCli(['logs', '--json', '-n', 'all'], { cwd: p.dir });
    expect(result.code).toBe(0);
    const lines = jsonLines(result.stdout);
    for (const line of lines)
      expect(Object.keys(line).sort()).toEqual(['level', 'process', 'stream', 'text', 'time']);
    const times = lines.map((line) => Date.parse(line.time));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    const out = lines.filter((line) => line.stream === 'out');
    expect(out.filter((line) => line.process === 'alpha').map((line) => line.text)).toEqual(
      Array.from({ length: 8 }, (_, i) => `alpha ${i}`),
    );
    expect(out.filter((line) => line.process === 'beta').map((line) => line.text)).toEqual(
      Array.from({ length: 8 }, (_, i) => `beta ${i}`),
    );
    const switches = out.filter((line, i) => i > 0 && line.process !== out[i - 1]?.process).length;
    expect(switches).toBeGreaterThanOrEqual(7);
    expect(lines).toContainEqual(
      expect.objectContaining({
        process: 'beta',
        stream: 'err',
        level: 'error',
        text: 'ERROR beta finished',
      }),
    );
    expect(lines).toContainEqual(
      expect.objectContaining({
        process: 'alpha',
        stream: 'system',
        text: expect.stringMatching(/^completed: /),
      }),
    );

    const human = await runCli(['logs', 'alpha', '-n', '2'], { cwd: p.dir });
    expect(human.code).toBe(0);
    expect(human.stdout.split('\n').filter((line) => line !== '')).toHaveLength(2);
    expect(human.stdout).toMatch(/^\d\d:\d\d:\d\d alpha +\| ERROR alpha finished$/m);
  });

  it('--grep, --since and --level work on the files, including lines from before this run', async () => {
    const p = project(`
name: "{{name}}"
processes:
  api: { command: ${fixtureCommand('log-ticker.mjs', 'api', 3, 20)} }
`);
    const hoursAgo = (hours: number): number => Date.now() - hours * 3_600_000;
    mkdirSync(join(p.dir, '.ovrseer', 'logs'), { recursive: true });
    writeFileSync(
      join(p.dir, '.ovrseer', 'logs', 'api.log'),
      fileLine(hoursAgo(2), 'api', 'info', 'old request 1') +
        fileLine(hoursAgo(2) + 1, 'api', 'error', 'OLD ERROR x'),
    );
    expect((await runCli(['up'], { cwd: p.dir })).code).toBe(0);
    const texts = async (...args: string[]): Promise<string[]> => {
      const result = await runCli(['logs', '--json', ...args], { cwd: p.dir });
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      return jsonLines(result.stdout)
        .filter((line) => line.stream !== 'system')
        .map((line) => line.text);
    };
    expect(await texts('-n', 'all')).toEqual([
      'old request 1',
      'OLD ERROR x',
      'api 0',
      'api 1',
      'api 2',
      'ERROR api finished',
    ]);
    expect(await texts('--since', '5m')).toEqual(['api 0', 'api 1', 'api 2', 'ERROR api finished']);
    expect(await texts('--since', new Date(hoursAgo(3)).toISOString())).toHaveLength(6);
    expect(await texts('--until', '1h')).toEqual(['old request 1', 'OLD ERROR x']);
    expect(await texts('--grep', 'api [12]$')).toEqual(['api 1', 'api 2']);
    expect(await texts('--grep', 'old', '-i')).toEqual(['old request 1', 'OLD ERROR x']);
    expect(await texts('--grep', 'api [', '-F')).toEqual([]);
    expect(await texts('--level', 'error')).toEqual(['OLD ERROR x', 'ERROR api finished']);
    expect(await texts('--grep', 'api', '--since', '5m', '-n', '2')).toEqual(['api 2', 'ERROR api finished']);
  });

  it.each([
    [['--since', 'yesterday-ish'], /--since: expected a duration/],
    [['--grep', '(unclosed'], /invalid regular expression/],
    [['--level', 'loud'], /--level: expected one of debug, info, warn, error/],
    [['-n', 'many'], /-n\/--lines: expected a number of lines \(0 or more\) or "all", got "many"/],
    [['apj'], /unknown process "apj" \(did you mean "api"\?\)/],
  ])('exits 2 for %j with a clear message', async (args, message) => {
    const p = project(`
name: "{{name}}"
processes:
  api: { command: ${fixtureCommand('log-ticker.mjs', 'api', 1, 10)} }
`);
    const result = await runCli(['logs', ...args], { cwd: p.dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('says where it looked when there are no log files yet, and exits 0', async () => {
    const p = project(`
name: "{{name}}"
processes:
  api: { command: ${fixtureCommand('log-ticker.mjs', 'api', 1, 10)} }
`);
    const result = await runCli(['logs'], { cwd: p.dir });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/no log files yet in .*\.ovrseer\/logs/);
  });

  it('-f follows the file while the project runs, and ends with 0 on Ctrl-C', async () => {
    const p = project(`
name: "{{name}}"
processes:
  ticker: { command: ${fixtureCommand('log-ticker.mjs', 'ticker', 10_000, 30)} }
`);
    const up = startCli(['up'], { cwd: p.dir });
    await up.waitForOutput(/ticker +\| ticker 3$/m);
    const follow = startCli(['logs', '-f', 'ticker', '-n', '1', '--grep', '^ticker'], { cwd: p.dir });
    await follow.waitForOutput(/ticker +\| ticker \d+\n.*ticker +\| ticker \d+\n.*ticker +\| ticker \d+\n/);
    const numbers = follow.lines().map((line) => Number(/ticker (\d+)$/.exec(line)?.[1]));
    expect(numbers.length).toBeGreaterThanOrEqual(3);
    // Consecutive: nothing skipped, nothing twice, although the history and the follow are two reads.
    expect(numbers).toEqual(Array.from({ length: numbers.length }, (_, i) => (numbers[0] ?? 0) + i));
    follow.signal('SIGINT');
    expect(await follow.exited).toBe(0);
    up.signal('SIGINT');
    expect(await up.exited).toBe(0);
    expect(markedPids(p.name)).toEqual([]);
  });

  it('under a flood with a disk that falls behind, memory stays bounded and a "lines dropped" entry accounts for every missing line', async () => {
    const total = 40_000;
    const p = project(`
name: "{{name}}"
processes:
  flood:
    command: ${fixtureCommand('log-flood.mjs', total, 8000, 'flood-done')}
    restart: { policy: "no" }
    log: { max_size: 0 }
`);
    // The "disk" is a FIFO that nobody reads yet: the writer cannot even open it, so lines queue
    // up to the bound and are then dropped — exactly what a stalled disk looks like.
    const logs = join(p.dir, '.ovrseer', 'logs');
    mkdirSync(logs, { recursive: true });
    const fifo = join(logs, 'flood.log');
    execFileSync('mkfifo', [fifo]);
    const up = spawn(process.execPath, [BIN, 'up'], {
      cwd: p.dir,
      env: { ...process.env, NO_COLOR: '1' },
      stdio: ['ignore', 'ignore', 'pipe'],
      detached: true,
    });
    spawned.push(up);
    let stderr = '';
    up.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const exited = new Promise<number | null>((resolve) => up.once('close', resolve));
    let peakRss = 0;
    await waitFor(
      () => {
        const status = readFileSync(`/proc/${up.pid}/status`, 'utf8');
        peakRss = Math.max(peakRss, Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024);
        return existsSync(join(p.dir, 'flood-done'));
      },
      `the flood to be read by the supervisor; stderr: ${stderr}`,
      { timeout: 25_000 },
    );

    let received = '';
    const reader = createReadStream(fifo, { encoding: 'utf8' });
    reader.on('data', (chunk) => {
      received += chunk;
    });
    await new Promise<void>((resolve, reject) => {
      reader.once('end', () => resolve());
      reader.once('error', reject);
    });
    expect(await exited).toBe(0);

    // 320 MB went through. The supervisor under a flood is ~130-150 MB (engine and printer), and the
    // file queue is bounded at 48 MB: without the bound this would be far above.
    expect(peakRss).toBeLessThan(250 * 1024 * 1024);
    const lines = received.split('\n');
    const written = lines.filter((line) => /^line \d+x+$/.test(line)).length;
    // ovrseer's notice is in the index beside the text, where `logs` finds it.
    const notices = new IndexDecoder()
      .push(readFileSync(join(logs, 'flood.idx')))
      .flatMap((record) => (record.kind === 'system' ? [record.text] : []))
      .filter((text) => /^ovrseer: \d+ lines dropped from flood\.log/.test(text));
    expect(notices).toHaveLength(1);
    const dropped = Number(/(\d+) lines dropped/.exec(notices[0] ?? '')?.[1]);
    expect(dropped).toBeGreaterThan(0);
    const numbers = lines.flatMap((line) => {
      const match = /^line (\d+)x+$/.exec(line);
      return match === null ? [] : [Number(match[1])];
    });
    // What reached the file is the first lines, each once; the rest is counted in the notice — with
    // the few state entries ("completed: …") that fell into the same gap.
    expect(numbers).toEqual(Array.from({ length: numbers.length }, (_, i) => i + 1));
    expect(written).toBe(numbers.length);
    expect(written + dropped).toBeGreaterThanOrEqual(total);
    expect(written + dropped).toBeLessThanOrEqual(total + 5);
  });
});

async function jsonLogs(p: TempProject, ...args: string[]): Promise<JsonLine[]> {
  const result = await runCli(['logs', '--json', '-n', 'all', ...args], { cwd: p.dir });
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return jsonLines(result.stdout);
}

// Each replica prints three lines, one of them to stderr and one with a CRLF, then waits.
const SCRIPT = String.raw`printf "hello from $PS\r\nERROR oops from $PS\n"; echo "warned by $PS" >&2; exec sleep 600`;

describe('per-process log files', () => {
  it('hold the output as printed; logs still knows times, replicas, streams and levels', async () => {
    const p = project(`
name: "{{name}}"
processes:
  web: { command: ${JSON.stringify(['sh', '-c', SCRIPT])}, replicas: 2 }
`);
    expect((await runCli(['up', '-d'], { cwd: p.dir })).code).toBe(0);
    const file = join(p.dir, '.ovrseer', 'logs', 'web.log');
    const text = (): string => (existsSync(file) ? readFileSync(file, 'latin1') : '');
    await waitFor(() => (text().match(/\n/g) ?? []).length >= 6, 'six lines in web.log');
    // What `tail -f logs/web.log` shows: the programs' lines, nothing added, nothing of ovrseer's.
    const lines = text().split('\n').slice(0, -1).sort();
    expect(lines).toEqual([
      'ERROR oops from web.1',
      'ERROR oops from web.2',
      'hello from web.1\r',
      'hello from web.2\r',
      'warned by web.1',
      'warned by web.2',
    ]);
    const entries = await jsonLogs(p, 'web');
    const output = entries.filter((entry) => entry.stream !== 'system');
    expect(output.map((e) => `${e.process} ${e.stream} ${e.level} ${e.text}`).sort()).toEqual([
      'web.1 err info warned by web.1',
      'web.1 out error ERROR oops from web.1',
      'web.1 out info hello from web.1',
      'web.2 err info warned by web.2',
      'web.2 out error ERROR oops from web.2',
      'web.2 out info hello from web.2',
    ]);
    // ovrseer's own lines come from the index, in their place among the output.
    expect(
      entries.some((e) => e.stream === 'system' && e.process === 'web.1' && /^running: /.test(e.text)),
    ).toBe(true);
    const started = Date.parse(entries[0]?.time ?? '');
    expect(Math.abs(started - Date.now())).toBeLessThan(60_000);

    // A second supervisor appends to the same pair: both runs read back, --since splits them.
    expect((await runCli(['down'], { cwd: p.dir })).code).toBe(0);
    const between = new Date().toISOString();
    expect((await runCli(['up', '-d'], { cwd: p.dir })).code).toBe(0);
    await waitFor(() => (text().match(/\n/g) ?? []).length >= 12, 'the second run in web.log');
    const all = (await jsonLogs(p, 'web')).filter((e) => e.stream !== 'system');
    expect(all).toHaveLength(12);
    const recent = (await jsonLogs(p, 'web', '--since', between)).filter((e) => e.stream !== 'system');
    expect(recent).toHaveLength(6);
    expect((await jsonLogs(p, 'web', '--level', 'error')).map((e) => e.text).sort()).toEqual([
      'ERROR oops from web.1',
      'ERROR oops from web.1',
      'ERROR oops from web.2',
      'ERROR oops from web.2',
    ]);
    expect((await runCli(['down'], { cwd: p.dir })).code).toBe(0);
  });
});
