import { errorMessage, OvrseerError } from '../errors.js';
import type { ErrorContext } from './events.js';
import type { Plugin } from './plugin.js';

/** @default 5000 — the longest a single hook call may take before it is reported as stuck. */
export const HOOK_TIMEOUT_MS = 5000;
/** Hook calls waiting per plugin; past this they are dropped (and that is reported), never queued without bound. */
const MAX_PENDING = 1000;

type HookName = Exclude<keyof Plugin, 'name'>;

/**
 * Calls plugin hooks off the engine's path: each plugin has its own queue, calls run one at a time per
 * plugin, each bounded by a timeout; errors, timeouts and drops go to `reportError`.
 */
export class PluginHost {
  readonly #plugins: { plugin: Plugin; pending: number; chain: Promise<void>; dropped: number }[] = [];

  constructor(private readonly reportError: (error: Error, context: ErrorContext) => void) {}

  add(plugin: Plugin): void {
    if (typeof plugin?.name !== 'string' || plugin.name === '') {
      throw new OvrseerError('OVRSEER_USAGE', 'a plugin needs a "name" (a non-empty string)');
    }
    this.#plugins.push({ plugin, pending: 0, chain: Promise.resolve(), dropped: 0 });
  }

  get size(): number {
    return this.#plugins.length;
  }

  /** Whether any plugin defines the hook (so callers can skip building its arguments). */
  wants(hook: HookName): boolean {
    return this.#plugins.some((entry) => typeof entry.plugin[hook] === 'function');
  }

  call<H extends HookName>(hook: H, ...args: Parameters<NonNullable<Plugin[H]>>): void {
    for (const entry of this.#plugins) {
      const fn = entry.plugin[hook] as ((...a: unknown[]) => unknown) | undefined;
      if (typeof fn !== 'function') continue;
      if (entry.pending >= MAX_PENDING) {
        entry.dropped += 1;
        if (entry.dropped === 1 || entry.dropped % MAX_PENDING === 0) {
          this.reportError(
            new OvrseerError(
              'OVRSEER_INTERNAL',
              `plugin ${entry.plugin.name} is behind: ${entry.dropped} ${hook} call(s) dropped`,
            ),
            {
              operation: `plugin ${entry.plugin.name}`,
              severity: 'warning',
            },
          );
        }
        continue;
      }
      entry.pending += 1;
      entry.chain = entry.chain
        .then(() => this.#run(entry.plugin, hook, fn, args))
        .finally(() => {
          entry.pending -= 1;
        });
    }
  }

  /**
   * Resolves when every queued hook call has finished, or after `timeoutMs` — a shutdown waits for
   * plugins to say their last word, but not for a stuck one.
   */
  async drain(timeoutMs = HOOK_TIMEOUT_MS): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all(this.#plugins.map((entry) => entry.chain)),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, timeoutMs);
      }),
    ]);
    clearTimeout(timer);
  }

  async #run(plugin: Plugin, hook: string, fn: (...a: unknown[]) => unknown, args: unknown[]): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        Promise.resolve().then(() => fn.apply(plugin, args)),
        new Promise((_, reject) => {
          timer = setTimeout(
            () =>
              reject(new OvrseerError('OVRSEER_INTERNAL', `${hook} took longer than ${HOOK_TIMEOUT_MS}ms`)),
            HOOK_TIMEOUT_MS,
          );
          timer.unref();
        }),
      ]);
    } catch (error) {
      this.reportError(
        new OvrseerError('OVRSEER_INTERNAL', `plugin ${plugin.name}: ${hook} failed: ${errorMessage(error)}`),
        {
          operation: `plugin ${plugin.name}`,
          severity: 'warning',
        },
      );
    } finally {
      clearTimeout(timer);
    }
  }
}
