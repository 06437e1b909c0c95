import { describe, expect, it } from 'vitest';
import { CrashLoopBreaker } from '../../../src/core/restart/crash-loop.js';
import { RestartController } from '../../../src/core/restart/restart-controller.js';
import { restartSpec } from './spec-builder.js';

const crash = (uptime: number, code = 1) => ({ code, signal: null, uptime });

describe('CrashLoopBreaker', () => {
  const breaker = () => new CrashLoopBreaker({ maxCrashes: 3, window: 10_000, minUptime: 1000 });

  it('trips after maxCrashes short runs in a row within the window, explaining why', () => {
    const b = breaker();
    expect(b.record(1000, 100)).toBeNull();
    expect(b.record(2000, 100)).toBeNull();
    expect(b.record(4000, 100)).toBe('crash loop: crashed 3 times in 3s, each within 1s of starting');
  });

  it('is reset by a run that reached min_uptime', () => {
    const b = breaker();
    b.record(1000, 100);
    b.record(2000, 100);
    expect(b.record(8000, 5000)).toBeNull();
    expect(b.record(9000, 100)).toBeNull();
    expect(b.record(9500, 100)).toBeNull();
  });

  it('forgets short runs older than the window', () => {
    const b = breaker();
    b.record(0, 100);
    b.record(1000, 100);
    expect(b.record(20_000, 100)).toBeNull();
  });

  it('reset() clears it', () => {
    const b = breaker();
    b.record(0, 100);
    b.record(100, 100);
    b.reset();
    expect(b.record(200, 100)).toBeNull();
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
      'crash loop: crashed 3 times in 12s, each within 1s of starting; last run exited with code 1',
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
