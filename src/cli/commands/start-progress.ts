import type { StartUpState } from './up-detached.js';

/**
 * `started 412/800` on a terminal while `up -d` waits, rewritten in place; nothing when the output is
 * not a terminal (a script's log would only fill with carriage returns).
 */
export class StartProgress {
  readonly #out: NodeJS.WritableStream & { isTTY?: boolean };
  #shown = false;

  constructor(out: NodeJS.WritableStream & { isTTY?: boolean }) {
    this.#out = out;
  }

  show(state: StartUpState): void {
    if (this.#out.isTTY !== true || state.total === 0) return;
    this.#out.write(`\r\u001b[Kstarting: ${state.started}/${state.total} started`);
    this.#shown = true;
  }

  clear(): void {
    if (!this.#shown) return;
    this.#out.write('\r\u001b[K');
    this.#shown = false;
  }
}
