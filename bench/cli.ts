/**
 * The detached supervisor with 100 processes: `ovrseer ps --json` round trip (median of 20 runs of the
 * real CLI binary), supervisor RSS and its CPU use while idle for 60 s (from /proc, in the same run).
 * RSS is read 2 s after `up -d` returned and again at the end of the idle minute: the target is the
 * idle figure, once V8 has collected what start-up left (its memory reducer runs ~8 s after start).
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DAEMON_NODE_FLAGS } from '../src/cli/commands/up-detached.js';
import { CLOCK_TICKS, cpuTicks, rssOf } from './proc.js';
import { type BenchRow, median, report } from './report.js';

const COUNT = 100;
const RUNS = 20;
const IDLE_SECONDS = Number(process.env.BENCH_IDLE_SECONDS ?? 60);
const BIN = fileURLToPath(new URL('../dist/cli/bin.js', import.meta.url));
/** Long enough for V8's memory reducer to have run in the floor process too. */
const FLOOR_SECONDS = 20;

function cli(args: string[], cwd: string): { ms: number; stdout: string; code: number | null } {
  const started = performance.now();
  const result = spawnSync(process.execPath, [BIN, ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  });
  return { ms: performance.now() - started, stdout: result.stdout, code: result.status };
}

export async function benchCli(): Promise<BenchRow[]> {
  const dir = mkdtempSync(join(tmpdir(), 'ovrseer-bench-cli-'));
  const lines = ['name: bench-cli', 'processes:'];
  for (let i = 0; i < COUNT; i += 1) lines.push(`  p${i}: { command: "sleep 1000" }`);
  writeFileSync(join(dir, 'ovrseer.yml'), `${lines.join('\n')}\n`);
  try {
    const up = cli(['up', '-d'], dir);
    if (up.code !== 0) throw new Error(`up -d failed: ${up.stdout}`);
    const state = JSON.parse(readFileSync(join(dir, '.ovrseer', 'state.json'), 'utf8')) as {
      supervisor: { pid: number };
    };
    const pid = state.supervisor.pid;
    // Idle first, before any client has talked to it (the API modules load on the first request).
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const rssStart = rssOf(pid);
    const ticksBefore = cpuTicks(pid);
    await new Promise((resolve) => setTimeout(resolve, IDLE_SECONDS * 1000));
    const idleCpu = ((cpuTicks(pid) - ticksBefore) / CLOCK_TICKS / IDLE_SECONDS) * 100;
    const rssIdle = rssOf(pid);
    const times: number[] = [];
    for (let run = 0; run < RUNS; run += 1) {
      const ps = cli(['ps', '--json'], dir);
      if (ps.code !== 0 || (JSON.parse(ps.stdout) as unknown[]).length !== COUNT)
        throw new Error('ps failed');
      times.push(ps.ms);
    }
    const bare = median(Array.from({ length: 10 }, () => cli(['--version'], dir).ms));
    const nodeOnly = median(
      Array.from({ length: 10 }, () => {
        const started = performance.now();
        spawnSync(process.execPath, ['-e', '']);
        return performance.now() - started;
      }),
    );
    const rssAfter = rssOf(pid);
    // Alone, after the rest: its 100 new processes would make the supervisor list /proc and read
    // their environments (a pass's real cost when processes appear, but not an idle one).
    const rawFloor = await rawSpawnRss();
    cli(['down'], dir);
    const rows: BenchRow[] = [
      {
        metric: '`ovrseer ps --json` round trip (median of 20)',
        value: median(times),
        unit: 'ms',
        target: '< 80 ms',
        pass: median(times) < 80,
      },
      { metric: '`ovrseer --version` (CLI start-up alone)', value: bare, unit: 'ms', target: '', pass: null },
      { metric: '`node -e ""` (Node start-up alone)', value: nodeOnly, unit: 'ms', target: '', pass: null },
      {
        metric: `supervisor RSS 2 s after \`up -d\`, ${COUNT} processes`,
        value: rssStart / 1048576,
        unit: 'MB',
        target: '',
        pass: null,
      },
      {
        metric: `supervisor RSS after ${IDLE_SECONDS} s idle, before any client`,
        value: rssIdle / 1048576,
        unit: 'MB',
        target: '<= 48 MB',
        pass: rssIdle <= 48 * 1048576,
      },
      {
        metric: 'supervisor RSS after the API served requests',
        value: rssAfter / 1048576,
        unit: 'MB',
        target: '',
        pass: null,
      },
      {
        metric: `floor: bare Node, same flags, holding ${COUNT} children, after ${FLOOR_SECONDS} s`,
        value: rawFloor / 1048576,
        unit: 'MB',
        target: '',
        pass: null,
      },
      {
        metric: `supervisor CPU while idle (${IDLE_SECONDS} s)`,
        value: idleCpu,
        unit: '% of a core',
        target: '< 0.5 %',
        pass: idleCpu < 0.5,
      },
    ];
    report('cli', rows, { processes: COUNT, idleSeconds: IDLE_SECONDS, psTimes: times });
    return rows;
  } finally {
    cli(['down'], dir);
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * What Node itself costs with the same children (spawned as the supervisor spawns them: `sleep`
 * exec'd directly, three pipes each) and the supervisor's V8 flags: the floor any Node supervisor
 * sits on.
 */
function rawSpawnRss(): Promise<number> {
  const script = `
    const { spawn } = require('node:child_process');
    const children = [];
    for (let i = 0; i < ${COUNT}; i++) {
      const c = spawn('sleep', ['1000'], { detached: true, stdio: ['pipe', 'pipe', 'pipe'] });
      c.stdout.on('data', () => undefined); c.stderr.on('data', () => undefined); children.push(c);
    }
    setTimeout(() => {
      const rss = process.memoryUsage().rss;
      for (const c of children) process.kill(-c.pid, 'SIGKILL');
      process.stdout.write(String(rss));
      process.exit(0);
    }, ${FLOOR_SECONDS * 1000});`;
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...DAEMON_NODE_FLAGS, '-e', script], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.on('close', () => resolve(Number(out)));
  });
}
