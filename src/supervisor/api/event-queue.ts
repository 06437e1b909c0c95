/** What a subscriber takes next: an item, or how many it missed since its last take. */
export type Taken<T> = { kind: 'item'; item: T } | { kind: 'dropped'; count: number };

/**
 * The events waiting for one `/v1/events` subscriber. A subscriber that reads slower than events
 * come (or not at all) loses the oldest ones past `capacity`, and is told how many before the next
 * one it gets: a stalled client costs the supervisor `capacity` events, never more.
 */
export class DroppingQueue<T> {
  readonly #items: T[] = [];
  #head = 0;
  #dropped = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError('capacity must be at least 1');
  }

  push(item: T): void {
    if (this.size >= this.capacity) {
      this.#head += 1;
      this.#dropped += 1;
    }
    this.#items.push(item);
    // Compacts now and then, so the array never holds more than twice the capacity.
    if (this.#head >= this.capacity) {
      this.#items.splice(0, this.#head);
      this.#head = 0;
    }
  }

  take(): Taken<T> | undefined {
    if (this.#dropped > 0) {
      const count = this.#dropped;
      this.#dropped = 0;
      return { kind: 'dropped', count };
    }
    if (this.size === 0) return undefined;
    const item = this.#items[this.#head] as T;
    this.#head += 1;
    if (this.#head === this.#items.length) {
      this.#items.length = 0;
      this.#head = 0;
    }
    return { kind: 'item', item };
  }

  get size(): number {
    return this.#items.length - this.#head;
  }

  /** Dropped and not yet reported. */
  get dropped(): number {
    return this.#dropped;
  }
}
