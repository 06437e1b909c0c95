import { describe, expect, it } from 'vitest';
import {
  assertTransition,
  canTransition,
  isLive,
  isSettled,
  LIVE_STATES,
  type ProcessState,
  SETTLED_STATES,
} from '../../../src/core/states.js';
import { OvrseerError } from '../../../src/errors.js';

const ALL: readonly ProcessState[] = [
  'pending',
  'starting',
  'running',
  'ready',
  'paused',
  'stopping',
  'stopped',
  'completed',
  'crashed',
  'backoff',
  'failed',
];

/** The lifecycle as designed: every allowed move, and by omission every forbidden one. */
const ALLOWED: Record<ProcessState, readonly ProcessState[]> = {
  stopped: ['pending', 'starting'],
  pending: ['starting', 'failed', 'stopped'],
  starting: ['running', 'failed', 'stopping', 'crashed', 'completed'],
  running: ['ready', 'paused', 'stopping', 'crashed', 'completed', 'failed'],
  ready: ['paused', 'stopping', 'crashed', 'completed', 'failed'],
  paused: ['running', 'ready', 'stopping', 'crashed', 'completed', 'failed'],
  stopping: ['stopped', 'failed'],
  completed: ['pending', 'starting', 'backoff'],
  crashed: ['backoff', 'failed', 'pending', 'starting'],
  backoff: ['starting', 'stopped', 'failed'],
  failed: ['pending', 'starting'],
};

const pairs = ALL.flatMap((from) => ALL.map((to) => [from, to] as const));
const allowedPairs = pairs.filter(([from, to]) => ALLOWED[from].includes(to));
const forbiddenPairs = pairs.filter(([from, to]) => !ALLOWED[from].includes(to));

describe('state transitions', () => {
  it.each(allowedPairs)('allows %s -> %s', (from, to) => {
    expect(canTransition(from, to)).toBe(true);
    expect(() => assertTransition('api', from, to)).not.toThrow();
  });

  it.each(forbiddenPairs)('forbids %s -> %s', (from, to) => {
    expect(canTransition(from, to)).toBe(false);
  });

  it('forbids staying in the same state (every transition is a change)', () => {
    for (const state of ALL) expect(canTransition(state, state)).toBe(false);
  });

  it('key lifecycle rules hold', () => {
    // The OS process must be started before it can run or be ready.
    expect(canTransition('stopped', 'running')).toBe(false);
    expect(canTransition('pending', 'ready')).toBe(false);
    // Readiness is only reached from running, and never lost back to running.
    expect(canTransition('starting', 'ready')).toBe(false);
    expect(canTransition('ready', 'running')).toBe(false);
    // A stop always goes through stopping.
    expect(canTransition('running', 'stopped')).toBe(false);
    expect(canTransition('ready', 'stopped')).toBe(false);
    // Once stopping, the process cannot come back to life or be counted as crashed/completed.
    expect(canTransition('stopping', 'running')).toBe(false);
    expect(canTransition('stopping', 'crashed')).toBe(false);
    // A restart waits in backoff; it does not go straight from backoff to running.
    expect(canTransition('backoff', 'running')).toBe(false);
  });

  it('assertTransition throws OVRSEER_INVALID_STATE naming the process and both states', () => {
    let thrown: unknown;
    try {
      assertTransition('worker.2', 'stopped', 'ready');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(OvrseerError);
    expect(thrown).toMatchObject({
      code: 'OVRSEER_INVALID_STATE',
      message: 'worker.2: cannot go from stopped to ready',
    });
  });
});

describe('isLive / isSettled', () => {
  it('live states are those where the OS process exists or is about to', () => {
    expect(ALL.filter(isLive)).toEqual(['starting', 'running', 'ready', 'paused', 'stopping']);
    expect([...LIVE_STATES].sort()).toEqual(['paused', 'ready', 'running', 'starting', 'stopping']);
  });

  it('a paused process returns to where it was paused, and can still be stopped or die', () => {
    expect(canTransition('running', 'paused')).toBe(true);
    expect(canTransition('ready', 'paused')).toBe(true);
    expect(canTransition('paused', 'running')).toBe(true);
    expect(canTransition('paused', 'ready')).toBe(true);
    expect(canTransition('paused', 'stopping')).toBe(true);
    expect(canTransition('paused', 'crashed')).toBe(true);
    // Only a process that runs its own code can be paused; a stop goes through stopping.
    for (const from of ['pending', 'starting', 'stopping', 'stopped', 'backoff', 'failed'] as const)
      expect(canTransition(from, 'paused')).toBe(false);
    expect(canTransition('paused', 'stopped')).toBe(false);
  });

  it('settled states are those where nothing happens without an outside request', () => {
    expect(ALL.filter(isSettled)).toEqual(['stopped', 'completed', 'crashed', 'failed']);
    expect([...SETTLED_STATES].sort()).toEqual(['completed', 'crashed', 'failed', 'stopped']);
  });

  it('pending and backoff are neither live nor settled (something is scheduled)', () => {
    for (const state of ['pending', 'backoff'] as const) {
      expect(isLive(state)).toBe(false);
      expect(isSettled(state)).toBe(false);
    }
  });

  it('no state is both live and settled', () => {
    for (const state of ALL) expect(isLive(state) && isSettled(state)).toBe(false);
  });
});
