import type { WarningEvent } from '../core/events.js';

/** Warnings kept for a dashboard that opens later (a leak seen an hour ago is still worth showing). */
export const KEPT_WARNINGS = 100;

/** The supervisor's last warnings (leak, CPU and memory limits), oldest first, bounded. */
export class WarningHistory {
  readonly #kept: WarningEvent[] = [];

  /** @param max warnings kept; older ones go first @default KEPT_WARNINGS */
  constructor(private readonly max = KEPT_WARNINGS) {}

  push(warning: WarningEvent): void {
    this.#kept.push(warning);
    if (this.#kept.length > this.max) this.#kept.splice(0, this.#kept.length - this.max);
  }

  list(): WarningEvent[] {
    return [...this.#kept];
  }
}
