import type { RestartSpec } from '../../config/spec.js';

/**
 * The crash-loop breaker: a process that keeps dying is not helped by more restarts. When
 * `maxCrashes` crashes fall within `window`, whatever each run's uptime, the breaker trips — pm2's
 * "errored" and systemd's start limit, but explained. Which exits count is the caller's decision.
 */
export type CrashLoopSpec = NonNullable<RestartSpec['crashLoop']>;

export class CrashLoopBreaker {
  /** End times of the crashes still within the window. */
  #crashes: number[] = [];
  /** Start of the first run since the last reset (`first-start` windows). */
  #firstStart: number | null = null;

  constructor(private readonly spec: CrashLoopSpec) {}

  /** Every exit, counted or not: the first one says when the first run started. */
  observe(startTime: number): void {
    this.#firstStart ??= startTime;
  }

  /** Records a crash; returns the reason when the breaker trips, otherwise null. */
  record(endTime: number): string | null {
    if (this.spec.windowFrom === 'first-start') {
      const first = this.#firstStart ?? endTime;
      if (endTime - first >= this.spec.window) return null;
      this.#crashes.push(endTime);
    } else {
      this.#crashes.push(endTime);
      this.#crashes = this.#crashes.filter((time) => endTime - time <= this.spec.window);
    }
    if (this.#crashes.length < this.spec.maxCrashes) return null;
    const first = this.#crashes[0] ?? endTime;
    const span = Math.max(endTime - first, 0);
    return `crash loop: ${this.#what()} ${this.#crashes.length} times in ${formatSpan(span)} (crash_loop: max_crashes ${this.spec.maxCrashes} within ${formatSpan(this.spec.window)}${this.#settings()})`;
  }

  /** Whether an exit is one this breaker counts. */
  counts(exit: { uptime: number; success: boolean }, minUptime: number): boolean {
    if (this.spec.shorterThan !== undefined) return exit.uptime < this.spec.shorterThan;
    return !exit.success || exit.uptime < minUptime;
  }

  reset(): void {
    this.#crashes = [];
    this.#firstStart = null;
  }

  #what(): string {
    return this.spec.shorterThan === undefined
      ? 'crashed'
      : `ended sooner than ${formatSpan(this.spec.shorterThan)}`;
  }

  #settings(): string {
    const shorter =
      this.spec.shorterThan === undefined ? '' : `, shorter_than ${formatSpan(this.spec.shorterThan)}`;
    const from = this.spec.windowFrom === 'first-start' ? ', window_from first_start' : '';
    return `${shorter}${from}`;
  }
}

function formatSpan(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  return `${Number((ms / 1000).toFixed(1))}s`;
}
