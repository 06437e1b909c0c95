/**
 * TUI: frame time with 100 processes and one flooding its output (the target is < 16 ms), the
 * frame rate under that flood (at most 30 a second), the flood's ingest rate with the TUI attached,
 * and the TUI's CPU cost while nothing happens. The TUI runs in-process over a real Supervisor, as
 * `ovrseer up` runs it, drawing into discarding 200×60 and 120×40 "terminals". A frame's time is
 * building it plus drawing it (React, layout, ink's output), not the wait for the event loop.
 * `BENCH_TUI_SECONDS` sets each window (default 10 s); the run takes at least 70 s, since the
 * settled idle window needs every process past its first minute.
 */
import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { loadProject } from '../src/config/load.js';
import { attachMetrics } from '../src/metrics/attach.js';
import { Supervisor } from '../src/supervisor/supervisor.js';
import { importTui } from '../src/tui/load.js';
import { type BenchRow, quantile, report, row, sleep } from './report.js';

const PROCESSES = 100;
const SECONDS = Number(process.env.BENCH_TUI_SECONDS ?? 10);
const FLOOD = fileURLToPath(new URL('../test/fixtures/log-flood.mjs', import.meta.url));
const COLUMNS = 200;
const ROWS = 60;
const SMALL_COLUMNS = 120;
const SMALL_ROWS = 40;

function cpuMs(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}

/** A terminal of the given size that takes every byte and shows nothing. */
function fakeTerminal(
  columns: number,
  rows: number,
): {
  stdout: NodeJS.WriteStream;
  stdin: NodeJS.ReadStream;
  bytes: () => number;
} {
  let bytes = 0;
  const stdout = new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      bytes += chunk.length;
      callback();
    },
  });
  Object.assign(stdout, { columns, rows, isTTY: true });
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

interface Window {
  /** Frame times drawn in the window. */
  frames: number[];
  seconds: number;
  /** CPU of this process (supervisor + TUI), % of one core. */
  cpu: number;
}

export async function benchTui(): Promise<BenchRow[]> {
  // As `ovrseer up` loads them: React's production build (see importTui).
  const [{ render }, { createElement }, { App }, { TuiController }, { LocalSource }, { compileSearch }] =
    await importTui(() =>
      Promise.all([
        import('ink'),
        import('react'),
        import('../src/tui/app.js'),
        import('../src/tui/controller.js'),
        import('../src/tui/local-source.js'),
        import('../src/tui/search.js'),
      ]),
    );
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
  const controller = new TuiController(source, () => undefined);
  let frames: number[] = [];
  const onFrame = (ms: number): void => {
    frames.push(ms);
  };
  const mount = (columns: number, rows: number) => {
    const terminal = fakeTerminal(columns, rows);
    const ink = render(createElement(App, { controller, color: true, onFrame }), {
      stdout: terminal.stdout,
      stdin: terminal.stdin,
      exitOnCtrlC: false,
      patchConsole: false,
      maxFps: 60,
    });
    return { terminal, unmount: () => ink.unmount() };
  };
  const measure = async (seconds: number): Promise<Window> => {
    frames = [];
    const cpu = cpuMs();
    const wall = performance.now();
    await sleep(seconds * 1000);
    const elapsed = performance.now() - wall;
    const taken = frames;
    // Frames drawn after the window belong to no window.
    frames = [];
    return { frames: taken, seconds: elapsed / 1000, cpu: ((cpuMs() - cpu) / elapsed) * 100 };
  };
  try {
    const started = Date.now();
    await supervisor.start(Array.from({ length: PROCESSES }, (_, i) => `p${i}`));
    await sleep(1500);
    const idleWithout = await measure(SECONDS);
    let screen = mount(COLUMNS, ROWS);
    await sleep(1000);
    // Uptimes show seconds in a process's first minute: a frame a second.
    const idleYoung = await measure(SECONDS);

    await supervisor.start(['flood']);
    await sleep(1000);
    const seq0 = source.logs.lastSeq;
    const bytes0 = screen.terminal.bytes();
    const follow = await measure(SECONDS);
    const ingest = (source.logs.lastSeq - seq0) / follow.seconds;
    const written = (screen.terminal.bytes() - bytes0) / follow.seconds / 1024;

    controller.logs.setSearch(compileSearch('line 5'));
    controller.logs.nextMatch();
    const scrolled = await measure(SECONDS);
    controller.logs.setSearch(null);
    controller.logs.bottom();

    screen.unmount();
    screen = mount(SMALL_COLUMNS, SMALL_ROWS);
    await sleep(1000);
    const small = await measure(SECONDS);

    await supervisor.act('stop', ['flood']);
    // Settled: every process older than a minute, nothing printing.
    await sleep(Math.max(2000, started + 62_000 - Date.now()));
    const idleSettled = await measure(SECONDS);
    screen.unmount();

    const fps = (window: Window): number => window.frames.length / window.seconds;
    const timing = (label: string, window: Window): BenchRow[] => [
      row(
        `frame time, ${label}, median`,
        quantile(window.frames, 0.5),
        'ms',
        '< 16 ms',
        quantile(window.frames, 0.5) < 16,
      ),
      row(
        `frame time, ${label}, p95`,
        quantile(window.frames, 0.95),
        'ms',
        '< 16 ms',
        quantile(window.frames, 0.95) < 16,
      ),
      row(`frames per second, ${label}`, fps(window), '/s', '<= 30', fps(window) <= 30.5),
    ];
    return rows([
      ...timing(`following the flood, ${COLUMNS}x${ROWS}`, follow),
      row(`frame time, following the flood, ${COLUMNS}x${ROWS}, max`, Math.max(...follow.frames), 'ms'),
      ...timing(`following the flood, ${SMALL_COLUMNS}x${SMALL_ROWS}`, small),
      ...timing(`scrolled to a search match during the flood, ${COLUMNS}x${ROWS}`, scrolled),
      row('flood lines taken in with the TUI attached', ingest, 'lines/s'),
      row('drawn to the terminal during the flood', written, 'KB/s'),
      row(`supervisor CPU, idle, ${PROCESSES} processes, no TUI`, idleWithout.cpu, '% of a core'),
      row('supervisor CPU, idle, TUI, processes in their first minute', idleYoung.cpu, '% of a core'),
      row(
        'frames per second, idle, processes in their first minute',
        fps(idleYoung),
        '/s',
        '<= 1',
        fps(idleYoung) <= 1.2,
      ),
      row('supervisor CPU, idle, TUI, settled processes', idleSettled.cpu, '% of a core'),
      row(
        'TUI cost, idle, settled (difference to no TUI)',
        idleSettled.cpu - idleWithout.cpu,
        '% of a core',
        '< 0.5 %',
        idleSettled.cpu - idleWithout.cpu < 0.5,
      ),
      row('frames per second, idle, settled', fps(idleSettled), '/s'),
    ]);
  } finally {
    await source.close();
    await supervisor.shutdown({ force: true });
    rmSync(dir, { recursive: true, force: true });
  }
}

function rows(list: BenchRow[]): BenchRow[] {
  report('tui', list, {
    processes: PROCESSES + 1,
    terminals: [`${COLUMNS}x${ROWS}`, `${SMALL_COLUMNS}x${SMALL_ROWS}`],
    seconds: SECONDS,
  });
  return list;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await benchTui();
