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
 * Decides, after an unrequested exit, whether to restart and after what delay. It keeps the count of
 * consecutive short runs: a run that lasted `min_uptime` resets the count and with it the backoff.
 * Requested stops never reach the policy.
 */
export class RestartPolicy {
  #consecutive = 0;

  constructor(private readonly spec: RestartSpec) {}

  /** Restarts in a row that did not reach `min_uptime`. */
  get consecutiveFailures(): number {
    return this.#consecutive;
  }

  /**
   * @param forced the exit was caused by ovrseer (unhealthy, over a limit): a restart is wanted even
   *   under policy `no`, still bounded by `max_retries` and the backoff.
   */
  decide(exit: ExitInfo, forced = false): RestartDecision {
    const success = !forced && isSuccessfulExit(this.spec, exit);
    if (exit.uptime >= this.spec.minUptime) this.#consecutive = 0;
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
    return { restart: true, delay: this.delayFor(attempt), attempt, reason: `restart ${attempt}` };
  }

  /** Exponential backoff: `delay * backoff^(attempt-1)`, capped at `max_delay`. */
  delayFor(attempt: number): number {
    const raw = this.spec.delay * this.spec.backoff ** Math.max(0, attempt - 1);
    return Math.min(Math.round(raw), this.spec.maxDelay);
  }

  /** A manual start or restart forgets the history of failures. */
  reset(): void {
    this.#consecutive = 0;
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
