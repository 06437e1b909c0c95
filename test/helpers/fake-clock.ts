import { setImmediate as nextMacrotask } from 'node:timers/promises';
import type { Clock, ClockTimer } from '../../src/core/clock.js';

interface ScheduledTimer {
  readonly id: number;
  readonly due: number;
  readonly callback: () => void;
}

/**
 * A manual `Clock` for unit tests: time only moves when the test calls `advance`/`advanceAsync`, and
 * due timers fire in order of due time, then of scheduling. Nothing here waits for real time.
 */
export class FakeClock implements Clock {
  #now: number;
  #nextId = 1;
  readonly #timers = new Map<number, ScheduledTimer>();

  constructor(start = 0) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  setTimeout(callback: () => void, ms: number): ClockTimer {
    const delay = Number.isFinite(ms) && ms > 0 ? ms : 0;
    const id = this.#nextId;
    this.#nextId += 1;
    this.#timers.set(id, { id, due: this.#now + delay, callback });
    return { id };
  }

  clearTimeout(timer: ClockTimer): void {
    if (typeof timer.id === 'number') this.#timers.delete(timer.id);
  }

  /** Timers scheduled and not yet fired or cleared. */
  get pendingTimers(): number {
    return this.#timers.size;
  }

  /** Milliseconds until the next timer is due, or `null` when none is scheduled. */
  nextTimerIn(): number | null {
    const next = this.#next(Number.POSITIVE_INFINITY);
    return next === undefined ? null : next.due - this.#now;
  }

  /**
   * Moves time forward by `ms`, firing every timer due on the way in order — including timers that
   * callbacks schedule during the advance, if they fall due before its end. Synchronous: promise
   * continuations run only after it returns.
   */
  advance(ms: number): void {
    const target = this.#now + Math.max(0, ms);
    for (let timer = this.#next(target); timer !== undefined; timer = this.#next(target)) {
      this.#fire(timer);
    }
    this.#now = target;
  }

  /**
   * Like `advance`, but lets pending microtasks (and one macrotask turn) run before the first timer,
   * between timers and at the end, so async code chained on timers progresses as time moves.
   */
  async advanceAsync(ms: number): Promise<void> {
    const target = this.#now + Math.max(0, ms);
    await settle();
    for (let timer = this.#next(target); timer !== undefined; timer = this.#next(target)) {
      this.#fire(timer);
      await settle();
    }
    this.#now = target;
    await settle();
  }

  /** Fires timers until none is left, up to `limit` of them (a guard against self-rescheduling loops). */
  async runAllAsync(limit = 10_000): Promise<void> {
    await settle();
    for (let fired = 0; fired < limit; fired += 1) {
      const timer = this.#next(Number.POSITIVE_INFINITY);
      if (timer === undefined) return;
      this.#fire(timer);
      await settle();
    }
    throw new Error(`FakeClock.runAllAsync: still timers pending after ${limit} firings`);
  }

  #next(until: number): ScheduledTimer | undefined {
    let best: ScheduledTimer | undefined;
    for (const timer of this.#timers.values()) {
      if (timer.due > until) continue;
      if (best === undefined || timer.due < best.due || (timer.due === best.due && timer.id < best.id)) {
        best = timer;
      }
    }
    return best;
  }

  #fire(timer: ScheduledTimer): void {
    this.#timers.delete(timer.id);
    if (timer.due > this.#now) this.#now = timer.due;
    timer.callback();
  }
}

/** Lets every queued microtask run (a macrotask turn drains the microtask queue first). */
async function settle(): Promise<void> {
  await nextMacrotask();
}
