import { describe, expect, it } from 'vitest';
import { CrashLoopBreaker } from '../../../src/core/restart/crash-loop.js';
import { RestartController } from '../../../src/core/restart/restart-controller.js';
import { FakeClock } from '../../helpers/fake-clock.js';
import { restartSpec } from './spec-builder.js';

/** pm2's rule (lib/God.js handleExit) with max_restarts 3, min_uptime 1s: window 3 × 1s from created_at. */
const pm2Spec = (maxRestarts = 3, minUptime = 1000) =>
  restartSpec({
    policy: 'always',
    maxRetries: null,
    delay: 0,
    backoff: 1,
    crashLoop: {
      maxCrashes: maxRestarts,
      window: maxRestarts * minUptime,
      shorterThan: minUptime,
      windowFrom: 'first-start',
    },
  });

/** Runs one process life on a fake clock: each run lasts `uptime`, restarts follow their delay. */
function runs(controller: RestartController, uptimes: number[], clock = new FakeClock()) {
  const outcomes: string[] = [];
  for (const uptime of uptimes) {
    clock.advance(uptime);
    const verdict = controller.onExit({ code: 1, signal: null, uptime }, clock.now());
    outcomes.push(verdict.outcome);
    if (verdict.outcome !== 'restart') break;
    clock.advance(verdict.delay);
  }
  return outcomes;
}

describe('crash_loop shorter_than + window_from first_start (pm2 unstable restarts)', () => {
  it('errors on the max_restarts-th short run: 3 runs, 2 restarts, as pm2 (unstable >= max_restarts)', () => {
    expect(runs(new RestartController(pm2Spec()), [10, 10, 10, 10])).toEqual([
      'restart',
      'restart',
      'give-up',
    ]);
  });

  it('a run of min_uptime or longer is not counted, and does not give the count back', () => {
    // Short, long (not counted), short, short: the third short run, 1.53s after the first start, trips.
    expect(runs(new RestartController(pm2Spec(3, 1000)), [10, 1500, 10, 10])).toEqual([
      'restart',
      'restart',
      'restart',
      'give-up',
    ]);
  });

  it('short runs after min_uptime × max_restarts from the first start are never counted', () => {
    const c = new RestartController(pm2Spec(3, 1000));
    const clock = new FakeClock();
    expect(runs(c, [10, 10], clock)).toEqual(['restart', 'restart']);
    clock.advance(5000);
    expect(runs(c, [10, 10, 10, 10], clock)).toEqual(['restart', 'restart', 'restart', 'restart']);
  });

  it('a manual restart (reset) starts a new window from the next run', () => {
    const c = new RestartController(pm2Spec(2, 1000));
    expect(runs(c, [10, 10])).toEqual(['restart', 'give-up']);
    c.reset();
    const clock = new FakeClock();
    clock.advance(60_000);
    expect(runs(c, [10, 10], clock)).toEqual(['restart', 'give-up']);
  });

  it('counts clean exits too when they are short, and names its settings when it trips', () => {
    const b = new CrashLoopBreaker({
      maxCrashes: 2,
      window: 2000,
      shorterThan: 1000,
      windowFrom: 'first-start',
    });
    expect(b.counts({ uptime: 10, success: true }, 5000)).toBe(true);
    expect(b.counts({ uptime: 1000, success: false }, 5000)).toBe(false);
    b.observe(0);
    expect(b.record(10)).toBeNull();
    expect(b.record(20)).toBe(
      'crash loop: ended sooner than 1s 2 times in 10ms (crash_loop: max_crashes 2 within 2s, shorter_than 1s, window_from first_start)',
    );
  });
});
