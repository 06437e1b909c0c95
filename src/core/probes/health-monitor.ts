import type { HealthSpec } from '../../config/spec.js';
import { errorMessage } from '../../errors.js';
import type { Clock, ClockTimer } from '../clock.js';
import type { HealthState } from '../states.js';
import type { Probe, ProbeResult } from './probe.js';

export interface HealthChange {
  health: HealthState;
  /** The probe's message for the check that changed it. */
  reason: string;
}

/**
 * Liveness: runs one probe every `interval` for as long as the process runs. `retries` consecutive
 * failures make the process `unhealthy`; one success makes it `healthy` again. Event-driven probes
 * (log) are checked as soon as they signal a change.
 */
export class HealthMonitor {
  #health: HealthState = 'unknown';
  #failures = 0;
  #timer: ClockTimer | null = null;
  #attempt: AbortController | null = null;
  #running = false;
  #stopped = false;
  #unsubscribe: (() => void) | undefined;

  constructor(
    private readonly probe: Probe,
    private readonly spec: HealthSpec,
    private readonly clock: Clock,
    private readonly onChange: (change: HealthChange) => void,
  ) {}

  get health(): HealthState {
    return this.#health;
  }

  start(): void {
    this.#unsubscribe = this.probe.subscribe?.(() => void this.#check());
    this.#schedule(this.spec.initialDelay);
  }

  stop(): void {
    this.#stopped = true;
    if (this.#timer !== null) this.clock.clearTimeout(this.#timer);
    this.#attempt?.abort();
    this.#unsubscribe?.();
    this.probe.dispose?.();
  }

  #schedule(delay: number): void {
    if (this.#stopped) return;
    if (this.#timer !== null) this.clock.clearTimeout(this.#timer);
    this.#timer = this.clock.setTimeout(() => void this.#check(), delay);
  }

  async #check(): Promise<void> {
    if (this.#stopped || this.#running) return;
    this.#running = true;
    const attempt = new AbortController();
    this.#attempt = attempt;
    const timer = this.clock.setTimeout(() => attempt.abort(), this.spec.timeout);
    let result: ProbeResult;
    try {
      result = await this.probe.check(attempt.signal);
    } catch (error) {
      result = { ok: false, message: errorMessage(error) };
    } finally {
      this.clock.clearTimeout(timer);
      this.#running = false;
    }
    if (this.#stopped) return;
    this.#record(result);
    this.#schedule(this.spec.interval);
  }

  #record(result: ProbeResult): void {
    if (result.ok) {
      this.#failures = 0;
      this.#set('healthy', result.message);
      return;
    }
    this.#failures += 1;
    if (this.#failures >= this.spec.retries) {
      this.#set(
        'unhealthy',
        `${this.probe.description} failed ${this.#failures} time${this.#failures === 1 ? '' : 's'} in a row: ${result.message}`,
      );
    }
  }

  #set(health: HealthState, reason: string): void {
    if (health === this.#health) return;
    this.#health = health;
    this.onChange({ health, reason });
  }
}
