import { spawn } from 'node:child_process';
import { closeSync, openSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LoadOptions } from '../../config/load.js';
import type { ProjectSpec } from '../../config/spec.js';
import { projectIdOf } from '../../core/project-id.js';
import { OvrseerError } from '../../errors.js';
import { EXIT_FAILURE, EXIT_OK } from '../../exit-codes.js';
import { fileSize, tailSince } from '../../logs/tail.js';
import { ensureStateDir, type StatePaths } from '../../os/state-dir.js';
import { shQuote } from '../../shell-quote.js';
import { socketPathFor } from '../../supervisor/api/socket-path.js';
import { ApiClient } from '../../supervisor/client.js';
import { BASELINE_TIER_FLAGS } from '../../supervisor/compiler-tier.js';
import type { DaemonStart } from '../../supervisor/daemon.js';
import type { ProcessRow } from '../../supervisor/process-rows.js';
import { createColors, shouldUseColor } from '../../terminal/format.js';
import { renderProcessTable } from '../../terminal/process-table.js';
import { StartProgress } from './start-progress.js';

const DAEMON = new URL('../../supervisor/daemon.cjs', import.meta.url);
/**
 * V8 flags of the supervisor process. A 1 MB semi-space keeps the young generation from growing to
 * 8 MB+ during start-up (100 spawns) and staying there: ~5 MB less RSS, and no slower under a log
 * flood of 1M lines. V8's compilers start off and are switched on by the first heavy output (see
 * `tierUpUnderLoad`): ~7 MB less RSS for a supervisor that never sees a flood. `--lite-mode` would
 * save about as much but keeps ingestion 3.5x slower for good. Measured; see docs/decisions.md.
 * V8's memory reducer runs 2–3 full mark-compacts some seconds after start-up (30–130 ms of CPU with
 * 100–500 processes, more than a minute of idle sampling); one does the same job
 * (`--memory-reducer-single-gc`; docs/metrics-sampling.md).
 */
export const DAEMON_NODE_FLAGS = [
  '--max-semi-space-size=1',
  '--memory-reducer-single-gc',
  ...BASELINE_TIER_FLAGS,
];
/** A supervisor spawning hundreds of processes still answers; this long without any answer is a hang. */
const SILENCE_LIMIT_MS = 30_000;
/** One request may wait this long: a busy supervisor is slow, not gone. */
const ANSWER_TIMEOUT_MS = 2_000;
const POLL_MS = 100;
/** Start-up may go this long without any process changing state, beyond the longest readiness timeout. */
const STALL_MARGIN_MS = 10_000;
const MIN_STALL_MS = 60_000;

/** A process without readiness checks counts as started once it has run this long: one that exits at once failed to start. */
const STABLE_MS = 1000;

/** Where a start-up stands, as `GET /v1/processes` tells it. */
export interface StartUpState {
  /** Instances being started (not those left stopped, as with `up NAME`). */
  total: number;
  /** Of those, started: ready, running for a moment (without readiness checks), or ended. */
  started: number;
  /** Changes whenever any instance changes state: progress. */
  signature: string;
}

/**
 * How far start-up is: an instance is still starting while it is pending or starting, while it
 * runs but has not passed its readiness checks yet, and — without checks — during its first second,
 * so that a process that exits at once is reported as failed rather than as running.
 * @param withReadiness names of the processes that have readiness checks
 */
export function startUpState(
  rows: readonly ProcessRow[],
  withReadiness: ReadonlySet<string>,
  withHealth: ReadonlySet<string> = new Set(),
): StartUpState {
  const active = rows.filter((row) => row.status !== 'stopped');
  const waiting = active.filter(
    (row) =>
      // One that has crashed and restarted already is done starting: it failed (a crash loop under
      // `restart: always` would otherwise keep `up -d` waiting for ever, every restart being progress).
      !crashedDuringStartUp(row) &&
      (row.status === 'pending' ||
        row.status === 'starting' ||
        (row.status === 'running' && (withReadiness.has(row.name) || (row.uptime_ms ?? 0) < STABLE_MS)) ||
        // compose's `up --wait`: a process with a health check is waited for until it is healthy or not.
        ((row.status === 'running' || row.status === 'ready') &&
          withHealth.has(row.name) &&
          row.health !== 'healthy' &&
          row.health !== 'unhealthy')),
  ).length;
  return {
    total: active.length,
    started: active.length - waiting,
    signature: rows.map((row) => `${row.status}:${row.restarts}`).join(','),
  };
}

/**
 * `ovrseer up -d`: starts a detached supervisor (its own session; its log is `<state_dir>/ovrseer.log`),
 * waits while start-up makes progress — however many processes — showing it on a terminal, prints the
 * process table and returns the exit code the foreground `up` would: 1 when a process failed.
 * @param file the `-f` argument as given, repeated in the hints printed at the end
 */
export async function runDetached(
  spec: ProjectSpec,
  names: readonly string[],
  out: NodeJS.WritableStream & { isTTY?: boolean },
  file?: string,
  /** compose's `--wait`: processes with a health check are waited for until healthy; unhealthy fails. @default false */
  waitHealthy = false,
  /** What the config was loaded with, for `reload` and SIGHUP. @default none: the daemon re-reads `spec.file` */
  load?: LoadOptions,
): Promise<number> {
  const paths = ensureStateDir(spec.settings.stateDir, 'logs', 'reports');
  const projectId = projectIdOf(spec);
  const client = new ApiClient(socketPathFor(paths, projectId));
  if (await client.ping()) {
    throw new OvrseerError(
      'OVRSEER_ALREADY_RUNNING',
      `ovrseer is already running for ${spec.file ?? spec.dir}; see \`ovrseer ps\``,
    );
  }
  const specFile = join(paths.root, `spec.${process.pid}.json`);
  const start: DaemonStart = { spec, projectId, ...(load === undefined ? {} : { load }) };
  writeFileSync(specFile, JSON.stringify(start), { mode: 0o600 });
  const logStart = fileSize(paths.supervisorLog);
  // Only what Node itself prints (a fatal V8 error): the supervisor's own log is ovrseer.log.
  const daemonOut = openSync(join(paths.root, 'daemon.out'), 'w', 0o600);
  const child = spawn(process.execPath, [...DAEMON_NODE_FLAGS, DAEMON.pathname, specFile, ...names], {
    cwd: spec.dir,
    detached: true,
    stdio: ['ignore', daemonOut, daemonOut],
  });
  closeSync(daemonOut);
  let exited: number | null = null;
  child.once('exit', (code) => {
    exited = code ?? 1;
  });
  child.unref();

  const progress = new StartProgress(out);
  let rows: ProcessRow[];
  try {
    const withReadiness = new Set(spec.processes.filter((p) => p.ready.length > 0).map((p) => p.name));
    const withHealth = new Set(
      waitHealthy ? spec.processes.filter((p) => p.health !== null).map((p) => p.name) : [],
    );
    rows = await waitForStartUp(client, stallLimit(spec), withReadiness, withHealth, {
      exited: () => exited,
      onProgress: (state) => progress.show(state),
      said: () => supervisorSaid(paths, logStart),
      pid: child.pid ?? null,
      log: paths.supervisorLog,
    });
  } finally {
    progress.clear();
  }
  // What the supervisor said on start-up (a damaged state file set aside, leftovers it ended).
  const said = tailSince(join(paths.root, 'daemon.out'), 0, 100);
  if (said !== '') process.stderr.write(`${said}\n`);
  out.write(renderProcessTable(rows, { color: shouldUseColor(out) }));
  // With --wait, as compose's: an unhealthy process failed to start too.
  const unhealthy = waitHealthy
    ? rows.filter((row) => !failedToStart(row) && row.health === 'unhealthy')
    : [];
  const failed = [...rows.filter(failedToStart), ...unhealthy];
  const c = createColors(shouldUseColor(out));
  // The table gives each failed process's reason; this says what it means for the command.
  if (failed.length > 0) {
    out.write(`\n${c.red(`${failed.length} of ${rows.length} failed to start`)}\n`);
    for (const row of unhealthy) out.write(`  ${row.process}: unhealthy (--wait waits for healthy)\n`);
    const looping = failed.filter(
      (row) => row.status !== 'failed' && row.status !== 'crashed' && !unhealthy.includes(row),
    );
    for (const row of looping.slice(0, 10))
      out.write(
        `  ${row.name}: crashed and restarted ${row.restarts} times since \`up\` (${row.reason ?? row.status})\n`,
      );
    if (looping.length > 10) out.write(`  … and ${looping.length - 10} more restarting\n`);
  }
  const f = file === undefined ? '' : ` -f ${shQuote(file)}`;
  out.write(`\nsupervisor pid ${child.pid ?? '?'}; logs: ovrseer logs${f} -f; stop: ovrseer down${f}\n`);
  return failed.length > 0 ? EXIT_FAILURE : EXIT_OK;
}

interface WaitHooks {
  exited(): number | null;
  onProgress(state: StartUpState): void;
  /** What the supervisor wrote since it was started, for an error message. */
  said(): string;
  pid: number | null;
  log: string;
}

/**
 * Restarted during this start-up (a fresh supervisor counts from 0) and not yet up for a second since:
 * crash-looping. One that crashed once and then stays up (its database was late) has started.
 */
export function crashedDuringStartUp(row: ProcessRow): boolean {
  if (row.status === 'backoff') return true;
  const up = (row.status === 'running' || row.status === 'ready') && (row.uptime_ms ?? 0) >= STABLE_MS;
  return row.restarts > 0 && !up && row.status !== 'completed';
}

/** Failed to start: failed, crashed, or crashed and restarted since (`restart: always`). */
export function failedToStart(row: ProcessRow): boolean {
  return row.status === 'failed' || row.status === 'crashed' || crashedDuringStartUp(row);
}

/**
 * Polls until no instance is pending or starting. A slow answer (hundreds of spawns) is waited for;
 * only an exited supervisor, one silent for `SILENCE_LIMIT_MS`, or a start-up with no state change
 * for `stallMs` ends the wait with an error.
 */
async function waitForStartUp(
  client: ApiClient,
  stallMs: number,
  withReadiness: ReadonlySet<string>,
  withHealth: ReadonlySet<string>,
  hooks: WaitHooks,
): Promise<ProcessRow[]> {
  const startedAt = Date.now();
  let lastAnswer = startedAt;
  let lastProgress = startedAt;
  let signature = '';
  let rows: ProcessRow[] | null = null;
  for (;;) {
    const code = hooks.exited();
    if (code !== null) {
      throw new OvrseerError(
        'OVRSEER_API_FAILED',
        `the supervisor exited (code ${code}) before start-up was done:\n${hooks.said()}`,
      );
    }
    const answer = await askRows(client);
    const now = Date.now();
    if (answer !== null) {
      rows = answer;
      lastAnswer = now;
      const state = startUpState(answer, withReadiness, withHealth);
      if (state.signature !== signature) {
        signature = state.signature;
        lastProgress = now;
        hooks.onProgress(state);
      }
      if (state.started === state.total && hooks.exited() === null) return answer;
    } else if (now - lastAnswer > SILENCE_LIMIT_MS) {
      throw new OvrseerError(
        'OVRSEER_API_FAILED',
        `the supervisor (pid ${hooks.pid ?? '?'}) has not answered for ${SILENCE_LIMIT_MS / 1000}s; see ${hooks.log}`,
      );
    }
    if (rows !== null && now - lastProgress > stallMs) {
      const waiting = rows.filter(
        (row) => row.status === 'pending' || row.status === 'starting' || row.status === 'running',
      );
      throw new OvrseerError(
        'OVRSEER_API_FAILED',
        `start-up made no progress for ${Math.round(stallMs / 1000)}s; still waiting: ${waiting
          .slice(0, 10)
          .map((row) => `${row.name} (${row.reason ?? row.status})`)
          .join(', ')}${waiting.length > 10 ? ', …' : ''}. The supervisor goes on: see \`ovrseer ps\``,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/** The rows, or null while the supervisor does not answer yet (not listening, or busy past the timeout). */
async function askRows(client: ApiClient): Promise<ProcessRow[] | null> {
  try {
    return await client.get<ProcessRow[]>('/v1/processes', ANSWER_TIMEOUT_MS);
  } catch (error) {
    if (
      error instanceof OvrseerError &&
      (error.code === 'OVRSEER_NOT_RUNNING' || error.code === 'OVRSEER_API_TIMEOUT')
    )
      return null;
    throw error;
  }
}

/** No state change for this long is a stall: longer than any process may legitimately take to get ready. */
function stallLimit(spec: ProjectSpec): number {
  let longest = 0;
  for (const process of spec.processes) {
    for (const ready of process.ready) longest = Math.max(longest, ready.initialDelay + ready.timeout);
  }
  return Math.max(MIN_STALL_MS, longest + STALL_MARGIN_MS);
}

function supervisorSaid(paths: StatePaths, logStart: number): string {
  const said = [
    tailSince(join(paths.root, 'daemon.out'), 0, 10),
    tailSince(paths.supervisorLog, logStart, 10),
  ];
  return said.filter((text) => text !== '').join('\n') || `(nothing; see ${paths.supervisorLog})`;
}
