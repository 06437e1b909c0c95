/**
 * The crash-loop breaker: a process that keeps dying is not helped by more restarts. When
 * `maxCrashes` crashes fall within `window`, whatever each run's uptime, the breaker trips — pm2's
 * "errored" and systemd's start limit, but explained. Which exits count is the caller's decision.
 */
export interface CrashLoopSpec {
  maxCrashes: number;
  window: number;
}

export class CrashLoopBreaker {
  /** End times of the crashes still within the window. */
  #crashes: number[] = [];

  constructor(private readonly spec: CrashLoopSpec) {}

  /** Records a crash; returns the reason when the breaker trips, otherwise null. */
  record(endTime: number): string | null {
    this.#crashes.push(endTime);
    this.#crashes = this.#crashes.filter((time) => endTime - time <= this.spec.window);
    if (this.#crashes.length < this.spec.maxCrashes) return null;
    const first = this.#crashes[0] ?? endTime;
    const span = Math.max(endTime - first, 0);
    return `crash loop: crashed ${this.#crashes.length} times in ${formatSpan(span)} (crash_loop: max_crashes ${this.spec.maxCrashes} within ${formatSpan(this.spec.window)})`;
  }

  reset(): void {
    this.#crashes = [];
  }
}

function formatSpan(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  return `${Number((ms / 1000).toFixed(1))}s`;
}
