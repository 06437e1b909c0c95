/**
 * Metrics: the cost of sampling 100 process trees (a shell and its `sleep` each, 200 processes) —
 * time per pass (cold, steady, with a new listening socket), and the supervisor's CPU over a window
 * with and without the sampler at 1 Hz in the same run. Also checks the figures are complete.
 * `BENCH_METRICS_SECONDS` shortens the windows (default 60 s each, as the issue asks).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadProject } from '../src/config/load.js';
import { ProcessManager } from '../src/core/process-manager.js';
import { MetricsSampler } from '../src/metrics/sampler.js';
import { type BenchRow, quantile, report, row } from './report.js';

const TREES = 100;
const WINDOW_S = Number(process.env.BENCH_METRICS_SECONDS ?? 60);
const PASSES = 200;
const MB = 1024 ** 2;

function cpuMs(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}

/** Supervisor CPU over `seconds` of idling, as percent of one core. */
async function idleCpu(seconds: number): Promise<number> {
  const cpu = cpuMs();
  const wall = performance.now();
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  return ((cpuMs() - cpu) / (performance.now() - wall)) * 100;
}

/** Wall and CPU time of one pass, in ms. */
async function timedPass(sampler: MetricsSampler): Promise<{ wall: number; cpu: number }> {
  const started = performance.now();
  const cpu = cpuMs();
  await sampler.sample();
  return { wall: performance.now() - started, cpu: cpuMs() - cpu };
}

/**
 * Mean CPU time of an idle pass over `count` sleepers (one process each), after warm-up passes:
 * what the project's size costs a supervisor that has nothing to report — the host's other
 * processes are not read at all. The detached supervisor runs interpreted (see compiler-tier.ts),
 * a few times slower than this.
 */
async function idlePassCpu(count: number): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'ovrseer-bench-idle-'));
  const lines = [
    `name: bench-idle-${count}`,
    `settings: { limits: { max_processes: ${count} } }`,
    'processes:',
  ];
  for (let i = 0; i < count; i += 1) lines.push(`  s${i}: { command: "sleep 1000" }`);
  writeFileSync(join(dir, 'ovrseer.yml'), `${lines.join('\n')}\n`);
  const manager = new ProcessManager(loadProject({ file: join(dir, 'ovrseer.yml') }));
  try {
    await manager.start();
    const sampler = new MetricsSampler(manager, { interval: 1000, measureCpu: true });
    for (let i = 0; i < 20; i += 1) await sampler.sample();
    const before = sampler.stats();
    const passes = 100;
    for (let i = 0; i < passes; i += 1) await sampler.sample();
    const after = sampler.stats();
    return (after.totalCpuMs - before.totalCpuMs) / passes;
  } finally {
    await manager.shutdown({ force: true });
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function benchMetrics(): Promise<BenchRow[]> {
  const idle100 = await idlePassCpu(100);
  const idle500 = await idlePassCpu(500);
  const dir = mkdtempSync(join(tmpdir(), 'ovrseer-bench-metrics-'));
  const lines = ['name: bench-metrics', 'processes:'];
  // `; true` keeps each shell alive above its sleep: a tree of two, as `sh -c 'node server.js'` is.
  for (let i = 0; i < TREES; i += 1) lines.push(`  p${i}: { command: "sleep 1000; true" }`);
  writeFileSync(join(dir, 'ovrseer.yml'), `${lines.join('\n')}\n`);
  const manager = new ProcessManager(loadProject({ file: join(dir, 'ovrseer.yml') }));
  try {
    await manager.start();
    // Let the shells fork their sleeps before anything is measured.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const sampler = new MetricsSampler(manager, { interval: 1000, measureCpu: true });
    const cold = await timedPass(sampler);
    const walls: number[] = [];
    const cpus: number[] = [];
    for (let i = 0; i < PASSES; i += 1) {
      const pass = await timedPass(sampler);
      walls.push(pass.wall);
      cpus.push(pass.cpu);
    }
    const complete = manager
      .instances()
      .filter(
        (instance) =>
          (sampler.latest(instance.id)?.processes ?? 0) === 2 &&
          (sampler.latest(instance.id)?.memory ?? 0) > 0,
      ).length;

    // A new listening socket in one tree: the socket tables and fd links are read on that pass.
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const withListener = await timedPass(sampler);
    server.close();

    const without = await idleCpu(WINDOW_S);
    sampler.start();
    const before = sampler.stats();
    const withSampling = await idleCpu(WINDOW_S);
    const after = sampler.stats();
    await sampler.stop();
    const passesInWindow = after.passes - before.passes;
    const passTime = (after.totalPassMs - before.totalPassMs) / Math.max(1, passesInWindow);
    const passCpu = (after.totalCpuMs - before.totalCpuMs) / Math.max(1, passesInWindow);
    const cost = withSampling - without;

    const rssBefore = process.memoryUsage.rss();
    const textStart = performance.now();
    const text = await sampler.metricsText();
    const textMs = performance.now() - textStart;
    const promRss = process.memoryUsage.rss() - rssBefore;

    const rows = [
      row(
        `figures complete (2 processes, memory) for ${TREES} trees`,
        complete,
        `of ${TREES}`,
        `${TREES}`,
        complete === TREES,
      ),
      row('first pass (reads every environment once), wall', cold.wall, 'ms'),
      row(
        `pass CPU time, median of ${PASSES} back to back (${2 * TREES} processes)`,
        quantile(cpus, 0.5),
        'ms',
        '< 5 ms',
        quantile(cpus, 0.5) < 5,
      ),
      row(`pass CPU time, p95 of ${PASSES}`, quantile(cpus, 0.95), 'ms', '< 5 ms', quantile(cpus, 0.95) < 5),
      row(
        `pass wall time, median of ${PASSES}`,
        quantile(walls, 0.5),
        'ms',
        '< 5 ms',
        quantile(walls, 0.5) < 5,
      ),
      row(`pass wall time, p95 of ${PASSES} (includes waiting for a busy CPU)`, quantile(walls, 0.95), 'ms'),
      row('pass with a new listening socket (socket tables + fd links), wall', withListener.wall, 'ms'),
      row(`supervisor CPU over ${WINDOW_S} s, no sampling`, without, '% of a core'),
      row(`supervisor CPU over ${WINDOW_S} s, sampling at 1 Hz`, withSampling, '% of a core'),
      row('cost of sampling at 1 Hz (difference)', cost, '% of a core', '< 0.5 %', cost < 0.5),
      row(`pass CPU time at 1 Hz, mean of ${passesInWindow}`, passCpu, 'ms', '< 5 ms', passCpu < 5),
      row(`pass wall time at 1 Hz, mean of ${passesInWindow}`, passTime, 'ms'),
      row(
        'idle pass CPU time, 100 sleepers, mean of 100 (≤ 0.07 % of a core at 1 Hz)',
        idle100,
        'ms',
        '< 0.7 ms',
        idle100 < 0.7,
      ),
      row(
        'idle pass CPU time, 500 sleepers, mean of 100 (≤ 0.2 % of a core at 1 Hz)',
        idle500,
        'ms',
        '< 2 ms',
        idle500 < 2,
      ),
      row(`metricsText() first call (loads prom-client), ${TREES} processes`, textMs, 'ms'),
      row('supervisor RSS growth on the first metricsText()', promRss / MB, 'MB'),
      row('metricsText() size', text.length / 1024, 'KB'),
    ];
    report('metrics', rows, { trees: TREES, windowSeconds: WINDOW_S, walls, cpus });
    return rows;
  } finally {
    await manager.shutdown({ force: true });
    rmSync(dir, { recursive: true, force: true });
  }
}
