import { describe, expect, it } from 'vitest';
import { sleep } from '../../../src/core/clock.js';
import { FakeClock } from '../../helpers/fake-clock.js';

describe('FakeClock', () => {
  it('starts at the given time and only moves when advanced', () => {
    const clock = new FakeClock(1_000);
    expect(clock.now()).toBe(1_000);
    clock.advance(250);
    expect(clock.now()).toBe(1_250);
  });

  it('fires due timers in due order, then scheduling order, with now set to each due time', () => {
    const clock = new FakeClock();
    const fired: string[] = [];
    clock.setTimeout(() => fired.push(`b@${clock.now()}`), 20);
    clock.setTimeout(() => fired.push(`a@${clock.now()}`), 10);
    clock.setTimeout(() => fired.push(`c@${clock.now()}`), 20);
    clock.setTimeout(() => fired.push(`late@${clock.now()}`), 31);
    clock.advance(30);
    expect(fired).toEqual(['a@10', 'b@20', 'c@20']);
    expect(clock.now()).toBe(30);
    expect(clock.pendingTimers).toBe(1);
    expect(clock.nextTimerIn()).toBe(1);
  });

  it('fires timers scheduled by callbacks during the advance when they fall due within it', () => {
    const clock = new FakeClock();
    const fired: number[] = [];
    const tick = (): void => {
      fired.push(clock.now());
      clock.setTimeout(tick, 100);
    };
    clock.setTimeout(tick, 100);
    clock.advance(350);
    expect(fired).toEqual([100, 200, 300]);
    expect(clock.nextTimerIn()).toBe(50);
  });

  it('does not fire cleared timers; treats negative delays as 0', () => {
    const clock = new FakeClock();
    const fired: string[] = [];
    const timer = clock.setTimeout(() => fired.push('cleared'), 5);
    clock.setTimeout(() => fired.push('now'), -5);
    clock.clearTimeout(timer);
    clock.advance(0);
    expect(fired).toEqual(['now']);
    expect(clock.pendingTimers).toBe(0);
    expect(clock.nextTimerIn()).toBeNull();
  });

  it('advance() alone does not run promise continuations; advanceAsync() does', async () => {
    const clock = new FakeClock();
    const steps: number[] = [];
    const chain = async (): Promise<void> => {
      await sleep(clock, 10);
      steps.push(clock.now());
      await sleep(clock, 10);
      steps.push(clock.now());
    };
    void chain();
    clock.advance(20);
    // The first sleep fired at 10, but its continuation has not run, so the second sleep is not scheduled.
    expect(steps).toEqual([]);
    expect(clock.pendingTimers).toBe(0);
    await clock.advanceAsync(20);
    // The continuation runs at 20 (when microtasks get their turn) and the second sleep ends at 30.
    expect(steps).toEqual([20, 30]);
  });

  it('advanceAsync lets async code chained on timers progress within one call', async () => {
    const clock = new FakeClock();
    const steps: number[] = [];
    void (async () => {
      for (let i = 0; i < 3; i += 1) {
        await sleep(clock, 100);
        steps.push(clock.now());
      }
    })();
    await clock.advanceAsync(300);
    expect(steps).toEqual([100, 200, 300]);
  });

  it('runAllAsync fires everything and guards against endless rescheduling', async () => {
    const clock = new FakeClock();
    const fired: number[] = [];
    clock.setTimeout(() => fired.push(clock.now()), 5_000);
    clock.setTimeout(() => fired.push(clock.now()), 1);
    await clock.runAllAsync();
    expect(fired).toEqual([1, 5_000]);
    const forever = (): void => {
      clock.setTimeout(forever, 1);
    };
    forever();
    await expect(clock.runAllAsync(50)).rejects.toThrow(/still timers pending/);
  });

  it('works with sleep() aborts', async () => {
    const clock = new FakeClock();
    const controller = new AbortController();
    const sleeping = sleep(clock, 1_000, controller.signal);
    controller.abort(new Error('stop'));
    await expect(sleeping).rejects.toThrow('stop');
    expect(clock.pendingTimers).toBe(0);
  });
});
