import { describe, expect, it } from 'vitest';
import { RESTART_DEFAULTS } from '../../../src/config/defaults.js';
import type { RestartPolicyName } from '../../../src/config/spec.js';
import {
  describeExit,
  type ExitInfo,
  isSuccessfulExit,
  RestartPolicy,
} from '../../../src/core/restart/policy.js';
import { restartSpec } from './spec-builder.js';

const ok: ExitInfo = { code: 0, signal: null, uptime: 10 };
const fail: ExitInfo = { code: 1, signal: null, uptime: 10 };
const killed: ExitInfo = { code: null, signal: 'SIGKILL', uptime: 10 };

function policy(name: RestartPolicyName, overrides: Parameters<typeof restartSpec>[0] = {}): RestartPolicy {
  return new RestartPolicy(restartSpec({ policy: name, ...overrides }));
}

describe('isSuccessfulExit', () => {
  it('counts exit code 0 as success by default', () => {
    const spec = restartSpec();
    expect(isSuccessfulExit(spec, { code: 0, signal: null })).toBe(true);
    expect(isSuccessfulExit(spec, { code: 1, signal: null })).toBe(false);
    expect(isSuccessfulExit(spec, { code: 2, signal: null })).toBe(false);
  });

  it('uses exit_codes', () => {
    const spec = restartSpec({ exitCodes: [0, 3] });
    expect(isSuccessfulExit(spec, { code: 3, signal: null })).toBe(true);
    expect(isSuccessfulExit(spec, { code: 1, signal: null })).toBe(false);
    const nonZero = restartSpec({ exitCodes: [2] });
    expect(isSuccessfulExit(nonZero, { code: 2, signal: null })).toBe(true);
    expect(isSuccessfulExit(nonZero, { code: 0, signal: null })).toBe(false);
  });

  it('never counts a signal as success', () => {
    const spec = restartSpec({ exitCodes: [0] });
    expect(isSuccessfulExit(spec, { code: null, signal: 'SIGTERM' })).toBe(false);
    expect(isSuccessfulExit(spec, { code: 0, signal: 'SIGTERM' })).toBe(false);
    expect(isSuccessfulExit(spec, { code: null, signal: 'SIGKILL' })).toBe(false);
  });

  it('does not count an unknown exit (no code, no signal) as success', () => {
    expect(isSuccessfulExit(restartSpec(), { code: null, signal: null })).toBe(false);
  });
});

describe('describeExit', () => {
  it('names the signal', () => {
    expect(describeExit({ code: null, signal: 'SIGKILL' })).toBe('killed by SIGKILL');
    expect(describeExit({ code: 143, signal: 'SIGTERM' })).toBe('killed by SIGTERM');
  });

  it('names the exit code, explaining 126 and 127', () => {
    expect(describeExit({ code: 0, signal: null })).toBe('exited with code 0');
    expect(describeExit({ code: 1, signal: null })).toBe('exited with code 1');
    expect(describeExit({ code: 127, signal: null })).toBe('exited with code 127 (command not found)');
    expect(describeExit({ code: 126, signal: null })).toBe('exited with code 126 (command not executable)');
  });

  it('says unknown when there is neither', () => {
    expect(describeExit({ code: null, signal: null })).toBe('exited with code unknown');
  });
});

describe('RestartPolicy', () => {
  describe('policies', () => {
    it('"no" never restarts and does not give up', () => {
      const p = policy('no');
      for (const exit of [ok, fail, killed]) {
        expect(p.decide(exit)).toEqual({ restart: false, giveUp: false, reason: 'restart policy "no"' });
      }
      expect(p.consecutiveFailures).toBe(0);
    });

    it('"always" restarts after success, failure and signal', () => {
      const p = policy('always');
      expect(p.decide(ok)).toMatchObject({ restart: true, attempt: 1 });
      expect(p.decide(fail)).toMatchObject({ restart: true, attempt: 2 });
      expect(p.decide(killed)).toMatchObject({ restart: true, attempt: 3 });
    });

    it('"unless-stopped" restarts like "always" (requested stops never reach the policy)', () => {
      const p = policy('unless-stopped');
      expect(p.decide(ok)).toMatchObject({ restart: true, attempt: 1 });
      expect(p.decide(fail)).toMatchObject({ restart: true, attempt: 2 });
      expect(p.decide(killed)).toMatchObject({ restart: true, attempt: 3 });
    });

    it('"on-failure" restarts after a failing code or a signal, not after success', () => {
      const p = policy('on-failure');
      expect(p.decide(ok)).toEqual({ restart: false, giveUp: false, reason: 'restart policy "on-failure"' });
      expect(p.decide(fail)).toMatchObject({ restart: true, attempt: 1 });
      expect(p.decide(killed)).toMatchObject({ restart: true, attempt: 2 });
      expect(p.decide({ code: null, signal: null, uptime: 0 })).toMatchObject({ restart: true, attempt: 3 });
    });

    it('"on-failure" honours exit_codes: a listed code is success, an unlisted 0 is a failure', () => {
      const p = policy('on-failure', { exitCodes: [0, 42] });
      expect(p.decide({ code: 42, signal: null, uptime: 0 })).toMatchObject({
        restart: false,
        giveUp: false,
      });
      const strict = policy('on-failure', { exitCodes: [42] });
      expect(strict.decide({ code: 0, signal: null, uptime: 0 })).toMatchObject({
        restart: true,
        attempt: 1,
      });
    });

    it('"on-failure" restarts a process killed by a signal even if its code is a success code', () => {
      const p = policy('on-failure');
      expect(p.decide({ code: 0, signal: 'SIGTERM', uptime: 0 })).toMatchObject({ restart: true });
    });

    it('a decision that does not restart leaves the failure count alone', () => {
      const p = policy('on-failure');
      p.decide(fail);
      p.decide(fail);
      expect(p.consecutiveFailures).toBe(2);
      p.decide({ ...ok, uptime: 0 });
      expect(p.consecutiveFailures).toBe(2);
      expect(p.decide(fail)).toMatchObject({ attempt: 3 });
    });
  });

  describe('backoff', () => {
    it('waits delay * backoff^(n-1), capped at max_delay', () => {
      const p = policy('always', { delay: 100, backoff: 2, maxDelay: 1_000, minUptime: 5_000 });
      const delays: number[] = [];
      for (let i = 0; i < 7; i += 1) {
        const decision = p.decide({ ...fail, uptime: 0 });
        if (!decision.restart) throw new Error('expected a restart');
        delays.push(decision.delay);
      }
      expect(delays).toEqual([100, 200, 400, 800, 1_000, 1_000, 1_000]);
    });

    it('reports the attempt number and reason with each restart', () => {
      const p = policy('always', { minUptime: 5_000 });
      expect(p.decide({ ...fail, uptime: 0 })).toEqual({
        restart: true,
        delay: 1_000,
        attempt: 1,
        reason: 'restart 1',
      });
      expect(p.decide({ ...fail, uptime: 0 })).toEqual({
        restart: true,
        delay: 2_000,
        attempt: 2,
        reason: 'restart 2',
      });
      expect(p.consecutiveFailures).toBe(2);
    });

    it('uses the documented defaults: 1s doubling up to 30s', () => {
      const p = new RestartPolicy(restartSpec({ policy: 'always' }));
      expect([1, 2, 3, 4, 5, 6, 7].map((n) => p.delayFor(n))).toEqual([
        1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000,
      ]);
      expect(RESTART_DEFAULTS.backoff).toBe(2);
    });

    it('keeps a constant delay with backoff 1', () => {
      const p = policy('always', { delay: 500, backoff: 1 });
      expect([1, 2, 10].map((n) => p.delayFor(n))).toEqual([500, 500, 500]);
    });

    it('rounds fractional delays to whole milliseconds', () => {
      const p = policy('always', { delay: 100, backoff: 1.5, maxDelay: 10_000 });
      expect([1, 2, 3, 4].map((n) => p.delayFor(n))).toEqual([100, 150, 225, 338]);
    });

    it('treats attempt 0 or less like the first attempt', () => {
      const p = policy('always', { delay: 100, backoff: 3 });
      expect(p.delayFor(0)).toBe(100);
      expect(p.delayFor(-2)).toBe(100);
    });

    it('caps at max_delay even when delay itself is larger', () => {
      const p = policy('always', { delay: 5_000, maxDelay: 2_000 });
      expect(p.delayFor(1)).toBe(2_000);
    });

    it('does not overflow into Infinity/NaN for huge attempt numbers', () => {
      const p = policy('always', { delay: 1_000, backoff: 2, maxDelay: 30_000 });
      expect(p.delayFor(5_000)).toBe(30_000);
    });
  });

  describe('min_uptime', () => {
    it('a run that lasted min_uptime resets the backoff delay, not the retry count', () => {
      const p = policy('always', { delay: 100, backoff: 2, maxDelay: 10_000, minUptime: 1_000 });
      expect(p.decide({ ...fail, uptime: 10 })).toMatchObject({ attempt: 1, delay: 100 });
      expect(p.decide({ ...fail, uptime: 10 })).toMatchObject({ attempt: 2, delay: 200 });
      expect(p.decide({ ...fail, uptime: 999 })).toMatchObject({ attempt: 3, delay: 400 });
      // Exactly min_uptime counts as a stable run: the delay starts over, the count goes on.
      expect(p.decide({ ...fail, uptime: 1_000 })).toMatchObject({ attempt: 4, delay: 100 });
      expect(p.decide({ ...fail, uptime: 0 })).toMatchObject({ attempt: 5, delay: 200 });
      expect(p.decide({ ...fail, uptime: 59_999 })).toMatchObject({ attempt: 6, delay: 100 });
      expect(p.consecutiveFailures).toBe(6);
    });

    it('runs that outlast min_uptime but keep failing exhaust max_retries (sleep 1; exit 3)', () => {
      const p = policy('on-failure', { maxRetries: 2, delay: 200, minUptime: 1_000 });
      const oneSecond: ExitInfo = { code: 3, signal: null, uptime: 1_005 };
      expect(p.decide(oneSecond)).toMatchObject({ restart: true, attempt: 1, delay: 200 });
      expect(p.decide(oneSecond)).toMatchObject({ restart: true, attempt: 2, delay: 200 });
      expect(p.decide(oneSecond)).toEqual({
        restart: false,
        giveUp: true,
        reason: 'gave up after 2 restarts',
      });
    });

    it('a long successful run that is not restarted clears the count', () => {
      const p = policy('on-failure', { minUptime: 1_000 });
      p.decide({ ...fail, uptime: 0 });
      p.decide({ ...fail, uptime: 0 });
      expect(p.consecutiveFailures).toBe(2);
      expect(p.decide({ ...ok, uptime: 2_000 })).toMatchObject({ restart: false });
      expect(p.consecutiveFailures).toBe(0);
    });

    it('under "always", a successful run of min_uptime clears the count; a quick one does not', () => {
      const p = policy('always', { maxRetries: 2, delay: 100, backoff: 2, minUptime: 1_000 });
      expect(p.decide({ ...ok, uptime: 10 })).toMatchObject({ restart: true, attempt: 1, delay: 100 });
      expect(p.decide({ ...ok, uptime: 10 })).toMatchObject({ restart: true, attempt: 2, delay: 200 });
      expect(p.decide({ ...ok, uptime: 1_000 })).toMatchObject({ restart: true, attempt: 1, delay: 100 });
    });
  });

  describe('reset_after and good runs', () => {
    it('a run that lasted reset_after gives back the whole budget and the backoff', () => {
      const p = policy('on-failure', {
        maxRetries: 2,
        delay: 100,
        backoff: 2,
        minUptime: 1_000,
        resetAfter: 60_000,
      });
      expect(p.decide({ ...fail, uptime: 0 })).toMatchObject({ attempt: 1, delay: 100 });
      expect(p.decide({ ...fail, uptime: 0 })).toMatchObject({ attempt: 2, delay: 200 });
      expect(p.decide({ ...fail, uptime: 59_999 })).toMatchObject({ restart: false, giveUp: true });
      const q = policy('on-failure', { maxRetries: 2, delay: 100, minUptime: 1_000, resetAfter: 60_000 });
      q.decide({ ...fail, uptime: 0 });
      q.decide({ ...fail, uptime: 0 });
      // Exactly reset_after counts.
      expect(q.decide({ ...fail, uptime: 60_000 })).toMatchObject({ restart: true, attempt: 1, delay: 100 });
    });

    it('honours a reset_after shorter than the default', () => {
      const p = policy('on-failure', { maxRetries: 1, minUptime: 500, resetAfter: 5_000 });
      expect(p.decide({ ...fail, uptime: 5_000 })).toMatchObject({ restart: true, attempt: 1 });
      expect(p.decide({ ...fail, uptime: 5_000 })).toMatchObject({ restart: true, attempt: 1 });
      expect(p.decide({ ...fail, uptime: 4_999 })).toMatchObject({ restart: false, giveUp: true });
    });

    it('markGood (the run became ready or healthy) resets the count and the backoff', () => {
      const p = policy('on-failure', { maxRetries: 2, delay: 100, backoff: 2, minUptime: 1_000 });
      p.decide({ ...fail, uptime: 0 });
      p.decide({ ...fail, uptime: 0 });
      p.markGood();
      expect(p.consecutiveFailures).toBe(0);
      // The run that became ready then crashed soon after: still the first restart of a new budget.
      expect(p.decide({ ...fail, uptime: 10 })).toMatchObject({ restart: true, attempt: 1, delay: 100 });
      expect(p.decide({ ...fail, uptime: 10 })).toMatchObject({ restart: true, attempt: 2, delay: 200 });
      expect(p.decide({ ...fail, uptime: 10 })).toMatchObject({ restart: false, giveUp: true });
    });
  });

  describe('max_retries', () => {
    it('gives up once max_retries restarts in a row had no good run', () => {
      const p = policy('always', { maxRetries: 3, minUptime: 1_000 });
      for (let attempt = 1; attempt <= 3; attempt += 1) {
        expect(p.decide({ ...fail, uptime: 0 })).toMatchObject({ restart: true, attempt });
      }
      expect(p.decide({ ...fail, uptime: 0 })).toEqual({
        restart: false,
        giveUp: true,
        reason: 'gave up after 3 restarts',
      });
      // Still given up on a further exit: the count did not move.
      expect(p.decide({ ...fail, uptime: 0 })).toMatchObject({ restart: false, giveUp: true });
      expect(p.consecutiveFailures).toBe(3);
    });

    it('says "restart" in the singular for max_retries 1', () => {
      const p = policy('on-failure', { maxRetries: 1 });
      p.decide({ ...fail, uptime: 0 });
      expect(p.decide({ ...fail, uptime: 0 })).toEqual({
        restart: false,
        giveUp: true,
        reason: 'gave up after 1 restart',
      });
    });

    it('max_retries 0 gives up at the first failure', () => {
      const p = policy('on-failure', { maxRetries: 0 });
      expect(p.decide({ ...fail, uptime: 0 })).toMatchObject({ restart: false, giveUp: true });
    });

    it('max_retries 0 does not "give up" on a success that needs no restart', () => {
      const p = policy('on-failure', { maxRetries: 0 });
      expect(p.decide({ ...ok, uptime: 0 })).toMatchObject({ restart: false, giveUp: false });
    });

    it('null max_retries never gives up', () => {
      const p = policy('always', { maxRetries: null, maxDelay: 5 });
      for (let attempt = 1; attempt <= 500; attempt += 1) {
        const decision = p.decide({ ...fail, uptime: 0 });
        expect(decision.restart).toBe(true);
      }
      expect(p.consecutiveFailures).toBe(500);
    });
  });

  describe('reset', () => {
    it('forgets the failure history: backoff and retries start over', () => {
      const p = policy('always', { maxRetries: 2, delay: 100, backoff: 2, minUptime: 1_000 });
      p.decide({ ...fail, uptime: 0 });
      p.decide({ ...fail, uptime: 0 });
      expect(p.decide({ ...fail, uptime: 0 })).toMatchObject({ restart: false, giveUp: true });
      p.reset();
      expect(p.consecutiveFailures).toBe(0);
      expect(p.decide({ ...fail, uptime: 0 })).toMatchObject({ restart: true, attempt: 1, delay: 100 });
    });
  });
});
