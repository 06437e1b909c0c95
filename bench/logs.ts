/**
 * Logs: ingest rate into the buffer and the file (against `child | cat > file` in the same run), the
 * time until 1,000,000 lines are on disk, query times over a 1,000,000-line buffer, and the
 * supervisor's memory and disk use during a 1 GB flood through `ovrseer up`.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadProject } from '../src/config/load.js';
import { countNewlines } from '../src/core/newline-count.js';
import { ProcessManager } from '../src/core/process-manager.js';
import { IndexDecoder } from '../src/logs/log-index.js';
import { LogStore } from '../src/logs/log-store.js';
import { createProjectLogs } from '../src/logs/project-logs.js';
import { benchFlood } from './logs-flood.js';
import { type BenchRow, median, report, row } from './report.js';

const FLOOD = fileURLToPath(new URL('../test/fixtures/log-flood.mjs', import.meta.url));
const INGEST_LINES = 2_000_000;
const ROUNDS = 3;
const BUFFERED = 1_000_000;
const MB = 1024 ** 2;

/** `node log-flood.mjs N | cat > file`: what the same child costs with the simplest possible reader. */
async function baseline(dir: string, lines: number): Promise<number> {
  const started = performance.now();
  const child = spawn('/bin/sh', [
    '-c',
    `"${process.execPath}" "${FLOOD}" ${lines} | cat > "${join(dir, 'cat.out')}"`,
  ]);
  await new Promise((resolve) => child.once('close', resolve));
  return performance.now() - started;
}

interface IngestRun {
  ms: number;
  inFile: number;
  dropped: number;
}

/**
 * The library as `up` runs it: engine → LogStore → file sink; time until every line is on disk.
 * Without `logs`, the engine alone (a no-op `log` listener): what the store and files add is the rest.
 */
async function ingest(dir: string, lines: number, logs = true): Promise<IngestRun> {
  writeFileSync(
    join(dir, 'ovrseer.yml'),
    `name: bench-logs\nprocesses:\n  flood:\n    command: ${JSON.stringify([process.execPath, FLOOD, String(lines)])}\n    restart: { policy: "no" }\n    log: { max_size: 2GB }\n`,
  );
  rmSync(join(dir, '.ovrseer'), { recursive: true, force: true });
  const spec = loadProject({ file: join(dir, 'ovrseer.yml') });
  const manager = new ProcessManager(spec);
  const project = logs
    ? createProjectLogs(spec, {
        reportError: (error) => manager.reportError(error, { operation: 'bench', severity: 'error' }),
      })
    : null;
  if (project === null) manager.on('log', () => undefined);
  else project.attach(manager);
  const idle = new Promise<void>((resolve) => manager.on('idle', () => resolve()));
  const started = performance.now();
  await manager.start();
  await idle;
  await project?.flush();
  const ms = performance.now() - started;
  await manager.shutdown();
  await project?.close();
  if (project === null) return { ms, inFile: lines, dropped: 0 };
  const logDir = join(spec.settings.stateDir, 'logs');
  // The text file is the output as printed; ovrseer's notices are in the index beside it.
  const inFile = countNewlines(readFileSync(join(logDir, 'flood.log')));
  const dropped = new IndexDecoder().push(readFileSync(join(logDir, 'flood.idx'))).reduce((sum, record) => {
    const match = record.kind === 'system' ? /(\d+) lines? dropped/.exec(record.text) : null;
    return sum + (match === null ? 0 : Number(match[1]));
  }, 0);
  return { ms, inFile, dropped };
}

const SAMPLE = [
  'GET /api/users/{n} 200 {n}ms',
  'POST /api/orders 201 {n}ms',
  'INFO cache hit ratio 0.{n}',
  'WARN slow query took {n}ms',
  'worker picked job {n} from queue default',
  '{"level":30,"msg":"request done","id":{n}}',
  `\x1b[32mINFO\x1b[39m heartbeat {n}`,
];

/** Query times over a 1,000,000-line buffer (`npm run bench -- log-queries`: this part alone). */
export function queries(): BenchRow[] {
  const store = new LogStore({ maxLines: BUFFERED / 4, maxBytes: 64 * MB });
  // Texts come from a pool made first, so that the append rate is the store's alone — and the
  // benchmark's own heap stays small: a million pre-built lines would make every GC slow.
  const pool = Array.from({ length: 10_000 }, (_, i) =>
    i % 1000 === 0
      ? `ERROR upstream timeout after ${i % 997}ms`
      : (SAMPLE[i % SAMPLE.length] ?? '').replace('{n}', String(i * 7919)),
  );
  const processes = ['p0', 'p1', 'p2', 'p3'];
  const appendStart = performance.now();
  for (let i = 0; i < BUFFERED; i += 1) {
    const process = processes[i % 4] ?? 'p0';
    const text = pool[i % pool.length] ?? '';
    store.append({
      process,
      name: process,
      instance: null,
      stream: 'out',
      text,
      time: 1_700_000_000_000 + i,
    });
  }
  const appendMs = performance.now() - appendStart;
  const timed = (runs: number, run: () => unknown): number => {
    const times: number[] = [];
    for (let i = 0; i < runs; i += 1) {
      const started = performance.now();
      run();
      times.push(performance.now() - started);
    }
    return median(times);
  };
  const tail = timed(200, () => store.tail(1000));
  const tailOne = timed(200, () => store.tail(1000, { processes: ['p2'] }));
  let matches = 0;
  // A string, as `?grep=` and `logs --grep` pass it: RE2 behind a literal prefilter (user-pattern.ts).
  const regex = timed(5, () => {
    matches = store.search('timeout after \\d+ms').length;
  });
  const native = timed(5, () => store.search(/timeout after \d+ms/));
  const noLiteral = timed(5, () => store.search('(?i)(warn|error)\\b'));
  const regexI = timed(5, () => store.query({ grep: 'TIMEOUT AFTER', ignoreCase: true }));
  const level = timed(5, () => store.query({ level: 'warn' }));
  const followPage = timed(200, () => store.query({ after: BUFFERED - 5000, limit: 1000 }));
  return [
    row(`append ${BUFFERED / 1000}k lines to the store (no file)`, BUFFERED / (appendMs / 1000), 'lines/s'),
    row('last 1000 lines, 4 processes merged (median of 200)', tail, 'ms', '< 1 ms', tail < 1),
    row('last 1000 lines of one process (median of 200)', tailOne, 'ms', '< 1 ms', tailOne < 1),
    row(
      `regex over ${BUFFERED / 1000}k buffered lines (${matches} matches, median of 5)`,
      regex,
      'ms',
      '< 200 ms',
      regex < 200,
    ),
    row('  same, as a RegExp object (native engine, for code)', native, 'ms'),
    row('  RE2 with no literal to prefilter on: (?i)(warn|error)\\b', noLiteral, 'ms'),
    row('case-insensitive text search, same buffer', regexI, 'ms', '< 200 ms', regexI < 200),
    row('level >= warn over the same buffer', level, 'ms', '', null),
    row('follow page: 1000 entries after a cursor', followPage, 'ms', '', null),
  ];
}

export async function benchLogs(): Promise<BenchRow[]> {
  const dir = mkdtempSync(join(tmpdir(), 'ovrseer-bench-logs-'));
  try {
    const baselines: number[] = [];
    const engines: number[] = [];
    const runs: IngestRun[] = [];
    // Alternated rounds, medians: two processes on a 2-core machine make single runs noisy.
    for (let round = 0; round < ROUNDS; round += 1) {
      baselines.push(await baseline(dir, INGEST_LINES));
      engines.push((await ingest(dir, INGEST_LINES, false)).ms);
      runs.push(await ingest(dir, INGEST_LINES));
    }
    const base = median(baselines);
    const engine = median(engines);
    const ours = median(runs.map((run) => run.ms));
    const lost = Math.max(...runs.map((run) => INGEST_LINES - run.inFile));
    const dropped = Math.max(...runs.map((run) => run.dropped));
    const millions: number[] = [];
    const millionEngine: number[] = [];
    for (let round = 0; round < ROUNDS; round += 1) {
      millions.push((await ingest(dir, 1_000_000)).ms);
      millionEngine.push((await ingest(dir, 1_000_000, false)).ms);
    }
    const million = median(millions);
    const rows: BenchRow[] = [
      row(
        `\`child | cat > file\`, ${INGEST_LINES / 1e6}M lines (baseline, median of ${ROUNDS})`,
        INGEST_LINES / (base / 1000),
        'lines/s',
      ),
      row('engine alone, no-op `log` listener (src/core)', INGEST_LINES / (engine / 1000), 'lines/s'),
      row(
        `ingest into buffer + file, ${INGEST_LINES / 1e6}M lines (median of ${ROUNDS})`,
        INGEST_LINES / (ours / 1000),
        'lines/s',
        '>= 1,000,000',
        INGEST_LINES / (ours / 1000) >= 1_000_000,
      ),
      row('  same, time until the last line is on disk', ours, 'ms'),
      row(
        'lines missing from the file (worst round)',
        lost,
        'lines',
        '0, or all in "dropped" notices',
        lost === dropped,
      ),
      row(
        `1M lines: start → all in the log file (median of ${ROUNDS})`,
        million,
        'ms',
        '<= 300 ms',
        million <= 300,
      ),
      row('  1M lines: start → engine idle, no store or file', median(millionEngine), 'ms'),
      ...queries(),
      ...(await benchFlood(dir)),
    ];
    const context = {
      ingestLines: INGEST_LINES,
      rounds: ROUNDS,
      baselines,
      engines,
      runs,
      millions,
      buffered: BUFFERED,
    };
    report('logs', rows, context);
    return rows;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
