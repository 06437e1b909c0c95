import { OvrseerError } from '../errors.js';
import { findMarkedProcesses, signalGroup, signalPid } from './kill.js';
import { PAUSABLE_STATES, type ProcessState } from './states.js';

/** What a run's whole tree is found by: its process group and the marker its escapees still carry. */
export interface RunTree {
  pgid: number;
  projectId: string;
  /** `<project>/<name>/<instance>`: the instance and every helper it ran. */
  marker: string;
}

/**
 * SIGSTOPs or SIGCONTs a run's whole tree: the process group first (one syscall, no window for its
 * members to fork past it), then every process that carries the marker — `setsid` escapees and
 * double-forked daemons that left the group. Returns how many marked processes were signalled
 * (group members are found again, and a second signal changes nothing for them).
 */
export async function signalTree(tree: RunTree, signal: 'SIGSTOP' | 'SIGCONT'): Promise<number> {
  signalGroup(tree.pgid, signal);
  const marked = await findMarkedProcesses(tree.projectId, tree.marker);
  let signalled = 0;
  for (const { pid } of marked) if (signalPid(pid, signal)) signalled += 1;
  return signalled;
}

export function isPausable(state: ProcessState): state is 'running' | 'ready' {
  return PAUSABLE_STATES.has(state);
}

/** A pause asked of an instance that is not running its own code: says what would make it pausable. */
export function notPausable(id: string, state: ProcessState): OvrseerError {
  const hint =
    state === 'starting' || state === 'stopping' || state === 'backoff'
      ? 'wait until it is running'
      : 'start it first';
  return new OvrseerError(
    'OVRSEER_NOT_PAUSABLE',
    `${id} is ${state}: only a running or ready process can be paused; ${hint}`,
  );
}

export function notPaused(id: string, state: ProcessState): OvrseerError {
  return new OvrseerError(
    'OVRSEER_NOT_PAUSED',
    `${id} is ${state}, not paused: nothing to resume${state === 'stopped' || state === 'failed' || state === 'completed' || state === 'crashed' ? ` (use "ovrseer start ${id}")` : ''}`,
  );
}

/** An instance as the selection of a pause or resume sees it. */
export interface PauseTarget {
  readonly id: string;
  readonly name: string;
  readonly state: ProcessState;
}

/**
 * Which selected instances a `pause` (or `resume`) acts on. A target that names a process (`api`,
 * `worker.2`) must be pausable (or already paused) — else the whole request is refused before anything
 * is signalled; `group:`, `tag:` and `all` skip the instances that are not (a completed task, a stopped
 * one) and are refused only when they leave nothing to act on.
 */
export function pauseTargets<T extends PauseTarget>(
  selectors: readonly string[],
  selected: readonly T[],
  action: 'pause' | 'resume',
): T[] {
  const named = new Set(selectors.filter((selector) => selector !== 'all' && !selector.includes(':')));
  // Both are idempotent: pausing a paused instance, or resuming a running one, changes nothing.
  const fits = (instance: T): boolean => instance.state === 'paused' || isPausable(instance.state);
  const refuse = (instance: T): OvrseerError =>
    action === 'pause' ? notPausable(instance.id, instance.state) : notPaused(instance.id, instance.state);
  for (const instance of selected) {
    if ((named.has(instance.id) || named.has(instance.name)) && !fits(instance)) throw refuse(instance);
  }
  const chosen = selected.filter(fits);
  const first = selected[0];
  if (chosen.length === 0 && first !== undefined) throw refuse(first);
  return chosen;
}
