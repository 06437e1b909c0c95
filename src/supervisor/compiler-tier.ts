import type { LogOutputEvent } from '../core/events.js';
import { nodeV8 } from '../core/lazy-builtin.js';
import { borrows } from '../core/line-batch.js';

/** V8 flags the detached supervisor starts with; see `tierUpUnderLoad`. */
export const BASELINE_TIER_FLAGS = ['--no-turbofan', '--no-sparkplug'] as const;
/** @default 20000 lines within one second switch the optimizing compiler on. */
export const TIER_UP_LINES_PER_SECOND = 20_000;
/**
 * What one read from a pipe costs beyond its lines, counted in lines: a process that prints one line
 * at a time, 1,000 times a second, costs the interpreter as much as a flood of 20,000 lines in big
 * chunks (measured: 5 such processes took an interpreted supervisor to 61 % of a core, 30 % compiled).
 */
export const LINES_PER_READ = 20;

/**
 * Decides when output arrives fast enough to be worth V8's optimizing compiler: once `linesPerSecond`
 * lines arrive within one second, `raise` is called, once. The clock is injected for tests.
 */
export class CompilerTierUp {
  #windowStart = Number.NEGATIVE_INFINITY;
  #lines = 0;
  #raised = false;

  constructor(
    private readonly raise: () => void,
    private readonly now: () => number,
    private readonly linesPerSecond: number = TIER_UP_LINES_PER_SECOND,
  ) {}

  get raised(): boolean {
    return this.#raised;
  }

  observe(lines: number): void {
    if (this.#raised) return;
    const now = this.now();
    if (now - this.#windowStart >= 1000) {
      this.#windowStart = now;
      this.#lines = 0;
    }
    this.#lines += lines;
    if (this.#lines < this.linesPerSecond) return;
    this.#raised = true;
    this.raise();
  }
}

interface OutputSource {
  on(event: 'output', listener: (event: LogOutputEvent) => void): () => void;
}

/**
 * The detached supervisor runs with V8's compilers off (`--no-turbofan --no-sparkplug`, interpreter
 * only): compiling anything with TurboFan maps ~4 MB of the compiler's own machine code into the
 * process and allocates its zones, Sparkplug ~1.4 MB more, and an idle supervisor would carry them for
 * its whole life, for a 1 Hz metrics pass that takes a few milliseconds interpreted. A log flood is
 * different: optimized code makes ingestion ~3.5x faster, so the first second with
 * `TIER_UP_LINES_PER_SECOND` lines (each read from a pipe counting `LINES_PER_READ` more) switches
 * both on for good (V8 reads the flags at each tiering
 * decision). Does nothing in a process started without them.
 * @returns a function that stops watching
 */
export function tierUpUnderLoad(
  source: OutputSource,
  execArgv: readonly string[] = process.execArgv,
  raise: () => void = () => nodeV8().setFlagsFromString('--sparkplug --turbofan'),
): () => void {
  if (!BASELINE_TIER_FLAGS.some((flag) => execArgv.includes(flag))) return () => undefined;
  const tier = new CompilerTierUp(() => {
    raise();
    queueMicrotask(() => stop());
  }, Date.now);
  const stop = source.on(
    'output',
    borrows((event) => tier.observe(event.lines.count + LINES_PER_READ)),
  );
  return stop;
}
