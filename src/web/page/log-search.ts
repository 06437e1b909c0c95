import type { LogBuffer } from './log-buffer.js';

// biome-ignore lint/suspicious/noControlCharactersInRegex: SGR escapes begin with ESC.
const ANSI = /\x1b\[[0-9;:]*[A-Za-z]/g;

/** The pattern as the page searches with it, or the reason it is not one (said where it was typed). */
export function searchPattern(
  search: string,
  regex: boolean,
  caseSensitive: boolean,
): RegExp | string | null {
  if (search === '') return null;
  const source = regex ? search : search.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  try {
    return new RegExp(source, caseSensitive ? 'g' : 'gi');
  } catch (error) {
    return `not a regular expression: ${error instanceof Error ? error.message : String(error)}`;
  }
}

/**
 * A search over the page's buffered lines, run a slice at a time (`step`) so a million lines never
 * hold the page for more than one slice; lines pushed later are searched by the next `step`.
 * `matches` are absolute positions in the buffer, ascending.
 */
export class LogSearch {
  readonly matches: number[] = [];
  readonly #test: RegExp;
  readonly #from: number;
  #scanned: number;

  constructor(
    readonly buffer: LogBuffer,
    pattern: RegExp,
  ) {
    // Without `g`: test() then keeps no lastIndex from one line to the next.
    this.#test = new RegExp(pattern.source, pattern.flags.replace('g', ''));
    this.#from = buffer.start;
    this.#scanned = buffer.start;
  }

  /** Searches on until `budgetMs` is spent or every line is; true when every line is. */
  step(budgetMs: number, now: () => number = () => performance.now()): boolean {
    const deadline = now() + budgetMs;
    this.#scanned = Math.max(this.#scanned, this.buffer.start);
    while (this.#scanned < this.buffer.end) {
      // The clock is read once per 2,048 lines: reading it costs more than testing a short line.
      const stop = Math.min(this.buffer.end, this.#scanned + 2048);
      for (let at = this.#scanned; at < stop; at += 1) {
        const text = this.buffer.text(at);
        if (text === undefined) continue;
        if (this.#test.test(text.includes('\x1b') ? text.replace(ANSI, '') : text)) this.matches.push(at);
      }
      this.#scanned = stop;
      if (now() >= deadline) break;
    }
    return this.#scanned >= this.buffer.end;
  }

  /** Of the lines there were when the search began, the share searched (0…1). */
  progress(): number {
    const total = this.buffer.end - this.#from;
    return total <= 0 ? 1 : Math.min(1, (this.#scanned - this.#from) / total);
  }

  /** Index in `matches` of the first match still kept (older ones went with their chunk). */
  firstKept(): number {
    let low = 0;
    let high = this.matches.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((this.matches[middle] ?? 0) < this.buffer.start) low = middle + 1;
      else high = middle;
    }
    return low;
  }
}
