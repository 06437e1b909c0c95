/*
 * The same ecosystem file under the real pm2-runtime and under `ovrseer up -f`: the environment each
 * instance gets, the restarts that max_restarts + min_uptime allow, and how the run ends.
 * OVRSEER_PM2_BIN is the folder holding pm2-runtime (.ci/run installs pm2 under .ci/cache/pm2).
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { killStrayClis, startCli } from '../helpers/cli.js';
import { isRunning, killMarked } from '../helpers/processes.js';

const BIN = process.env.OVRSEER_PM2_BIN;
const REPORTER = fileURLToPath(new URL('../fixtures/pm2/report.cjs', import.meta.url));
const dirs: string[] = [];
const homes: string[] = [];
const runtimes: ChildProcess[] = [];

const ECOSYSTEM = `module.exports = { apps: [
  { name: 'web', script: 'report.js', instances: 2, exec_mode: 'fork', increment_var: 'SLOT', autorestart: false,
    env: { REPORT: 'web.jsonl', SLOT: 8000, MODE: 'dev', EXIT: 0, AFTER: 500 }, env_production: { MODE: 'prod' } },
  { name: 'crash', script: 'report.js', max_restarts: 3, min_uptime: 1000,
    env: { REPORT: 'crash.jsonl', EXIT: 3 } },
  { name: 'mixed', script: 'report.js', max_restarts: 3, min_uptime: 2000,
    env: { REPORT: 'mixed.jsonl', EXIT: 1, AFTER: 'seq:0,2500,0' } },
] };`;

interface Line {
  pid: number;
  instance: string | null;
  slot: string | null;
  mode: string | null;
}

function project(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ovrseer-pm2-peer-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'report.js'), readFileSync(REPORTER));
  writeFileSync(join(dir, 'ecosystem.config.js'), ECOSYSTEM);
  return dir;
}

function lines(dir: string, name: string): Line[] {
  const file = join(dir, `${name}.jsonl`);
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Line);
}

/** What a run of the file showed: env per instance, runs of the crashing app, exit code. */
function observed(dir: string, code: number | null) {
  return {
    web: lines(dir, 'web')
      .map((l) => `NODE_APP_INSTANCE=${l.instance} SLOT=${l.slot} MODE=${l.mode}`)
      .sort(),
    crashRuns: lines(dir, 'crash').length,
    mixedRuns: lines(dir, 'mixed').length,
    code,
  };
}

afterEach(() => {
  killStrayClis();
  for (const child of runtimes.splice(0))
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const home of homes.splice(0)) {
    // pm2-runtime runs its God daemon in-process; if one is still alive in this PM2_HOME, `pm2 kill` ends
    // it (run only then: pm2's CLI starts a daemon to talk to when there is none).
    const pidFile = join(home, 'pm2.pid');
    const daemon = existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8')) : 0;
    if (BIN !== undefined && daemon > 0 && isRunning(daemon))
      spawnSync(join(BIN, 'pm2'), ['kill'], {
        env: { ...process.env, PM2_HOME: home },
        stdio: 'ignore',
        timeout: 20_000,
      });
    rmSync(home, { recursive: true, force: true });
  }
  for (const dir of dirs.splice(0)) {
    for (const name of ['web', 'crash', 'mixed'])
      for (const { pid } of lines(dir, name)) if (isRunning(pid)) process.kill(pid, 'SIGKILL');
    killMarked(basename(dir));
    rmSync(dir, { recursive: true, force: true });
  }
});

async function underPm2(dir: string): Promise<number | null> {
  const home = mkdtempSync(join(tmpdir(), 'ovrseer-pm2-home-'));
  homes.push(home);
  const child = spawn(
    join(BIN ?? '', 'pm2-runtime'),
    ['start', 'ecosystem.config.js', '--env', 'production'],
    {
      cwd: dir,
      env: { ...process.env, PM2_HOME: home },
      stdio: 'ignore',
    },
  );
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => resolve(code));
  });
}

async function underOvrseer(dir: string): Promise<number | null> {
  const run = startCli(['up', '-f', 'ecosystem.config.js', '--no-tui', '--env', 'production'], { cwd: dir });
  return run.exited;
}

const title =
  BIN === undefined
    ? 'pm2-runtime peer (skipped: set OVRSEER_PM2_BIN to the folder holding pm2-runtime)'
    : 'pm2-runtime peer';

describe(title, () => {
  it.runIf(BIN === undefined && process.env.CI !== undefined)(
    'CI installs pm2 (.ci/run sets OVRSEER_PM2_BIN)',
    () => {
      expect(BIN, 'OVRSEER_PM2_BIN is not set: .ci/run installs pm2 under .ci/cache/pm2').toBeDefined();
    },
  );

  it.skipIf(BIN === undefined)(
    'the same ecosystem file: same env per instance, same restarts, both end when all apps ended',
    async () => {
      const pm2Dir = project();
      const pm2Code = await underPm2(pm2Dir);
      const ovrseerDir = project();
      const ovrseerCode = await underOvrseer(ovrseerDir);
      const pm2 = observed(pm2Dir, pm2Code);
      const ovrseer = observed(ovrseerDir, ovrseerCode);
      expect(pm2.web).toEqual([
        'NODE_APP_INSTANCE=0 SLOT=8000 MODE=prod',
        'NODE_APP_INSTANCE=1 SLOT=8001 MODE=prod',
      ]);
      expect(ovrseer.web).toEqual(pm2.web);
      expect(pm2.crashRuns).toBe(3);
      expect(ovrseer.crashRuns).toBe(pm2.crashRuns);
      // A long run between short ones neither counts nor gives the count back.
      expect(pm2.mixedRuns).toBe(4);
      expect(ovrseer.mixedRuns).toBe(pm2.mixedRuns);
      // pm2-runtime ends ~10 s after no app is online, errored ones included, with exit(2)
      // (Runtime4Docker.js autoExitWorker) — or 0 when its in-process daemon's kill exits first. ovrseer
      // ends as soon as nothing runs, with the same 2 (docs/compat/pm2.md).
      expect([0, 2]).toContain(pm2.code);
      expect(ovrseer.code).toBe(2);
    },
    90_000,
  );
});
