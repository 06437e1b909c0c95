import { Cron } from 'croner';
import type { Clock, ClockTimer } from '../clock.js';

/** Longest single wait; a far-away run is reached in steps, so clock jumps and timer limits do no harm. */
const MAX_WAIT_MS = 60 * 60 * 1000;

/**
 * Fires `onFire` at each time of a cron expression. Times come from croner; the waiting is done on the
 * injected clock, so it is unit-tested without real time.
 */
export class CronTrigger {
  readonly #pattern: Cron;
  #timer: ClockTimer | null = null;
  #stopped = false;

  constructor(
    readonly expression: string,
    private readonly clock: Clock,
    private readonly onFire: (scheduled: Date) => void,
  ) {
    this.#pattern = new Cron(expression, { paused: true });
  }

  start(): void {
    this.#stopped = false;
    this.#scheduleNext();
  }

  stop(): void {
    this.#stopped = true;
    if (this.#timer !== null) this.clock.clearTimeout(this.#timer);
    this.#timer = null;
  }

  /** The next time it will fire, from now. */
  next(): Date | null {
    return this.#pattern.nextRun(new Date(this.clock.now()));
  }

  #scheduleNext(): void {
    if (this.#stopped) return;
    const next = this.next();
    if (next === null) return;
    const wait = next.getTime() - this.clock.now();
    this.#timer = this.clock.setTimeout(
      () => {
        this.#timer = null;
        if (this.clock.now() >= next.getTime()) this.onFire(next);
        this.#scheduleNext();
      },
      Math.min(Math.max(wait, 0), MAX_WAIT_MS),
    );
  }
}
