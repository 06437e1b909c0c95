/**
 * TUI: frame time with 100 processes and one flooding its output (the DESIGN target is < 16 ms), the
 * frame rate under that flood (at most 30 a second), the flood's ingest rate with the TUI attached,
 * and the TUI's CPU cost while nothing happens. The TUI runs in-process over a real Supervisor, as
 * `ovrseer up` runs it, drawing into a discarding 200×60 "terminal". `BENCH_TUI_SECONDS` sets each
 * window (default 10 s).
 */
import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { render } from 'ink';
import { createElement } from 'react';
import { loadProject } from '../src/config/load.js';
import { attachMetrics } from '../src/metrics/attach.js';
import { Supervisor } from '../src/supervisor/supervisor.js';
import { App } from '../src/tui/app.js';
import { TuiController } from '../src/tui/controller.js';
import { LocalSource } from '../src/tui/local-source.js';
import { compileSearch } from '../src/tui/search.js';
import { type BenchRow, report } from './report.js';

const PROCESSES = 100;
const SECONDS = Number(process.env.BENCH_TUI_SECONDS ?? 10);
const FLOOD = fileURLToPath(new URL('../test/fixtures/log-flood.mjs', import.meta.url));
const COLUMNS = 200;
const ROWS = 60;

function row(
  metric: string,
  value: number,
  unit: string,
  target = '',
  pass: boolean | null = null,
): BenchRow {
  return { metric, value, unit, target, pass };
}

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))] ?? Number.NaN;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function cpuMs(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}

/** A terminal that takes every byte and shows nothing. */
function fakeTerminal(): { stdout: NodeJS.WriteStream; stdin: NodeJS.ReadStream; bytes: () => number } {
  let bytes = 0;
  const stdout = new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      bytes += chunk.length;
      callback();
    },
  });
  Object.assign(stdout, { columns: COLUMNS, rows: ROWS, isTTY: true });
  const stdin = Object.assign(new EventEmitter(), {
    isTTY: true,
    setRawMode: () => stdin,
    setEncoding: () => stdin,
    read: () => null,
    ref: () => stdin,
    unref: () => stdin,
    resume: () => stdin,
    pause: () => stdin,
  });
  return {
    stdout: stdout as unknown as NodeJS.WriteStream,
    stdin: stdin as unknown as NodeJS.ReadStream,
    bytes: () => bytes,
  };
}

export async function benchTui(): Promise<BenchRow[]> {
  const dir = mkdtempSync(join(tmpdir(), 'ovrseer-bench-tui-'));
  const lines = ['name: bench-tui', 'processes:'];
  for (let i = 0; i < PROCESSES; i += 1) lines.push(`  p${i}: { command: "sleep 1000", group: g${i % 5} }`);
  lines.push(
    `  flood: { command: ${JSON.stringify([process.execPath, FLOOD, '200000000', '80'])}, restart: "no" }`,
  );
  writeFileSync(join(dir, 'ovrseer.yml'), `${lines.join('\n')}\n`);
  const supervisor = await Supervisor.open(loadProject({ file: join(dir, 'ovrseer.yml') }));
  const sampler = attachMetrics(supervisor);
  const source = new LocalSource(supervisor, { metrics: sampler });
  const frames: number[] = [];
  let recording = false;
  const controller = new TuiController(source, () => undefined);
  const terminal = fakeTerminal();
  try {
    await supervisor.start(Array.from({ length: PROCESSES }, (_, i) => `p${i}`));
    await sleep(1500);
    // Idle: the supervisor alone, then with the TUI drawing (its 1 s clock tick and nothing else).
    let cpu = cpuMs();
    let wall = performance.now();
    await sleep(SECONDS * 1000);
    const idleWithout = ((cpuMs() - cpu) / (performance.now() - wall)) * 100;
    const onFrame = (ms: number): void => {
      if (recording) frames.push(ms);
    };
    const ink = render(createElement(App, { controller, color: true, onFrame }), {
      stdout: terminal.stdout,
      stdin: terminal.stdin,
      exitOnCtrlC: false,
      patchConsole: false,
      maxFps: 60,
    });
    await sleep(1000);
    recording = true;
    cpu = cpuMs();
    wall = performance.now();
    await sleep(SECONDS * 1000);
    const idleWith = ((cpuMs() - cpu) / (performance.now() - wall)) * 100;
    const idleFrames = frames.length / SECONDS;

    // The flood, following the end of all processes merged.
    frames.length = 0;
    await supervisor.start(['flood']);
    await sleep(1000);
    const seq0 = source.logs.lastSeq;
    const bytes0 = terminal.bytes();
    wall = performance.now();
    await sleep(SECONDS * 1000);
    const floodWall = (performance.now() - wall) / 1000;
    const followFrames = [...frames];
    const ingest = (source.logs.lastSeq - seq0) / floodWall;
    const written = (terminal.bytes() - bytes0) / floodWall;

    // Scrolled back to a search match while the flood goes on: the anchored window.
    frames.length = 0;
    controller.logs.setSearch(compileSearch('line 5'));
    controller.logs.nextMatch();
    wall = performance.now();
    await sleep(SECONDS * 1000);
    const searchWall = (performance.now() - wall) / 1000;
    const searchFrames = [...frames];
    recording = false;
    ink.unmount();

    const p95 = quantile(followFrames, 0.95);
    const fps = followFrames.length / floodWall;
    return rows([
      row(
        `frame time, following a flood, ${PROCESSES + 1} processes, median`,
        quantile(followFrames, 0.5),
        'ms',
        '< 16 ms',
        quantile(followFrames, 0.5) < 16,
      ),
      row('frame time, following a flood, p95', p95, 'ms', '< 16 ms', p95 < 16),
      row('frame time, following a flood, max', Math.max(...followFrames), 'ms'),
      row('frames per second during the flood', fps, '/s', '<= 30', fps <= 30.5),
      row(
        'frame time, scrolled to a search match during the flood, median',
        quantile(searchFrames, 0.5),
        'ms',
        '< 16 ms',
        quantile(searchFrames, 0.5) < 16,
      ),
      row(
        'frame time, scrolled to a search match, p95',
        quantile(searchFrames, 0.95),
        'ms',
        '< 16 ms',
        quantile(searchFrames, 0.95) < 16,
      ),
      row(
        'frames per second, scrolled',
        searchFrames.length / searchWall,
        '/s',
        '<= 30',
        searchFrames.length / searchWall <= 30.5,
      ),
      row('flood lines taken in with the TUI attached', ingest, 'lines/s'),
      row('bytes drawn to the terminal per second during the flood', written / 1024, 'KB/s'),
      row(`supervisor CPU, idle, ${PROCESSES} processes, no TUI`, idleWithout, '% of a core'),
      row(`supervisor CPU, idle, ${PROCESSES} processes, TUI drawing`, idleWith, '% of a core'),
      row(
        'TUI cost while idle (difference)',
        idleWith - idleWithout,
        '% of a core',
        '< 0.5 %',
        idleWith - idleWithout < 0.5,
      ),
      row('frames per second while idle (clock tick)', idleFrames, '/s', '<= 1', idleFrames <= 1.2),
    ]);
  } finally {
    await source.close();
    await supervisor.shutdown({ force: true });
    rmSync(dir, { recursive: true, force: true });
  }
}

function rows(list: BenchRow[]): BenchRow[] {
  report('tui', list, { processes: PROCESSES + 1, terminal: `${COLUMNS}x${ROWS}`, seconds: SECONDS });
  return list;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await benchTui();
