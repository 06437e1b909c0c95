import type { ProcessSpec } from '../../config/spec.js';
import type { Clock } from '../clock.js';
import type { CronTrigger } from './cron-trigger.js';
import type { WatchTrigger } from './watch-trigger.js';

export interface TriggerHandlers {
  /** Restart every instance of `name`; `reason` names what triggered it. */
  restart(name: string, reason: string): void;
  onError(error: Error, processName: string, operation: string): void;
}

/** The `watch` and `cron_restart` triggers of the processes a project runs. */
export class RestartTriggers {
  readonly #watchers = new Map<string, WatchTrigger>();
  readonly #crons = new Map<string, CronTrigger>();

  constructor(
    private readonly clock: Clock,
    private readonly handlers: TriggerHandlers,
  ) {}

  /** Starts the triggers of these processes (those already started are left alone). */
  async start(specs: readonly ProcessSpec[]): Promise<void> {
    const ready: Promise<void>[] = [];
    // chokidar, picomatch and croner are loaded only by projects that use them: every module a
    // supervisor loads stays in its memory for good.
    const needsWatch = specs.some((spec) => spec.watch !== null && !this.#watchers.has(spec.name));
    const needsCron = specs.some((spec) => spec.cronRestart !== null && !this.#crons.has(spec.name));
    const { WatchTrigger } = needsWatch ? await import('./watch-trigger.js') : { WatchTrigger: null };
    const { CronTrigger } = needsCron ? await import('./cron-trigger.js') : { CronTrigger: null };
    for (const spec of specs) {
      if (spec.watch !== null && WatchTrigger !== null && !this.#watchers.has(spec.name)) {
        const trigger = new WatchTrigger(
          spec.watch,
          spec.cwd,
          this.clock,
          (file, count) =>
            this.handlers.restart(
              spec.name,
              `watch: ${file} changed${count > 1 ? ` (and ${count - 1} more)` : ''}`,
            ),
          (error) => this.handlers.onError(error, spec.name, 'watch files'),
        );
        this.#watchers.set(spec.name, trigger);
        ready.push(trigger.start());
      }
      if (spec.cronRestart !== null && CronTrigger !== null && !this.#crons.has(spec.name)) {
        const trigger = new CronTrigger(spec.cronRestart, this.clock, (scheduled) =>
          this.handlers.restart(spec.name, `cron_restart "${spec.cronRestart}" (${scheduled.toISOString()})`),
        );
        this.#crons.set(spec.name, trigger);
        trigger.start();
      }
    }
    await Promise.all(ready);
  }

  /** Ends the triggers of one process (removed, or its `watch`/`cron_restart` changed by a reload). */
  async drop(name: string): Promise<void> {
    this.#crons.get(name)?.stop();
    this.#crons.delete(name);
    const watcher = this.#watchers.get(name);
    this.#watchers.delete(name);
    await watcher?.close();
  }

  async stop(): Promise<void> {
    for (const cron of this.#crons.values()) cron.stop();
    this.#crons.clear();
    const closing = [...this.#watchers.values()].map((watcher) => watcher.close());
    this.#watchers.clear();
    await Promise.all(closing);
  }
}
