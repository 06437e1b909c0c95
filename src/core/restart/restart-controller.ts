import type { RestartSpec } from '../../config/spec.js';
import { RingBuffer } from '../ring-buffer.js';
import { CrashLoopBreaker } from './crash-loop.js';
import type { ProcessCounters, RestartRecord } from './history.js';
import { describeExit, type ExitInfo, isSuccessfulExit, RestartPolicy } from './policy.js';

/** Restart history entries kept per instance. */
const HISTORY_SIZE = 100;

/** Why a run ended when ovrseer ended it without being asked to stop (so the policy still applies). */
export type ExitCause = { kind: 'unhealthy' | 'memoryLimit' | 'cpuLimit'; reason: string };

export type ExitVerdict =
  | { outcome: 'restart'; delay: number; attempt: number; description: string; success: boolean }
  | { outcome: 'done'; success: boolean; description: string }
  | { outcome: 'give-up'; description: string; crashLoop: boolean };

/**
 * Everything that follows an exit nobody asked for: the restart policy (with backoff and
 * `max_retries`), the crash-loop breaker, the restart history and the counters — in that order, in
 * one place, so the ManagedProcess only acts on the verdict.
 */
export class RestartController {
  #policy: RestartPolicy;
  #breaker: CrashLoopBreaker | null;
  readonly #history = new RingBuffer<RestartRecord>(HISTORY_SIZE);
  #restarts = 0;
  #crashes = 0;
  #lastExit: Pick<ExitInfo, 'code' | 'signal'> | null = null;

  constructor(private spec: RestartSpec) {
    this.#policy = new RestartPolicy(spec);
    this.#breaker = spec.crashLoop === null ? null : new CrashLoopBreaker(spec.crashLoop);
  }

  /**
   * A live reload changed the policy: the next exit is judged by the new one, from a fresh backoff and
   * breaker; the history and counters stay.
   */
  reconfigure(spec: RestartSpec): void {
    this.spec = spec;
    this.#policy = new RestartPolicy(spec);
    this.#breaker = spec.crashLoop === null ? null : new CrashLoopBreaker(spec.crashLoop);
  }

  onExit(exit: ExitInfo, endTime: number, cause: ExitCause | null = null): ExitVerdict {
    this.#lastExit = { code: exit.code, signal: exit.signal };
    const success = cause === null && isSuccessfulExit(this.spec, exit);
    const description = cause === null ? describeExit(exit) : `${cause.reason} (${describeExit(exit)})`;
    if (!success) this.#crashes += 1;
    this.#breaker?.observe(endTime - exit.uptime);
    // An unhealthy or over-limit process is restarted even under policy "no": that is what its
    // `on_failure: restart` / limit asked for.
    const decision = this.#policy.decide(exit, cause !== null);
    const record = (delay: number | null, reason: string): void => {
      this.#history.push({
        time: endTime,
        exitCode: exit.code,
        signal: exit.signal,
        uptime: exit.uptime,
        reason,
        delay,
      });
    };
    if (!decision.restart) {
      record(null, decision.giveUp ? `${description}; ${decision.reason}` : description);
      if (decision.giveUp)
        return {
          outcome: 'give-up',
          description: `${decision.reason}; last run ${description}`,
          crashLoop: false,
        };
      return { outcome: 'done', success, description };
    }
    // By default every crash counts, however long its run; a clean exit only when it came too soon (a
    // process that exits 0 at once under `always` is looping as surely as one that crashes).
    const counts = this.#breaker?.counts({ uptime: exit.uptime, success }, this.spec.minUptime) ?? false;
    const tripped = counts ? (this.#breaker?.record(endTime) ?? null) : null;
    if (tripped !== null) {
      record(null, `${description}; ${tripped}`);
      return { outcome: 'give-up', description: `${tripped}; last run ${description}`, crashLoop: true };
    }
    this.#restarts += 1;
    record(decision.delay, description);
    return { outcome: 'restart', delay: decision.delay, attempt: decision.attempt, description, success };
  }

  /**
   * The current run became ready, or its liveness probe reported healthy: it gives back the retry
   * budget and the backoff. The crash-loop breaker keeps counting: crashes soon after each ready are
   * a loop too.
   */
  markRunGood(): void {
    this.#policy.markGood();
  }

  /** A manual start or restart: forget failures, so a give-up or tripped breaker is cleared. */
  reset(): void {
    this.#policy.reset();
    this.#breaker?.reset();
  }

  history(): RestartRecord[] {
    return this.#history.toArray();
  }

  counters(uptimeMs: number | null): ProcessCounters {
    return {
      restarts: this.#restarts,
      crashes: this.#crashes,
      lastExitCode: this.#lastExit?.code ?? null,
      lastExitSignal: this.#lastExit?.signal ?? null,
      uptimeMs,
    };
  }
}
