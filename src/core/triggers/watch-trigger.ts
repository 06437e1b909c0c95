import { relative } from 'node:path';
import { type FSWatcher, watch } from 'chokidar';
import picomatch from 'picomatch';
import type { WatchSpec } from '../../config/spec.js';
import type { Clock, ClockTimer } from '../clock.js';

/** Never worth a restart, and huge to watch. */
export const ALWAYS_IGNORED = ['**/.git/**', '**/node_modules/**'];

/**
 * Calls `onChange` once per burst of file changes under `paths` (debounced), with the first file of
 * the burst relative to `cwd` and how many files changed — so the restart line can say what
 * triggered it. `ignore` globs are matched against paths relative to `cwd`.
 */
export class WatchTrigger {
  #watcher: FSWatcher | null = null;
  #timer: ClockTimer | null = null;
  #first: string | null = null;
  #count = 0;

  constructor(
    private readonly spec: WatchSpec,
    private readonly cwd: string,
    private readonly clock: Clock,
    private readonly onChange: (file: string, count: number) => void,
    private readonly onError: (error: Error) => void,
  ) {}

  /** Resolves once the initial scan is done, so that changes after it are seen. */
  start(): Promise<void> {
    const isIgnored = picomatch([...ALWAYS_IGNORED, ...this.spec.ignore], { dot: true });
    const watcher = watch(this.spec.paths, {
      ignoreInitial: true,
      ignored: (path) => {
        const rel = relative(this.cwd, path);
        return rel !== '' && (isIgnored(rel) || isIgnored(`${rel}/`));
      },
    });
    this.#watcher = watcher;
    watcher.on('all', (_event, path) => this.#changed(path));
    watcher.on('error', (error) => this.onError(error instanceof Error ? error : new Error(String(error))));
    return new Promise((resolve) => watcher.once('ready', () => resolve()));
  }

  async close(): Promise<void> {
    if (this.#timer !== null) this.clock.clearTimeout(this.#timer);
    this.#timer = null;
    const watcher = this.#watcher;
    this.#watcher = null;
    await watcher?.close();
  }

  #changed(path: string): void {
    this.#first ??= relative(this.cwd, path) || path;
    this.#count += 1;
    if (this.#timer !== null) this.clock.clearTimeout(this.#timer);
    this.#timer = this.clock.setTimeout(() => {
      const first = this.#first ?? path;
      const count = this.#count;
      this.#timer = null;
      this.#first = null;
      this.#count = 0;
      this.onChange(first, count);
    }, this.spec.debounce);
  }
}
