/**
 * The web dashboard: page load to the first rows with 100 processes (target < 500 ms), the bytes the
 * page ships gzipped (target < 300 KB), and the detached supervisor's CPU with one dashboard open and
 * idle against none (target < 0.5 % of a core more), in interleaved windows of the same length.
 * Chromium (Debian's /usr/bin/chromium) through playwright-core, as test/e2e/dashboard.test.ts drives it.
 * As bench/peers.ts does (docs/benchmarks-peers.md), the CPU windows begin only
 * `BENCH_DASHBOARD_SETTLE_SECONDS` (default 15) after the last spawn: before that the supervisor's
 * start-up tail (JIT, the first metrics passes, GC) would be counted as "no dashboard".
 * `BENCH_DASHBOARD_SECONDS` sets each CPU window (default 20 s).
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { CHROMIUM, launchChromium } from '../test/helpers/browser.js';
import { CLOCK_TICKS, cpuTicks } from './proc.js';
import { type BenchRow, median, report, row, sleep } from './report.js';

const PROCESSES = 100;
const LOADS = 7;
const SECONDS = Number(process.env.BENCH_DASHBOARD_SECONDS ?? 20);
const SETTLE_SECONDS = Number(process.env.BENCH_DASHBOARD_SETTLE_SECONDS ?? 15);
/** After a page opens or closes, before a window: its own start (or its stream's end) is not idle. */
const PAGE_SETTLE_MS = 2000;
const BIN = fileURLToPath(new URL('../dist/cli/bin.js', import.meta.url));
const WEB = fileURLToPath(new URL('../dist/web/', import.meta.url));

function cli(args: string[], cwd: string): string {
  const result = spawnSync(process.execPath, [BIN, ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  });
  if (result.status !== 0) throw new Error(`ovrseer ${args.join(' ')}: ${result.stderr}`);
  return result.stdout;
}

function gzippedBytes(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    total += gzipSync(readFileSync(join(entry.parentPath, entry.name))).length;
  }
  return total;
}

async function startDashboard(cwd: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [BIN, 'dashboard', '--no-open'], {
    cwd,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  for (let waited = 0; !/dashboard: http/.test(out); waited += 20) {
    if (waited > 10_000) throw new Error(`ovrseer dashboard printed no URL: ${out}`);
    await sleep(20);
  }
  return { child, url: /dashboard: (http:\/\/\S+)/.exec(out)?.[1] ?? '' };
}

export async function benchDashboard(): Promise<BenchRow[]> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install chromium`);
  const dir = mkdtempSync(join(tmpdir(), 'ovrseer-bench-dashboard-'));
  const lines = ['processes:'];
  for (let i = 0; i < PROCESSES; i += 1) lines.push(`  p${i}: { command: "sleep 100000" }`);
  writeFileSync(join(dir, 'ovrseer.yml'), `${lines.join('\n')}\n`);
  const browser = await launchChromium();
  let dashboard: ChildProcess | null = null;
  try {
    cli(['up', '-d'], dir);
    // `up -d` returns once every process is spawned.
    const spawned = performance.now();
    const pid = (
      JSON.parse(readFileSync(join(dir, '.ovrseer', 'state.json'), 'utf8')) as { supervisor: { pid: number } }
    ).supervisor.pid;
    const started = await startDashboard(dir);
    dashboard = started.child;
    // Cookie once; then each load is a fresh page of the same context (the browser's cache warm, as
    // for someone who opens the dashboard again; the first, cold load is its own row).
    const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
    const loads: number[] = [];
    for (let i = 0; i < LOADS; i += 1) {
      const page = await context.newPage();
      const start = performance.now();
      await page.goto(i === 0 ? started.url : started.url.replace(/\?token=.*$/, ''));
      await page.locator(`tbody tr:nth-child(${PROCESSES})`).waitFor({ timeout: 30_000 });
      loads.push(performance.now() - start);
      await page.close();
    }
    const cold = loads[0] ?? Number.NaN;
    const warm = median(loads.slice(1));

    // CPU of the supervisor: windows without a page and with one open, of the same length,
    // interleaved none/open/open/none (a drift of the machine's load then weighs on both alike).
    await sleep(Math.max(0, spawned + SETTLE_SECONDS * 1000 - performance.now()));
    const window = async (): Promise<number> => {
      const ticks = cpuTicks(pid);
      await sleep(SECONDS * 1000);
      return ((cpuTicks(pid) - ticks) / CLOCK_TICKS / SECONDS) * 100;
    };
    const without: number[] = [];
    const withPage: number[] = [];
    await sleep(PAGE_SETTLE_MS);
    without.push(await window());
    const page = await context.newPage();
    await page.goto(started.url.replace(/\?token=.*$/, ''));
    await page.locator(`tbody tr:nth-child(${PROCESSES})`).waitFor();
    await sleep(PAGE_SETTLE_MS);
    withPage.push(await window());
    withPage.push(await window());
    await page.close();
    await sleep(PAGE_SETTLE_MS);
    without.push(await window());
    const extra = median(withPage) - median(without);
    const bytes = gzippedBytes(WEB);
    const rows = [
      row('page load to 100 rows, first (cold)', Math.round(cold), 'ms'),
      row('page load to 100 rows (median of the next 6)', Math.round(warm), 'ms', '< 500 ms', warm < 500),
      row('page shipped, gzipped', Math.round(bytes / 1024), 'KB', '< 300 KB', bytes < 300 * 1024),
      row('supervisor CPU, no dashboard', Number(median(without).toFixed(2)), '% of a core'),
      row('supervisor CPU, one dashboard open, idle', Number(median(withPage).toFixed(2)), '% of a core'),
      row('  the dashboard’s share', Number(extra.toFixed(2)), '% of a core', '< 0.5 %', extra < 0.5),
    ];
    report('dashboard', rows, {
      processes: PROCESSES,
      windowSeconds: SECONDS,
      settleSeconds: SETTLE_SECONDS,
      without,
      withPage,
    });
    return rows;
  } finally {
    dashboard?.kill('SIGTERM');
    await browser.close();
    spawnSync(process.execPath, [BIN, 'down'], { cwd: dir });
    rmSync(dir, { recursive: true, force: true });
  }
}
