/**
 * `npm run bench -- peers`: ovrseer side by side with supervisord and pm2 (where installed) on the
 * same workloads, in interleaved rounds (round r: each workload under ovrseer, supervisord, pm2 in
 * turn), so that the ratios compare figures of the same moment of a shared, drifting machine.
 * Prints per row the medians, the median of the per-round ratios ovrseer / supervisord, the target
 * (issue 18's, as a ratio to supervisord where it was a figure) and pass/miss. docs/benchmarks-peers.md.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { killMarker } from './peers-proc.js';
import { findPeers, type Peer, type PeerName } from './peers-tools.js';
import { type Figures, idle, seqCold, seqWarm, type Timing, validate } from './peers-workloads.js';
import { type BenchRow, median, report } from './report.js';

const env = process.env;
const ROUNDS = Number(env.OVRSEER_PEERS_ROUNDS ?? 3);
const TIMING: Timing = {
  warmMs: Number(env.OVRSEER_PEERS_WARM_MS ?? 1500),
  jobSettleMs: Number(env.OVRSEER_PEERS_JOB_SETTLE_MS ?? 500),
  settleMs: Number(env.OVRSEER_PEERS_SETTLE_MS ?? 15_000),
  idleMs: Number(env.OVRSEER_PEERS_IDLE_MS ?? 20_000),
};
const BIN = fileURLToPath(new URL('../dist/cli/bin.js', import.meta.url));
const NAMES: PeerName[] = ['ovrseer', 'supervisord', 'pm2'];

interface Workload {
  name: string;
  ovrseerOnly?: boolean;
  run: (peer: Peer, dir: string) => Promise<Figures>;
}

const WORKLOADS: Workload[] = [
  { name: 'seq-cold', run: seqCold },
  { name: 'seq-warm', run: (peer, dir) => seqWarm(peer, dir, TIMING) },
  { name: 'idle-100', run: (peer, dir) => idle(peer, dir, 100, TIMING) },
  { name: 'validate', ovrseerOnly: true, run: (peer, dir) => validate(peer, dir, BIN) },
  { name: 'idle-500', run: (peer, dir) => idle(peer, dir, 500, TIMING) },
];

/** figures[peer][key][round]; a round that failed leaves NaN. */
type Results = Record<PeerName, Record<string, number[]>>;

export async function benchPeers(): Promise<BenchRow[]> {
  const { peers, notes } = await findPeers();
  const root = mkdtempSync(join(tmpdir(), 'ovrseer-bench-peers-'));
  const results: Results = { ovrseer: {}, supervisord: {}, pm2: {} };
  const began = Date.now();
  // Ctrl-C skips the finally below: end what the benchmark started before leaving.
  const interrupted = (signal: NodeJS.Signals): void => {
    const left = killMarker(root);
    rmSync(root, { recursive: true, force: true });
    process.stderr.write(`${signal}: killed ${left.length} processes of the benchmark\n`);
    process.exit(130);
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  try {
    for (let round = 0; round < ROUNDS; round += 1) {
      for (const workload of WORKLOADS) {
        for (const peer of workload.ovrseerOnly ? peers.slice(0, 1) : peers) {
          await runOne(root, round, workload, peer, results, notes);
        }
      }
    }
  } finally {
    process.off('SIGINT', interrupted);
    process.off('SIGTERM', interrupted);
    const left = killMarker(root);
    rmSync(root, { recursive: true, force: true });
    notes.push(
      `processes of the benchmark left at the end: ${left.length}${left.length ? ` (${left.join(' ')})` : ''}`,
    );
    results.ovrseer.leftovers = [left.length];
  }
  notes.push(
    `${ROUNDS} rounds in ${((Date.now() - began) / 60_000).toFixed(1)} min; timing ${JSON.stringify(TIMING)}`,
  );
  const present = new Set(peers.map((peer) => peer.name));
  const rows = buildRows(results, present, ROUNDS);
  process.stdout.write(`${notes.map((note) => `- ${note}`).join('\n')}\n\n`);
  report('peers', rows, { rounds: ROUNDS, timing: TIMING, notes, results }, [
    'ovrseer',
    'supervisord',
    'pm2',
    'ovrseer / supervisord',
  ]);
  return rows;
}

async function runOne(
  root: string,
  round: number,
  workload: Workload,
  peer: Peer,
  results: Results,
  notes: string[],
) {
  const dir = join(root, `r${round + 1}-${workload.name}-${peer.name}`);
  mkdirSync(dir);
  const label = `round ${round + 1} ${workload.name} ${peer.name}`;
  const began = Date.now();
  try {
    const figures = await workload.run(peer, dir);
    for (const [key, value] of Object.entries(figures)) {
      const series = results[peer.name][key] ?? [];
      series[round] = value;
      results[peer.name][key] = series;
    }
    const shown = JSON.stringify(figures, (_, v) => (typeof v === 'number' ? +v.toFixed(3) : v));
    process.stderr.write(`${label} (${((Date.now() - began) / 1000).toFixed(1)} s): ${shown}\n`);
  } catch (error) {
    notes.push(`${label} failed: ${(error as Error).message.split('\n')[0]}`);
    process.stderr.write(`${label} failed: ${(error as Error).message}\n`);
  } finally {
    const left = killMarker(dir);
    if (left.length > 0)
      notes.push(`${label}: ${left.length} processes left after its stop command (killed)`);
    rmSync(dir, { recursive: true, force: true });
  }
}

function fmt(value: number, unit: string): string {
  if (!Number.isFinite(value)) return '—';
  const abs = Math.abs(value);
  const digits = abs < 1 ? 3 : abs < 10 ? 2 : abs < 100 ? 1 : 0;
  return `${value.toFixed(digits)}${unit === '' ? '' : ` ${unit}`}`;
}

const finite = (values: readonly number[] | undefined): number[] =>
  (values ?? []).filter((value) => Number.isFinite(value));

function buildRows(results: Results, present: Set<PeerName>, rounds: number): BenchRow[] {
  const med = (peer: PeerName, key: string): number => {
    const values = finite(results[peer][key]);
    return values.length === 0 ? Number.NaN : median(values);
  };
  /** Median of the per-round ratios ovrseer / supervisord. */
  const ratio = (key: string): number => {
    const ours = results.ovrseer[key] ?? [];
    const theirs = results.supervisord[key] ?? [];
    const ratios = Array.from(
      { length: rounds },
      (_, r) => (ours[r] ?? Number.NaN) / (theirs[r] ?? Number.NaN),
    );
    const values = finite(ratios);
    return values.length === 0 ? Number.NaN : median(values);
  };
  const cellOf = (peer: PeerName, text: string): string => (present.has(peer) ? text : '—');
  const side = (key: string, unit: string, extra?: (peer: PeerName) => string): string[] => [
    ...NAMES.map((peer) => cellOf(peer, `${fmt(med(peer, key), unit)}${extra ? extra(peer) : ''}`)),
    fmt(ratio(key), '×'),
  ];
  const relative = (key: string, metric: string, unit: string, limit: number): BenchRow => {
    const r = ratio(key);
    return {
      metric,
      value: med('ovrseer', key),
      unit,
      target: `≤ ${limit} × supervisord`,
      pass: Number.isFinite(r) ? r <= limit : null,
      cells: side(key, unit),
    };
  };
  /** A target on ovrseer's own figure (`judged`, its value by default); none when `limit` is null. */
  const absolute = (
    key: string,
    metric: string,
    unit: string,
    limit: number | null,
    target: string,
    extra?: (peer: PeerName) => string,
    judged = key,
  ): BenchRow => {
    const value = med('ovrseer', key);
    const measure = med('ovrseer', judged);
    const pass = limit === null || !Number.isFinite(measure) ? null : measure <= limit;
    return { metric, value, unit, target, pass, cells: side(key, unit, extra) };
  };
  const lost = (peer: PeerName): { total: number; runs: number; bad: number } => {
    const values = [...finite(results[peer].lost), ...finite(results[peer].coldLost)];
    return {
      total: values.reduce((a, b) => a + b, 0),
      runs: values.length,
      bad: values.filter((v) => v > 0).length,
    };
  };
  const lostCell = (peer: PeerName): string => {
    const { total, runs, bad } = lost(peer);
    return cellOf(
      peer,
      runs === 0 ? '—' : total === 0 ? `0 in ${runs} runs` : `${total} in ${bad} of ${runs} runs`,
    );
  };
  const ovrLost = lost('ovrseer');
  const perKept = (peer: PeerName): string => ` (${fmt(med(peer, 'writtenPerKept'), '×')} its file)`;
  const idleRss = (peer: PeerName): string => ` (idle ${fmt(med(peer, 'idleRss'), 'MiB')})`;
  const left = results.ovrseer.leftovers?.[0] ?? Number.NaN;
  return [
    relative('firstToLast', '1 M lines from a child: first line to last in the file', 'ms', 3.3),
    relative('coldTotal', 'same, from the start command', 'ms', 1.25),
    absolute(
      'writtenMB',
      'bytes the supervisor writes for them (/proc wchar)',
      'MB',
      1.2,
      '≤ 1.2 × the log file it keeps',
      perKept,
      'writtenPerKept',
    ),
    absolute('keptMB', 'log file(s) it keeps for them', 'MB', null, ''),
    {
      metric: 'lines lost (all 1 M-line runs)',
      value: ovrLost.total,
      unit: 'lines',
      target: '0',
      pass: ovrLost.runs > 0 ? ovrLost.total === 0 : null,
      cells: [...NAMES.map(lostCell), ''],
    },
    relative('cpu', 'supervisor CPU for those 1 M lines', 'ms', 6),
    absolute('rssDelta', 'supervisor RSS peak during them − idle RSS', 'MiB', 8, '≤ idle + 8 MiB', idleRss),
    relative('idle100', 'idle supervisor CPU, 100 processes, metrics at 1 Hz', '%', 1),
    absolute('idle500', 'idle CPU with 500 processes', '%', 0.2, '≤ 0.2 %'),
    relative('cold100', 'cold start: all 100 spawned', 'ms', 0.6),
    {
      metric: '`ovrseer validate`, 100 processes (`node -e 0` same round)',
      value: med('ovrseer', 'validate'),
      unit: 'ms',
      target: '',
      pass: null,
      cells: [
        fmt(med('ovrseer', 'validate'), 'ms'),
        '—',
        '—',
        `node -e 0: ${fmt(med('ovrseer', 'node'), 'ms')}`,
      ],
    },
    absolute('validateOverNode', '`ovrseer validate` − `node -e 0`', 'ms', 100, '≤ 100 ms'),
    {
      metric: 'benchmark processes left at the end',
      value: left,
      unit: '',
      target: '0',
      pass: left === 0,
      cells: [String(left), '', '', ''],
    },
  ];
}
