import { describe, expect, it } from 'vitest';
import { waitAtMost } from '../../../src/core/clock.js';
import { FakeClock } from '../../helpers/fake-clock.js';

describe('waitAtMost', () => {
  it('is true when the promise settles first, and leaves no timer behind', async () => {
    const clock = new FakeClock();
    expect(await waitAtMost(clock, Promise.resolve(), 10_000)).toBe(true);
    expect(await waitAtMost(clock, Promise.reject(new Error('settled is settled')), 10_000)).toBe(true);
    expect(clock.pendingTimers).toBe(0);
  });

  it('is false when the time runs out first, and leaves no timer behind', async () => {
    const clock = new FakeClock();
    const waiting = waitAtMost(clock, new Promise(() => undefined), 500);
    await clock.advanceAsync(500);
    expect(await waiting).toBe(false);
    expect(clock.pendingTimers).toBe(0);
  });
});
