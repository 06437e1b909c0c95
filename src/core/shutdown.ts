import { errorMessage } from '../errors.js';
import type { Clock } from './clock.js';
import type { ErrorContext } from './events.js';
import type { stopBatches as stopBatchesFn } from './graph.js';
import type { ManagedProcess } from './managed-process.js';
import { isLive } from './states.js';

export interface ShutdownResult {
  /** False when something could not be ended or a cleanup process failed. */
  ok: boolean;
  problems: string[];
  forced: boolean;
  durationMs: number;
  /** Escaped descendants found and ended by the final sweeps. */
  escapeesEnded: number;
}

export interface ShutdownOptions {
  instances: readonly ManagedProcess[];
  levels: ReadonlyMap<string, number>;
  batches: typeof stopBatchesFn;
  clock: Clock;
  runCleanup: boolean;
  /** Upper bound for each cleanup process's run. */
  shutdownTimeout: number;
  /** Ends this project's escaped descendants; returns how many it found. */
  sweep(force: boolean): Promise<number>;
  reportError(error: Error, context: ErrorContext): void;
}

/**
 * One shutdown: services and dependencies in reverse dependency order, a sweep for escapees, then the
 * cleanup processes, then a last sweep. `force()` may be called at any point: it SIGKILLs everything
 * live at once and skips cleanup processes that have not started.
 */
export class ShutdownSequence {
  #forced = false;
  readonly #problems: string[] = [];

  constructor(private readonly options: ShutdownOptions) {}

  force(): void {
    this.#forced = true;
    for (const instance of this.options.instances) {
      if (isLive(instance.state)) instance.killNow();
    }
  }

  async run(): Promise<ShutdownResult> {
    const { clock, instances } = this.options;
    const started = clock.now();
    const regular = instances.filter((instance) => instance.spec.type !== 'cleanup');
    const batches = this.options.batches(
      regular,
      (instance) => instance.name,
      (instance) => instance.spec.priority,
      this.options.levels,
    );
    for (const batch of batches) {
      await Promise.all(
        batch.map((instance) => instance.stop('shutting down', { force: this.#forced, sweep: false })),
      );
    }
    let escapeesEnded = await this.#sweep();
    if (this.options.runCleanup) {
      const cleanups = instances.filter(
        (instance) => instance.spec.type === 'cleanup' && !instance.spec.disabled,
      );
      if (cleanups.length > 0 && !this.#forced) {
        await Promise.all(cleanups.map((instance) => this.#runCleanup(instance)));
        escapeesEnded += await this.#sweep();
      }
    }
    for (const instance of instances) {
      if (isLive(instance.state)) this.#problems.push(`${instance.id} is still ${instance.state}`);
      else if (instance.state === 'failed' && instance.reason.startsWith('stop failed')) {
        this.#problems.push(`${instance.id}: ${instance.reason}`);
      }
    }
    return {
      ok: this.#problems.length === 0,
      problems: this.#problems,
      forced: this.#forced,
      durationMs: clock.now() - started,
      escapeesEnded,
    };
  }

  async #sweep(): Promise<number> {
    try {
      return await this.options.sweep(this.#forced);
    } catch (error) {
      this.#problems.push(errorMessage(error));
      this.options.reportError(error instanceof Error ? error : new Error(String(error)), {
        operation: 'sweep escaped processes',
        severity: 'critical',
      });
      return 0;
    }
  }

  async #runCleanup(instance: ManagedProcess): Promise<void> {
    await instance.start('running cleanup on shutdown');
    const finished = await instance.waitUntilSettled(this.options.shutdownTimeout);
    if (!finished) {
      await instance.stop(`cleanup did not finish within ${this.options.shutdownTimeout}ms`, {
        failWith: `cleanup timed out after ${this.options.shutdownTimeout}ms`,
      });
    }
    if (instance.state !== 'completed') {
      this.#problems.push(`cleanup ${instance.id} ${instance.state}: ${instance.reason}`);
      instance.fileReport('cleanupFailed', instance.reason);
    }
  }
}

/** How a shutdown went, in the lines the front end and the supervisor's log show. */
export function describeShutdown(result: ShutdownResult): { text: string; level: 'info' | 'warn' }[] {
  if (!result.ok)
    return result.problems.map((problem) => ({ text: `shutdown problem: ${problem}`, level: 'warn' }));
  const escapees = result.escapeesEnded > 0 ? `, ended ${result.escapeesEnded} escaped descendant(s)` : '';
  return [
    {
      text: `stopped everything in ${result.durationMs}ms${escapees}${result.forced ? ' (forced)' : ''}`,
      level: 'info',
    },
  ];
}
