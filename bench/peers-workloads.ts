/**
 * The workloads of the peers benchmark, each run once under one supervisor in a fresh directory;
 * each returns its figures by name. Every run ends its supervisor, whatever happens.
 */
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  argvCounter,
  cpuNs,
  distinctNumberLines,
  rssBytes,
  rssSampler,
  waitForLastLine,
  wallMs,
  writtenBytes,
} from './peers-proc.js';
import { run as runCommand } from './peers-run.js';
import type { Peer, PeerRun, Program } from './peers-tools.js';
import { median, sleep } from './report.js';

export const LINES = 1_000_000;
export type Figures = Record<string, number>;

export interface Timing {
  /** Idle time after a 1 M-line job's supervisor is up, before the job starts. */
  warmMs: number;
  /** After the last line is in the file, so that what the supervisor does after it counts. */
  jobSettleMs: number;
  /** After all sleepers are spawned, before the idle window. */
  settleMs: number;
  /** The idle window of the CPU rows. */
  idleMs: number;
}

const MiB = 1024 ** 2;
/** A file that has not grown for this long while its last line is missing has lost lines. */
const WAIT = { timeoutMs: 120_000, quietMs: 3000 };

async function withRun(
  peer: Peer,
  dir: string,
  programs: Program[],
  body: (run: PeerRun) => Promise<Figures>,
) {
  const env = { ...process.env, NO_COLOR: '1', OVRSEER_PEERS_BENCH: dir };
  const run = peer.open(dir, programs, env);
  try {
    return await body(run);
  } finally {
    await run.stop();
  }
}

/**
 * A command left running while the benchmark watches its effect: its failure is kept (and thrown
 * by `done` or by `check`) instead of being an unhandled rejection in the meantime.
 */
function inBackground(promise: Promise<unknown>): { check: () => void; done: () => Promise<void> } {
  let failure: { error: unknown } | null = null;
  const settled = promise.then(
    () => undefined,
    (error: unknown) => {
      failure = { error };
    },
  );
  const check = (): void => {
    if (failure !== null) throw failure.error;
  };
  const done = async (): Promise<void> => {
    await settled;
    check();
  };
  return { check, done };
}

/** `seq 1 1000000` behind a script that first notes when it starts printing (ns since the epoch). */
/** Bytes `seq 1 LINES` prints. */
const OUTPUT_BYTES = Array.from({ length: LINES }, (_, i) => String(i + 1).length + 1).reduce(
  (a, b) => a + b,
  0,
);

function seqProgram(dir: string, autostart: boolean): Program {
  const script = join(dir, 'seqjob.sh');
  // Started into an idle supervisor, the job waits a second first: what the start command costs the
  // supervisor (a request, a spawn) is then over before the lines are measured.
  const pause = autostart ? '' : 'sleep 1\n';
  writeFileSync(script, `${pause}date +%s%N > ${join(dir, 'start')}\nexec seq 1 ${LINES}\n`);
  return { name: 'seq', argv: ['/bin/sh', script], autostart, oneshot: true };
}

const printedAt = (dir: string): number => Number(readFileSync(join(dir, 'start'), 'utf8').trim()) / 1e6;

function keptBytes(run: PeerRun): number {
  return run
    .logFiles('seq')
    .reduce((sum, file) => sum + (statSync(file, { throwIfNoEntry: false })?.size ?? 0), 0);
}

/** The 1 M-line job started with the supervisor: from the start command to the last line in the file. */
export function seqCold(peer: Peer, dir: string): Promise<Figures> {
  return withRun(peer, dir, [seqProgram(dir, true)], async (run) => {
    const commanded = wallMs();
    const started = inBackground(run.start());
    const last =
      (await waitForLastLine(run.logFiles('seq')[0] as string, LINES, WAIT, started.check)) ?? Number.NaN;
    await started.done();
    return {
      coldTotal: last - commanded,
      coldFirstToLast: last - printedAt(dir),
      coldLost: LINES - distinctNumberLines(run.logFiles('seq'), LINES),
    };
  });
}

/** The 1 M-line job started by the CLI into an idle supervisor: its latency, CPU, writes and memory. */
export function seqWarm(peer: Peer, dir: string, timing: Timing): Promise<Figures> {
  return withRun(peer, dir, [seqProgram(dir, false)], async (run) => {
    await run.start();
    const pid = run.pid();
    await sleep(timing.warmMs);
    const commanded = inBackground(run.startProgram('seq'));
    const deadline = wallMs() + WAIT.timeoutMs;
    while (!existsSync(join(dir, 'start'))) {
      if (wallMs() > deadline) throw new Error('the job never started printing');
      await sleep(1);
    }
    const idleRss = rssBytes(pid);
    const sampler = rssSampler(pid);
    const cpu0 = cpuNs(pid);
    const written0 = writtenBytes(pid);
    // NaN when lines were lost: no latency then, but what the supervisor spent still counts.
    const last =
      (await waitForLastLine(run.logFiles('seq')[0] as string, LINES, WAIT, commanded.check)) ?? Number.NaN;
    await commanded.done();
    await sleep(timing.jobSettleMs);
    const cpu = (cpuNs(pid) - cpu0) / 1e6;
    // wchar of a process includes what its reaped children wrote: the job's own output is not the
    // supervisor's writing.
    const written = writtenBytes(pid) - written0 - OUTPUT_BYTES;
    const peak = sampler.stop();
    const kept = keptBytes(run);
    return {
      firstToLast: last - printedAt(dir),
      cpu,
      writtenMB: written / 1e6,
      keptMB: kept / 1e6,
      writtenPerKept: written / kept,
      idleRss: idleRss / MiB,
      rssDelta: (peak - idleRss) / MiB,
      lost: LINES - distinctNumberLines(run.logFiles('seq'), LINES),
    };
  });
}

let sleeperRuns = 0;

/**
 * `count` sleepers carrying a number unique to the run (so that other sleeps on the host do not
 * count): from the start command to all spawned, then the supervisor's CPU over an idle window.
 */
export function idle(peer: Peer, dir: string, count: number, timing: Timing): Promise<Figures> {
  sleeperRuns += 1;
  const argv = ['/bin/sleep', String(1_000_000 + (process.pid % 1000) * 1000 + sleeperRuns)];
  const programs = Array.from({ length: count }, (_, index) => ({
    name: `p${index}`,
    argv,
    autostart: true,
    oneshot: false,
  }));
  return withRun(peer, dir, programs, async (run) => {
    const spawnedSoFar = argvCounter(argv);
    const commanded = wallMs();
    const started = inBackground(run.start());
    const deadline = Date.now() + 120_000;
    while (spawnedSoFar() < count) {
      started.check();
      if (Date.now() > deadline) throw new Error(`${peer.name}: not all ${count} sleepers spawned in 120 s`);
      await sleep(5);
    }
    const spawned = wallMs() - commanded;
    await started.done();
    const pid = run.pid();
    await sleep(timing.settleMs);
    const cpu0 = cpuNs(pid);
    const t0 = wallMs();
    await sleep(timing.idleMs);
    const percent = ((cpuNs(pid) - cpu0) / 1e6 / (wallMs() - t0)) * 100;
    return { [`cold${count}`]: spawned, [`idle${count}`]: percent };
  });
}

/** `ovrseer validate` on the 100-process project, and `node -e 0` beside it as the floor. */
export async function validate(peer: Peer, dir: string, bin: string): Promise<Figures> {
  const programs = Array.from({ length: 100 }, (_, index) => ({
    name: `p${index}`,
    argv: ['/bin/sleep', '100000'],
    autostart: true,
    oneshot: false,
  }));
  peer.open(dir, programs, process.env);
  const timed = async (args: string[]): Promise<number> => {
    const started = performance.now();
    await runCommand(process.execPath, args, { cwd: dir, env: process.env });
    return performance.now() - started;
  };
  const validates: number[] = [];
  const nodes: number[] = [];
  for (let index = 0; index < 3; index += 1) {
    validates.push(await timed([bin, 'validate']));
    nodes.push(await timed(['-e', '0']));
  }
  return {
    validate: median(validates),
    node: median(nodes),
    validateOverNode: median(validates) - median(nodes),
  };
}
