/**
 * The crash-loop breaker: a process that keeps dying soon after it starts is not helped by more
 * restarts. When `maxCrashes` runs in a row each lasted less than `minUptime`, and they all fell
 * within `window`, the breaker trips — pm2's "errored" and supervisord's FATAL, but explained.
 */
export interface CrashLoopSpec {
  maxCrashes: number;
  window: number;
  minUptime: number;
}

export class CrashLoopBreaker {
  /** End times of consecutive short runs. */
  #shortRuns: number[] = [];

  constructor(private readonly spec: CrashLoopSpec) {}

  /** Records a run's end; returns the reason when the breaker trips, otherwise null. */
  record(endTime: number, uptime: number): string | null {
    if (uptime >= this.spec.minUptime) {
      this.#shortRuns = [];
      return null;
    }
    this.#shortRuns.push(endTime);
    this.#shortRuns = this.#shortRuns.filter((time) => endTime - time <= this.spec.window);
    if (this.#shortRuns.length < this.spec.maxCrashes) return null;
    const first = this.#shortRuns[0] ?? endTime;
    const span = Math.max(endTime - first, 0);
    return `crash loop: crashed ${this.#shortRuns.length} times in ${formatSpan(span)}, each within ${formatSpan(this.spec.minUptime)} of starting`;
  }

  reset(): void {
    this.#shortRuns = [];
  }
}

function formatSpan(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  return `${Number((ms / 1000).toFixed(1))}s`;
}
