import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { killStrayClis, startCli } from '../helpers/cli.js';
import { isRunning, killMarked } from '../helpers/processes.js';
import { waitFor } from '../helpers/wait-for.js';

const REPORTER = fileURLToPath(new URL('../fixtures/pm2/report.cjs', import.meta.url));
const dirs: string[] = [];

/** A project folder holding an ecosystem file whose apps run the reporter (`SCRIPT` in the text). */
function project(ecosystem: string, file = 'ecosystem.config.js'): string {
  const dir = mkdtempSync(join(tmpdir(), 'ovrseer-pm2-e2e-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'report.js'), readFileSync(REPORTER));
  writeFileSync(join(dir, file), ecosystem);
  return dir;
}

interface Run {
  t: number;
  pid?: number;
  instance: string | null;
  slot: string | null;
  mode: string | null;
  cwd: string;
  argv: string[];
  signal?: string;
}

function runs(dir: string, name: string): Run[] {
  const file = join(dir, `${name}.jsonl`);
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Run);
}

afterEach(() => {
  killStrayClis();
  for (const dir of dirs.splice(0)) {
    killMarked(basename(dir));
    rmSync(dir, { recursive: true, force: true });
  }
});

const app = (name: string, env: Record<string, string | number>, extra = '') =>
  `{ name: '${name}', script: 'report.js', env: ${JSON.stringify({ REPORT: `${name}.jsonl`, ...env })}${extra} }`;

describe('ovrseer up -f ecosystem.config.js behaves as pm2-runtime', () => {
  it('NODE_APP_INSTANCE per instance from 0, increment_var +1 per instance, env_<name> by --env', async () => {
    const dir = project(
      `module.exports = { apps: [${app('web', { SLOT: 8000, MODE: 'dev' }, ", instances: 2, exec_mode: 'fork', increment_var: 'SLOT', env_production: { MODE: 'prod' }")}, ${app('one', {})}] };`,
    );
    const run = startCli(['up', '-f', 'ecosystem.config.js', '--no-tui', '--env', 'production'], {
      cwd: dir,
    });
    await waitFor(() => runs(dir, 'web').length === 2 && runs(dir, 'one').length === 1, 'the runs', {
      timeout: 15_000,
    });
    run.signal('SIGTERM');
    await run.exited;
    const seen = runs(dir, 'web')
      .map((r) => `${r.instance} ${r.slot} ${r.mode}`)
      .sort();
    expect(seen).toEqual(['0 8000 prod', '1 8001 prod']);
    expect(runs(dir, 'one').map((r) => r.instance)).toEqual(['0']);
  });

  it('max_restarts + min_uptime: the max_restarts-th short run leaves the app errored; up then ends', async () => {
    const dir = project(
      `module.exports = { apps: [${app('crash', { EXIT: 3 }, ', max_restarts: 3, min_uptime: 1000')}] };`,
    );
    const run = startCli(['up', '-f', 'ecosystem.config.js', '--no-tui'], { cwd: dir });
    // pm2-runtime's exit(2) once no app is online (Runtime4Docker.js autoExitWorker).
    expect(await run.exited).toBe(2);
    expect(runs(dir, 'crash')).toHaveLength(3);
    expect(run.stdout()).toMatch(/ended sooner than 1s 3 times/);
  });

  it('a run of min_uptime or longer is not counted, and does not give the count back', async () => {
    // Short, long (2.5 s), short, short: the third short run within 6 s of the start ends it (pm2 counts
    // unstable restarts since created_at; a long run does not reset them).
    const dir = project(
      `module.exports = { apps: [${app('mixed', { EXIT: 1, AFTER: 'seq:0,2500,0' }, ', max_restarts: 3, min_uptime: 2000')}] };`,
    );
    const run = startCli(['up', '-f', 'ecosystem.config.js', '--no-tui'], { cwd: dir });
    expect(await run.exited).toBe(2);
    expect(runs(dir, 'mixed')).toHaveLength(4);
  });

  it('autorestart: false runs once; stop_exit_codes are not restarted, other exits are', async () => {
    const dir = project(
      `module.exports = { apps: [${app('once', { EXIT: 1 }, ', autorestart: false')}, ${app('codes', { EXIT: 'seq:1,0' }, ', stop_exit_codes: [0]')}] };`,
    );
    const run = startCli(['up', '-f', 'ecosystem.config.js', '--no-tui'], { cwd: dir });
    // All ended well or not: pm2-runtime's code 2.
    expect(await run.exited).toBe(2);
    expect(runs(dir, 'once')).toHaveLength(1);
    expect(runs(dir, 'codes')).toHaveLength(2);
  });

  it('restart_delay waits; exp_backoff_restart_delay grows ×1.5 (200, 300, 450 ms)', async () => {
    const dir = project(
      `module.exports = { apps: [${app('fixed', { EXIT: 1 }, ', restart_delay: 400, max_restarts: 100')}, ${app('backoff', { EXIT: 1 }, ', exp_backoff_restart_delay: 200, max_restarts: 100')}] };`,
    );
    const run = startCli(['up', '-f', 'ecosystem.config.js', '--no-tui'], { cwd: dir });
    await waitFor(() => runs(dir, 'backoff').length >= 4 && runs(dir, 'fixed').length >= 3, 'the runs', {
      timeout: 15_000,
    });
    run.signal('SIGTERM');
    await run.exited;
    const gaps = (name: string) =>
      runs(dir, name)
        .map((r) => r.t)
        .slice(0, 4)
        .flatMap((t, i, all) => (i === 0 ? [] : [t - (all[i - 1] ?? t)]));
    const backoff = gaps('backoff');
    for (const [i, delay] of [200, 300, 450].entries()) expect(backoff[i]).toBeGreaterThanOrEqual(delay);
    for (const gap of gaps('fixed')) expect(gap).toBeGreaterThanOrEqual(400);
  });

  it('stop: SIGINT first, SIGKILL after kill_timeout', async () => {
    const dir = project(
      `module.exports = { apps: [${app('stubborn', { TRAP: 1 }, ', kill_timeout: 500')}] };`,
    );
    const run = startCli(['up', '-f', 'ecosystem.config.js', '--no-tui'], { cwd: dir });
    await waitFor(() => runs(dir, 'stubborn').length === 1, 'the runs', { timeout: 15_000 });
    const pid = runs(dir, 'stubborn')[0]?.pid ?? 0;
    run.signal('SIGTERM');
    await run.exited;
    const stopped = runs(dir, 'stubborn');
    expect(stopped[1]?.signal).toBe('SIGINT');
    expect(isRunning(pid)).toBe(false);
  });

  it('script + args, interpreter by extension, a command line in script, cwd; a .json file read as JavaScript', async () => {
    const dir = project(
      `{
        // pm2 evaluates process files as JavaScript
        apps: [
          { name: 'node', script: 'report.js', args: '--a "b c"', cwd: 'sub', env: { REPORT: '../node.jsonl' } },
          { name: 'shell', script: 'node report.js from-bash', args: 'ignored', env: { REPORT: 'shell.jsonl' } },
          { name: 'sh', script: 'job.sh', args: ['x y'], env: { REPORT: 'sh.jsonl' } },
        ],
      }`,
      'ecosystem.config.json',
    );
    mkdirSync(join(dir, 'sub'));
    writeFileSync(join(dir, 'sub', 'report.js'), readFileSync(REPORTER));
    // A .sh script runs with bash (pm2's interpreter.json), arguments after it.
    writeFileSync(join(dir, 'job.sh'), 'exec node report.js "$BASH_VERSION" "$@"\n');
    const run = startCli(['up', '-f', 'ecosystem.config.json', '--no-tui'], { cwd: dir });
    await waitFor(() => ['node', 'shell', 'sh'].every((name) => runs(dir, name).length === 1), 'the runs', {
      timeout: 15_000,
    });
    run.signal('SIGTERM');
    await run.exited;
    expect(runs(dir, 'node')[0]).toMatchObject({ cwd: join(dir, 'sub'), argv: ['--a', 'b c'] });
    expect(runs(dir, 'shell')[0]?.argv).toEqual(['from-bash']);
    const sh = runs(dir, 'sh')[0]?.argv ?? [];
    expect(sh[0]).toMatch(/^\d+\./);
    expect(sh.slice(1)).toEqual(['x y']);
  });
});
