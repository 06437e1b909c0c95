import type { RestartSpec } from '../../config/spec.js';

/** How a run ended, as the restart policy sees it. */
export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Milliseconds the run lasted. */
  uptime: number;
}

export type RestartDecision =
  | { restart: true; delay: number; attempt: number; reason: string }
  | { restart: false; giveUp: boolean; reason: string };

/** Whether an exit counts as success: an exit code listed in `exit_codes`, and no signal. */
export function isSuccessfulExit(spec: RestartSpec, exit: Pick<ExitInfo, 'code' | 'signal'>): boolean {
  return exit.signal === null && exit.code !== null && spec.exitCodes.includes(exit.code);
}

/** Describes an exit for people: `exited with code 1`, `killed by SIGKILL`. */
export function describeExit(exit: Pick<ExitInfo, 'code' | 'signal'>): string {
  if (exit.signal !== null) return `killed by ${exit.signal}`;
  if (exit.code === 127) return 'exited with code 127 (command not found)';
  if (exit.code === 126) return 'exited with code 126 (command not executable)';
  return `exited with code ${exit.code ?? 'unknown'}`;
}

/**
 * Decides, after an unrequested exit, whether to restart and after what delay. Two counts, reset by
 * different things (docs/decisions.md, "Retry budget, min_uptime and reset_after"):
 * - the retry budget (`max_retries`): restarts since the last good run — one that became ready or
 *   healthy (`markGood`), lasted `reset_after`, or exited successfully after `min_uptime`;
 * - the backoff step: also reset by any run that lasted `min_uptime`, so a process that fails after
 *   a while is retried soon, but not forever.
 * Requested stops never reach the policy.
 */
export class RestartPolicy {
  #consecutive = 0;
  #backoffStep = 0;

  constructor(private readonly spec: RestartSpec) {}

  /** Restarts since the last good run (what `max_retries` limits). */
  get consecutiveFailures(): number {
    return this.#consecutive;
  }

  /**
   * @param forced the exit was caused by ovrseer (unhealthy, over a limit): a restart is wanted even
   *   under policy `no`, still bounded by `max_retries` and the backoff.
   */
  decide(exit: ExitInfo, forced = false): RestartDecision {
    const success = !forced && isSuccessfulExit(this.spec, exit);
    const stable = exit.uptime >= this.spec.minUptime;
    if (exit.uptime >= this.spec.resetAfter || (success && stable)) this.markGood();
    else if (stable) this.#backoffStep = 0;
    const wanted = forced || this.#wantsRestart(success);
    if (!wanted) {
      return { restart: false, giveUp: false, reason: `restart policy "${this.spec.policy}"` };
    }
    const attempt = this.#consecutive + 1;
    if (this.spec.maxRetries !== null && attempt > this.spec.maxRetries) {
      return {
        restart: false,
        giveUp: true,
        reason: `gave up after ${this.spec.maxRetries} restart${this.spec.maxRetries === 1 ? '' : 's'}`,
      };
    }
    this.#consecutive = attempt;
    this.#backoffStep += 1;
    return { restart: true, delay: this.delayFor(this.#backoffStep), attempt, reason: `restart ${attempt}` };
  }

  /** The current run became ready or healthy: it gives back the retry budget and the backoff. */
  markGood(): void {
    this.#consecutive = 0;
    this.#backoffStep = 0;
  }

  /** Exponential backoff: `delay * backoff^(step-1)`, capped at `max_delay`. */
  delayFor(step: number): number {
    const raw = this.spec.delay * this.spec.backoff ** Math.max(0, step - 1);
    return Math.min(Math.round(raw), this.spec.maxDelay);
  }

  /** A manual start or restart forgets the history of failures. */
  reset(): void {
    this.markGood();
  }

  #wantsRestart(success: boolean): boolean {
    switch (this.spec.policy) {
      case 'no':
        return false;
      case 'on-failure':
        return !success;
      case 'always':
      case 'unless-stopped':
        return true;
    }
  }
}
