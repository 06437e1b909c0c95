import type { Notice } from './source.js';

/** The newest status-line messages, bounded, with change listeners. */
export class Notices {
  readonly #items: Notice[] = [];
  readonly #listeners = new Set<() => void>();

  constructor(
    private readonly capacity = 50,
    private readonly now: () => number = Date.now,
  ) {}

  add(level: Notice['level'], text: string, time = this.now()): void {
    this.#items.push({ time, level, text });
    if (this.#items.length > this.capacity) this.#items.shift();
    for (const listener of this.#listeners) listener();
  }

  list(): readonly Notice[] {
    return this.#items;
  }

  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}
