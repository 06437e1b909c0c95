/**
 * `npm run bench -- soak`: a detached supervisor with 50 processes — 10 crash-looping, 5 printing
 * ~1,000 lines/s, the rest idle — for 10 minutes (1 in CI, or SOAK_MINUTES). Every 10 s: the
 * supervisor's RSS and CPU, the restarts so far and the state directory's size. Passes when RSS at
 * the end is within 10 % of RSS at minute 1 and the state directory stays within what rotation allows.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ProcessRow } from '../src/supervisor/process-rows.js';
import { CLOCK_TICKS, cpuTicks, directorySize, rssOf } from './proc.js';
import { type BenchRow, report, row, sleep } from './report.js';

const BIN = fileURLToPath(new URL('../dist/cli/bin.js', import.meta.url));
const TICKER = fileURLToPath(new URL('../test/fixtures/log-ticker.mjs', import.meta.url));
const MINUTES = Number(process.env.SOAK_MINUTES ?? (process.env.CI ? 1 : 10));
const SAMPLE_MS = 10_000;
const MB = 1024 ** 2;
/** Rotation settings of the printers: each keeps at most (1 + keep) × max_size on disk. */
const PRINTER_LOG = { maxSize: 2 * MB, keep: 2 };
/** The supervisor's own log: 10 MB, 5 kept (SupervisorLog's defaults); generous, for the bound. */
const SUPERVISOR_LOG_BOUND = 6 * 10 * MB;

function projectYaml(): string {
  const node = JSON.stringify(process.execPath);
  const lines = ['name: bench-soak', 'settings: { shutdown_timeout: 5s }', 'processes:'];
  for (let i = 0; i < 35; i += 1) lines.push(`  idle${i}: { command: "sleep 100000" }`);
  for (let i = 0; i < 10; i += 1) {
    // Runs 0.5–2 s, then crashes: a loop the breaker is told not to stop, so it lasts the whole soak.
    const run = 0.5 + (i % 4) * 0.5;
    lines.push(
      `  crasher${i}: { command: "sleep ${run}; exit 3", restart: { policy: always, delay: 200ms, max_delay: 2s, crash_loop: false } }`,
    );
  }
  for (let i = 0; i < 5; i += 1) {
    lines.push(
      `  printer${i}: { command: [${node}, ${JSON.stringify(TICKER)}, "printer${i}", "100000000", "1"], log: { max_size: ${PRINTER_LOG.maxSize}, keep: ${PRINTER_LOG.keep} } }`,
    );
  }
  return `${lines.join('\n')}\n`;
}

function cli(args: string[], cwd: string): { stdout: string; code: number | null } {
  const result = spawnSync(process.execPath, [BIN, ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  });
  return { stdout: result.stdout, code: result.status };
}

interface Sample {
  minute: number;
  rss: number;
  cpu: number;
  restarts: number;
  stateDir: number;
}

export async function benchSoak(): Promise<BenchRow[]> {
  const dir = mkdtempSync(join(tmpdir(), 'ovrseer-bench-soak-'));
  writeFileSync(join(dir, 'ovrseer.yml'), projectYaml());
  try {
    const up = cli(['up', '-d'], dir);
    if (up.code !== 0) throw new Error(`up -d failed (${up.code}):\n${up.stdout}`);
    const pid = (
      JSON.parse(readFileSync(join(dir, '.ovrseer', 'state.json'), 'utf8')) as { supervisor: { pid: number } }
    ).supervisor.pid;
    const stateDir = join(dir, '.ovrseer');
    const started = Date.now();
    const samples: Sample[] = [];
    let ticks = cpuTicks(pid);
    let lastTime = Date.now();
    while (Date.now() - started < MINUTES * 60_000) {
      await sleep(SAMPLE_MS);
      const now = Date.now();
      const nowTicks = cpuTicks(pid);
      const ps = cli(['ps', '--json'], dir);
      if (ps.code !== 0) throw new Error(`ps failed during the soak:\n${ps.stdout}`);
      const rows = JSON.parse(ps.stdout) as ProcessRow[];
      samples.push({
        minute: (now - started) / 60_000,
        rss: rssOf(pid),
        cpu: ((nowTicks - ticks) / CLOCK_TICKS / ((now - lastTime) / 1000)) * 100,
        restarts: rows.reduce((sum, entry) => sum + entry.restarts, 0),
        stateDir: directorySize(stateDir),
      });
      ticks = nowTicks;
      lastTime = now;
    }
    const down = cli(['down'], dir);
    if (down.code !== 0) throw new Error(`down failed:\n${down.stdout}`);
    return summarize(samples);
  } finally {
    cli(['down'], dir);
    rmSync(dir, { recursive: true, force: true });
  }
}

function summarize(samples: Sample[]): BenchRow[] {
  const rows: BenchRow[] = samples.map((sample) =>
    row(
      `t=${sample.minute.toFixed(1)} min: RSS · CPU · restarts · state dir`,
      sample.rss / MB,
      `MB · ${sample.cpu.toFixed(2)} % · ${sample.restarts} · ${(sample.stateDir / MB).toFixed(1)} MB`,
    ),
  );
  const atMinute1 = samples.find((sample) => sample.minute >= 1) ?? samples[0];
  const last = samples[samples.length - 1];
  if (atMinute1 === undefined || last === undefined) throw new Error('the soak took no sample');
  const growth = last.rss / atMinute1.rss;
  const bound = 5 * (1 + PRINTER_LOG.keep) * PRINTER_LOG.maxSize + SUPERVISOR_LOG_BOUND;
  const largest = Math.max(...samples.map((sample) => sample.stateDir));
  const meanCpu = samples.reduce((sum, sample) => sum + sample.cpu, 0) / samples.length;
  rows.push(
    row('RSS at the end / RSS at minute 1', growth, '×', '<= 1.10', growth <= 1.1),
    row(
      'largest state directory',
      largest / MB,
      'MB',
      `<= ${(bound / MB).toFixed(0)} MB (rotation)`,
      largest <= bound,
    ),
    row('mean supervisor CPU', meanCpu, '% of a core', '', null),
    row('restarts during the soak', last.restarts, '', '', null),
  );
  report('soak', rows, { minutes: MINUTES, processes: 50 });
  return rows;
}
