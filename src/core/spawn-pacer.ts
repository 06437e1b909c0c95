export interface SpawnPacerOptions {
  /** Time one turn of the event loop may spend spawning before I/O (the API) gets its turn. @default 20 */
  sliceMs?: number;
  /** @default Date.now (performance.now would load perf_hooks into a supervisor that needs it nowhere else) */
  now?: () => number;
  /** Runs `callback` after pending I/O. @default setImmediate */
  defer?: (callback: () => void) => void;
}

/** Spawns allowed in one turn, at first and at most; the pacer adjusts between the two. */
const FIRST_BUDGET = 8;
const MAX_BUDGET = 256;

/**
 * Hands out turns to spawn, a slice at a time. A spawn is synchronous (fork and exec) and costs a
 * few milliseconds; starting 1,000 processes at once would keep the event loop for seconds, and with
 * it the API (`up -d` asks "how far are we?", `ps` and `down` ask too). Each turn of the loop gets a
 * budget of spawns; whoever comes after waits for the next turn. The budget follows what the last
 * turn cost: halved and more when it overran the slice, doubled when it fit.
 */
export class SpawnPacer {
  readonly #sliceMs: number;
  readonly #now: () => number;
  readonly #defer: (callback: () => void) => void;
  #budget = FIRST_BUDGET;
  #granted = 0;
  #sliceStart = 0;
  #resetScheduled = false;
  readonly #waiting: (() => void)[] = [];

  constructor(options: SpawnPacerOptions = {}) {
    this.#sliceMs = options.sliceMs ?? 20;
    this.#now = options.now ?? Date.now;
    this.#defer = options.defer ?? ((callback) => setImmediate(callback));
  }

  /** Spawns allowed per turn now. */
  get budget(): number {
    return this.#budget;
  }

  /** `null`: spawn now; otherwise a promise that resolves when it is this caller's turn. */
  turn(): Promise<void> | null {
    if (this.#granted === 0) this.#sliceStart = this.#now();
    this.#scheduleReset();
    if (this.#waiting.length === 0 && this.#granted < this.#budget) {
      this.#granted += 1;
      return null;
    }
    return new Promise((resolve) => this.#waiting.push(resolve));
  }

  #scheduleReset(): void {
    if (this.#resetScheduled) return;
    this.#resetScheduled = true;
    this.#defer(() => this.#nextTurn());
  }

  #nextTurn(): void {
    this.#resetScheduled = false;
    if (this.#granted > 0) {
      const spent = this.#now() - this.#sliceStart;
      this.#budget =
        spent > this.#sliceMs
          ? Math.max(1, Math.floor((this.#granted * this.#sliceMs) / spent))
          : Math.min(MAX_BUDGET, this.#budget * 2);
    }
    this.#granted = 0;
    if (this.#waiting.length === 0) return;
    this.#sliceStart = this.#now();
    const released = this.#waiting.splice(0, this.#budget);
    this.#granted = released.length;
    for (const resolve of released) resolve();
    this.#scheduleReset();
  }
}
