import { describe, expect, it } from 'vitest';
import { CrashLoopBreaker } from '../../../src/core/restart/crash-loop.js';
import { type ExitVerdict, RestartController } from '../../../src/core/restart/restart-controller.js';
import { FakeClock } from '../../helpers/fake-clock.js';
import { restartSpec } from './spec-builder.js';

const crash = (uptime: number, code = 1) => ({ code, signal: null, uptime });

describe('CrashLoopBreaker', () => {
  const breaker = () => new CrashLoopBreaker({ maxCrashes: 3, window: 10_000 });

  it('trips after maxCrashes crashes within the window, naming the setting', () => {
    const b = breaker();
    expect(b.record(1000)).toBeNull();
    expect(b.record(2000)).toBeNull();
    expect(b.record(4000)).toBe('crash loop: crashed 3 times in 3s (crash_loop: max_crashes 3 within 10s)');
  });

  it('forgets crashes older than the window', () => {
    const b = breaker();
    b.record(0);
    b.record(1000);
    expect(b.record(20_000)).toBeNull();
    expect(b.record(21_000)).toBeNull();
    expect(b.record(22_000)).toMatch(/^crash loop: crashed 3 times in 2s/);
  });

  it('reset() clears it', () => {
    const b = breaker();
    b.record(0);
    b.record(100);
    b.reset();
    expect(b.record(200)).toBeNull();
  });
});

describe('RestartController', () => {
  it('restarts with backoff and records the history with the chosen delays', () => {
    const c = new RestartController(
      restartSpec({ policy: 'on-failure', delay: 100, backoff: 2, crashLoop: null }),
    );
    expect(c.onExit(crash(10), 1000)).toMatchObject({ outcome: 'restart', delay: 100, attempt: 1 });
    expect(c.onExit(crash(10), 2000)).toMatchObject({ outcome: 'restart', delay: 200, attempt: 2 });
    expect(c.history().map((record) => [record.time, record.exitCode, record.delay, record.reason])).toEqual([
      [1000, 1, 100, 'exited with code 1'],
      [2000, 1, 200, 'exited with code 1'],
    ]);
    expect(c.counters(null)).toEqual({
      restarts: 2,
      crashes: 2,
      lastExitCode: 1,
      lastExitSignal: null,
      uptimeMs: null,
    });
  });

  it('is done after a success under on-failure, and counts no crash', () => {
    const c = new RestartController(restartSpec({ policy: 'on-failure' }));
    expect(c.onExit(crash(10, 0), 1)).toEqual({
      outcome: 'done',
      success: true,
      description: 'exited with code 0',
    });
    expect(c.counters(null).crashes).toBe(0);
  });

  it('gives up after max_retries with a reason naming the last run', () => {
    const c = new RestartController(restartSpec({ policy: 'always', maxRetries: 1, crashLoop: null }));
    expect(c.onExit(crash(10), 1).outcome).toBe('restart');
    expect(c.onExit(crash(10), 2)).toEqual({
      outcome: 'give-up',
      description: 'gave up after 1 restart; last run exited with code 1',
      crashLoop: false,
    });
  });

  it('trips the crash-loop breaker before max_retries, and a reset clears it', () => {
    const c = new RestartController(
      restartSpec({ policy: 'always', minUptime: 1000, crashLoop: { maxCrashes: 3, window: 60_000 } }),
    );
    expect(c.onExit(crash(30), 100).outcome).toBe('restart');
    expect(c.onExit(crash(30), 200).outcome).toBe('restart');
    const verdict = c.onExit(crash(30), 12_100);
    expect(verdict).toMatchObject({ outcome: 'give-up', crashLoop: true });
    expect(verdict.description).toBe(
      'crash loop: crashed 3 times in 12s (crash_loop: max_crashes 3 within 1m); last run exited with code 1',
    );
    c.reset();
    expect(c.onExit(crash(30), 13_000).outcome).toBe('restart');
  });

  it('restarts an unhealthy process even under policy "no", describing the cause', () => {
    const c = new RestartController(restartSpec({ policy: 'no', delay: 50 }));
    const verdict = c.onExit({ code: null, signal: 'SIGTERM', uptime: 5000 }, 1, {
      kind: 'unhealthy',
      reason: 'unhealthy: http GET … failed 3 times',
    });
    expect(verdict).toMatchObject({ outcome: 'restart', delay: 50 });
    expect(c.history()[0]?.reason).toBe('unhealthy: http GET … failed 3 times (killed by SIGTERM)');
    expect(c.counters(null)).toMatchObject({ crashes: 1, lastExitSignal: 'SIGTERM' });
  });
});

/**
 * Runs a process through the controller on a fake clock as ManagedProcess does: each run lasts
 * `uptime`, ends, and the next one starts after the delay the verdict chose.
 */
function driver(spec: Parameters<typeof restartSpec>[0]) {
  const clock = new FakeClock(1_000_000);
  const controller = new RestartController(restartSpec(spec));
  const verdicts: ExitVerdict[] = [];
  return {
    controller,
    verdicts,
    /** One run; `ready` marks it good after `readyAfter` ms. */
    run(uptime: number, options: { code?: number; readyAfter?: number } = {}): ExitVerdict {
      if (options.readyAfter !== undefined) {
        clock.advance(options.readyAfter);
        controller.markRunGood();
        clock.advance(uptime - options.readyAfter);
      } else {
        clock.advance(uptime);
      }
      const verdict = controller.onExit({ code: options.code ?? 1, signal: null, uptime }, clock.now());
      verdicts.push(verdict);
      if (verdict.outcome === 'restart') clock.advance(verdict.delay);
      return verdict;
    },
    /** Runs until the controller stops restarting, at most `limit` runs. */
    runUntilStopped(uptime: number, limit = 100): ExitVerdict {
      for (let i = 0; i < limit; i += 1) {
        const verdict = this.run(uptime);
        if (verdict.outcome !== 'restart') return verdict;
      }
      throw new Error(`still restarting after ${limit} runs`);
    },
  };
}

describe('RestartController: retry budget, min_uptime and reset_after', () => {
  it('stops `sleep 1; exit 3` at max_retries 2: each run outlasts min_uptime, none is good', () => {
    const d = driver({ policy: 'on-failure', maxRetries: 2, delay: 200, minUptime: 1_000, crashLoop: null });
    const last = d.runUntilStopped(1_005);
    expect(d.verdicts.map((v) => v.outcome)).toEqual(['restart', 'restart', 'give-up']);
    expect(last).toEqual({
      outcome: 'give-up',
      description: 'gave up after 2 restarts; last run exited with code 1',
      crashLoop: false,
    });
    expect(d.controller.counters(null)).toMatchObject({ restarts: 2, crashes: 3 });
  });

  it('a min_uptime run brings the delay back to the base delay, but the count goes on', () => {
    const d = driver({
      policy: 'always',
      maxRetries: 4,
      delay: 100,
      backoff: 2,
      minUptime: 1_000,
      crashLoop: null,
    });
    expect(d.run(10)).toMatchObject({ outcome: 'restart', attempt: 1, delay: 100 });
    expect(d.run(10)).toMatchObject({ outcome: 'restart', attempt: 2, delay: 200 });
    expect(d.run(10)).toMatchObject({ outcome: 'restart', attempt: 3, delay: 400 });
    expect(d.run(1_500)).toMatchObject({ outcome: 'restart', attempt: 4, delay: 100 });
    expect(d.run(1_500)).toMatchObject({ outcome: 'give-up' });
    expect(d.controller.history().map((record) => record.delay)).toEqual([100, 200, 400, 100, null]);
  });

  it('a run that became ready gives back the budget, even if it crashed soon after', () => {
    const d = driver({ policy: 'on-failure', maxRetries: 2, delay: 100, minUptime: 1_000, crashLoop: null });
    d.run(10);
    d.run(10);
    // Without the ready, this third crash would be the give-up.
    expect(d.run(300, { readyAfter: 200 })).toMatchObject({ outcome: 'restart', attempt: 1, delay: 100 });
    expect(d.run(10)).toMatchObject({ outcome: 'restart', attempt: 2 });
    expect(d.run(10)).toMatchObject({ outcome: 'give-up' });
  });

  it('a run longer than reset_after gives back the budget', () => {
    const d = driver({
      policy: 'on-failure',
      maxRetries: 1,
      delay: 100,
      minUptime: 1_000,
      resetAfter: 30_000,
      crashLoop: null,
    });
    expect(d.run(10)).toMatchObject({ outcome: 'restart', attempt: 1 });
    expect(d.run(30_000)).toMatchObject({ outcome: 'restart', attempt: 1 });
    expect(d.run(29_999)).toMatchObject({ outcome: 'give-up' });
  });

  it('the breaker trips on crashes of any uptime within its window', () => {
    // Each run lasts 5 s (well past min_uptime) and becomes ready: max_retries alone never stops it.
    const d = driver({
      policy: 'always',
      maxRetries: 3,
      delay: 100,
      minUptime: 1_000,
      crashLoop: { maxCrashes: 5, window: 60_000 },
    });
    for (let i = 0; i < 4; i += 1) {
      expect(d.run(5_000, { readyAfter: 1_000 })).toMatchObject({ outcome: 'restart', attempt: 1 });
    }
    const verdict = d.run(5_000, { readyAfter: 1_000 });
    expect(verdict).toMatchObject({ outcome: 'give-up', crashLoop: true });
    expect(verdict.description).toBe(
      'crash loop: crashed 5 times in 20.4s (crash_loop: max_crashes 5 within 1m); last run exited with code 1',
    );
  });

  it('the breaker lets crashes spaced wider than its window go on', () => {
    const d = driver({
      policy: 'always',
      delay: 100,
      minUptime: 1_000,
      resetAfter: 10_000,
      crashLoop: { maxCrashes: 3, window: 60_000 },
    });
    for (let i = 0; i < 10; i += 1) expect(d.run(31_000).outcome).toBe('restart');
  });

  it('the breaker counts a clean exit only when it came sooner than min_uptime', () => {
    const quick = driver({
      policy: 'always',
      delay: 10,
      minUptime: 1_000,
      crashLoop: { maxCrashes: 3, window: 60_000 },
    });
    expect(quick.runUntilStopped(50)).toMatchObject({ outcome: 'give-up', crashLoop: true });
    expect(quick.verdicts).toHaveLength(3);
    const steady = driver({
      policy: 'always',
      delay: 10,
      minUptime: 1_000,
      crashLoop: { maxCrashes: 3, window: 60_000 },
    });
    for (let i = 0; i < 10; i += 1) expect(steady.run(2_000, { code: 0 }).outcome).toBe('restart');
  });

  it('says whether a restarted exit was a success, so only crashes are reported', () => {
    const c = new RestartController(restartSpec({ policy: 'always', crashLoop: null }));
    expect(c.onExit(crash(10, 0), 1)).toMatchObject({ outcome: 'restart', success: true });
    expect(c.onExit(crash(10, 1), 2)).toMatchObject({ outcome: 'restart', success: false });
  });
});
