import { OvrseerError } from '../errors.js';
import { type Clock, sleep, waitAtMost } from './clock.js';
import {
  findMarkedProcesses,
  isGroupAlive,
  isPidAlive,
  type MarkedProcess,
  signalGroup,
  signalPid,
} from './kill.js';

/** How often liveness is re-checked while waiting for processes to go. */
const POLL_MS = 10;
/** After SIGKILL the kernel needs a moment; past this something is wrong (e.g. a process in D state). */
const AFTER_KILL_GRACE_MS = 2000;

export interface EndGroupOptions {
  pgid: number;
  signal: NodeJS.Signals;
  /** Milliseconds between the signal and SIGKILL. */
  timeout: number;
  /** Settles when the group leader has exited. */
  leaderExited: Promise<unknown>;
  /** SIGKILL at once. */
  force: boolean;
  clock: Clock;
  /** Runs before the signal (the process's stop command); bounded by the same timeout. */
  beforeSignal?: (signal: AbortSignal) => Promise<void>;
  /**
   * With `beforeSignal`: send no signal at all, the group has until the timeout (from the start) to end,
   * then SIGKILL — for stop commands that end the process themselves (`nginx -s quit`).
   * @default false
   */
  commandOnly?: boolean;
  /** Told of each signal as it is sent (the stop signal, then SIGKILL), for progress reports. */
  onSignal?: (signal: NodeJS.Signals) => void;
}

/**
 * Ends a whole process group: the stop command (if any), then the signal (unless `commandOnly`) followed
 * by SIGCONT (a stopped process acts on its signal only once continued), then
 * SIGKILL when the timeout runs out. Resolves once no process of the group is left — the leader's exit alone is not
 * enough, since children that ignore the signal outlive it.
 */
/** The stop command (`beforeSignal`), given the stop timeout to run in: aborted when it runs out. */
export async function runBeforeSignal(
  options: Pick<EndGroupOptions, 'beforeSignal' | 'clock' | 'timeout'>,
): Promise<void> {
  if (options.beforeSignal === undefined) return;
  const { clock } = options;
  const abort = new AbortController();
  const timer = clock.setTimeout(() => abort.abort(), options.timeout);
  try {
    await options.beforeSignal(abort.signal);
  } finally {
    clock.clearTimeout(timer);
  }
}

export async function endGroup(options: EndGroupOptions): Promise<{ escalated: boolean }> {
  const { pgid, clock } = options;
  const deadline = clock.now() + options.timeout;
  if (options.force) {
    options.onSignal?.('SIGKILL');
    await killGroupOrThrow(pgid, clock);
    return { escalated: true };
  }
  await runBeforeSignal(options);
  if (options.beforeSignal === undefined || options.commandOnly !== true) {
    if (signalGroup(pgid, options.signal)) signalGroup(pgid, 'SIGCONT');
    options.onSignal?.(options.signal);
  }
  await waitAtMost(clock, options.leaderExited, Math.max(0, deadline - clock.now()));
  if (await waitForGroupGone(pgid, clock, deadline)) return { escalated: false };
  options.onSignal?.('SIGKILL');
  await killGroupOrThrow(pgid, clock);
  return { escalated: true };
}

async function killGroupOrThrow(pgid: number, clock: Clock): Promise<void> {
  signalGroup(pgid, 'SIGKILL');
  if (await waitForGroupGone(pgid, clock, clock.now() + AFTER_KILL_GRACE_MS)) return;
  throw new OvrseerError('OVRSEER_KILL_FAILED', `process group ${pgid} survived SIGKILL`);
}

/**
 * Settles once the group is empty, polling: for a group whose leader is not our child (found again
 * after a supervisor died), so no exit event will come. `endGroup` still bounds the wait.
 */
export async function groupGone(pgid: number, clock: Clock, pollMs = 50): Promise<void> {
  while (isGroupAlive(pgid)) await sleep(clock, pollMs);
}

/** Polls until the group is empty or `until` passes; says which. */
async function waitForGroupGone(pgid: number, clock: Clock, until: number): Promise<boolean> {
  while (isGroupAlive(pgid)) {
    if (clock.now() >= until) return false;
    await sleep(clock, POLL_MS);
  }
  return true;
}

export interface StopPolicy {
  signal: NodeJS.Signals;
  timeout: number;
}

export interface EndMarkedOptions {
  projectId: string;
  markerPrefix: string;
  /** The signal and grace period for an escapee, by its marker (its process's stop settings). */
  policyFor: (marker: string) => StopPolicy;
  clock: Clock;
}

/**
 * Finds processes that carry the marker but escaped their group (setsid, double fork) and ends them:
 * each gets its process's stop signal, and SIGKILL if still there after that process's stop timeout.
 * Returns what it found.
 */
export async function endMarkedProcesses(options: EndMarkedOptions): Promise<MarkedProcess[]> {
  const found = await findMarkedProcesses(options.projectId, options.markerPrefix);
  if (found.length === 0) return found;
  const { clock } = options;
  const start = clock.now();
  let alive = found
    .map((escapee) => ({ ...escapee, policy: options.policyFor(escapee.marker) }))
    .filter((escapee) => signalAndContinue(escapee.pid, escapee.policy.signal));
  while (alive.length > 0) {
    const now = clock.now();
    for (const escapee of alive) {
      if (now - start >= escapee.policy.timeout) signalPid(escapee.pid, 'SIGKILL');
    }
    const latest = Math.max(...alive.map((escapee) => escapee.policy.timeout));
    if (now - start >= latest + AFTER_KILL_GRACE_MS) break;
    await sleep(clock, POLL_MS);
    alive = alive.filter((escapee) => isPidAlive(escapee.pid));
  }
  if (alive.length > 0) {
    throw new OvrseerError(
      'OVRSEER_KILL_FAILED',
      `could not end ${alive.map((escapee) => `pid ${escapee.pid} (${escapee.marker})`).join(', ')} even with SIGKILL`,
    );
  }
  return found;
}

/**
 * The stop signal, then SIGCONT (as systemd's `kill_and_sigcont`): a stopped process — paused by
 * `ovrseer pause`, or left paused by a supervisor that died — only acts on its signal once continued.
 */
function signalAndContinue(pid: number, signal: NodeJS.Signals): boolean {
  if (!signalPid(pid, signal)) return false;
  if (signal !== 'SIGKILL') signalPid(pid, 'SIGCONT');
  return true;
}
