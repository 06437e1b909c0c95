import { OvrseerError } from '../errors.js';

/** The lifecycle of one process instance: these states and the transitions below are all there is. */
export type ProcessState =
  | 'pending'
  | 'starting'
  | 'running'
  | 'ready'
  | 'paused'
  | 'stopping'
  | 'stopped'
  | 'completed'
  | 'crashed'
  | 'backoff'
  | 'failed';

export type HealthState = 'unknown' | 'healthy' | 'unhealthy';

const TRANSITIONS: Readonly<Record<ProcessState, readonly ProcessState[]>> = {
  // `stopped` is also the state of an instance that was never started.
  stopped: ['pending', 'starting'],
  pending: ['starting', 'failed', 'stopped'],
  starting: ['running', 'failed', 'stopping', 'crashed', 'completed'],
  running: ['ready', 'paused', 'stopping', 'crashed', 'completed', 'failed'],
  ready: ['paused', 'stopping', 'crashed', 'completed', 'failed'],
  // Resume returns to the state the pause left; a paused process can still die (SIGKILL from outside).
  paused: ['running', 'ready', 'stopping', 'crashed', 'completed', 'failed'],
  // A stop that ends a failed readiness check finishes in `failed`, not `stopped`.
  stopping: ['stopped', 'failed'],
  completed: ['pending', 'starting', 'backoff'],
  crashed: ['backoff', 'failed', 'pending', 'starting'],
  backoff: ['starting', 'stopped', 'failed'],
  failed: ['pending', 'starting'],
};

export function canTransition(from: ProcessState, to: ProcessState): boolean {
  return TRANSITIONS[from].includes(to);
}

export function assertTransition(processId: string, from: ProcessState, to: ProcessState): void {
  if (!canTransition(from, to)) {
    throw new OvrseerError('OVRSEER_INVALID_STATE', `${processId}: cannot go from ${from} to ${to}`);
  }
}

/** States in which the OS process exists (or is about to). */
export const LIVE_STATES: ReadonlySet<ProcessState> = new Set([
  'starting',
  'running',
  'ready',
  'paused',
  'stopping',
]);

/** The states `pause` acts on (the process runs its own code, not ovrseer's start or stop). */
export const PAUSABLE_STATES: ReadonlySet<ProcessState> = new Set(['running', 'ready']);

/** States from which nothing happens without a request from outside. */
export const SETTLED_STATES: ReadonlySet<ProcessState> = new Set([
  'stopped',
  'completed',
  'crashed',
  'failed',
]);

export function isLive(state: ProcessState): boolean {
  return LIVE_STATES.has(state);
}

export function isSettled(state: ProcessState): boolean {
  return SETTLED_STATES.has(state);
}
