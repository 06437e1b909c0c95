/**
 * Start 100 processes and stop them: time until all run, time until all are stopped, supervisor RSS,
 * and the per-process start overhead against raw `spawn` of the same commands in the same run.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadProject } from '../src/config/load.js';
import { ProcessManager } from '../src/core/process-manager.js';
import { rssOf } from './proc.js';
import { type BenchRow, median, report } from './report.js';

const COUNT = 100;
const ROUNDS = 5;

const BIN = fileURLToPath(new URL('../dist/cli/bin.js', import.meta.url));

function projectYaml(count: number): string {
  const lines = ['name: bench-start-stop', 'processes:'];
  for (let i = 0; i < count; i += 1) lines.push(`  p${i}: { command: "sleep 1000" }`);
  return `${lines.join('\n')}\n`;
}

async function rawSpawn(count: number): Promise<number> {
  const started = performance.now();
  const children: ChildProcess[] = [];
  await Promise.all(
    Array.from({ length: count }, () => {
      // As ovrseer runs `command: "sleep 1000"`: exec'd directly (see spawnArgv).
      const child = spawn('sleep', ['1000'], {
        detached: true,
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      children.push(child);
      return new Promise((resolve) => child.once('spawn', resolve));
    }),
  );
  const elapsed = performance.now() - started;
  for (const child of children) if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
  return elapsed;
}

async function library(dir: string): Promise<{ running: number; stopped: number }> {
  const manager = new ProcessManager(loadProject({ file: join(dir, 'ovrseer.yml') }));
  const started = performance.now();
  await manager.start();
  const running = performance.now() - started;
  const stopStart = performance.now();
  const result = await manager.shutdown();
  const stopped = performance.now() - stopStart;
  if (!result.ok) throw new Error(`shutdown problems: ${result.problems.join('; ')}`);
  return { running, stopped };
}

/** The CLI as users run it: RSS of the supervisor process with 100 children, idle. */
async function cliRss(dir: string): Promise<{ rss: number; exitMs: number }> {
  const child = spawn(process.execPath, [BIN, 'up'], {
    cwd: dir,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NO_COLOR: '1' },
  });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  const deadline = Date.now() + 30_000;
  while ((out.match(/\* started \(pid/g) ?? []).length < COUNT) {
    if (Date.now() > deadline) throw new Error(`not all started:\n${out.slice(-2000)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await new Promise((resolve) => setTimeout(resolve, 2000));
  const rss = rssOf(child.pid as number);
  const stopStart = performance.now();
  child.kill('SIGINT');
  await exited;
  return { rss, exitMs: performance.now() - stopStart };
}

export async function benchStartStop(): Promise<BenchRow[]> {
  const dir = mkdtempSync(join(tmpdir(), 'ovrseer-bench-'));
  try {
    writeFileSync(join(dir, 'ovrseer.yml'), projectYaml(COUNT));
    // Alternate the two in several rounds and take medians: spawn time on a busy 2-core machine is noisy.
    const raws: number[] = [];
    const runs: number[] = [];
    const stops: number[] = [];
    for (let round = 0; round < ROUNDS; round += 1) {
      raws.push(await rawSpawn(COUNT));
      const result = await library(dir);
      runs.push(result.running);
      stops.push(result.stopped);
    }
    const raw = median(raws);
    const lib = { running: median(runs), stopped: median(stops) };
    const cli = await cliRss(dir);
    const overhead = (lib.running - raw) / COUNT;
    const rows: BenchRow[] = [
      {
        metric: `raw spawn of ${COUNT} (baseline, median of ${ROUNDS})`,
        value: raw,
        unit: 'ms',
        target: '',
        pass: null,
      },
      {
        metric: `all ${COUNT} running after start()`,
        value: lib.running,
        unit: 'ms',
        target: '<= 300 ms',
        pass: lib.running <= 300,
      },
      {
        metric: 'start overhead per process vs raw spawn',
        value: overhead,
        unit: 'ms',
        target: '< 100 ms (seed)',
        pass: overhead < 100,
      },
      {
        metric: `all ${COUNT} stopped after shutdown()`,
        value: lib.stopped,
        unit: 'ms',
        target: '< 400 ms',
        pass: lib.stopped < 400,
      },
      {
        metric: `supervisor RSS, \`ovrseer up\` idle with ${COUNT}`,
        value: cli.rss / 1024 / 1024,
        unit: 'MB',
        target: '<= 48 MB',
        pass: cli.rss <= 48 * 1024 * 1024,
      },
      {
        metric: '`ovrseer up`: Ctrl-C to exit (stop all + cleanup)',
        value: cli.exitMs,
        unit: 'ms',
        target: '',
        pass: null,
      },
    ];
    report('start-stop', rows, { processes: COUNT, rounds: ROUNDS, raws, runs, stops });
    return rows;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
