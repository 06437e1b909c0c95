/**
 * pid → non-negative integer (a table row, a root index), in typed arrays: open addressing with
 * linear probing, cleared by bumping a generation instead of wiping the slots. A `Map` that is
 * cleared and refilled every pass drops its hash table and grows a new one (4, 8, … 256 entries),
 * tens of KB of garbage per pass for a table of 200 processes; this one allocates only to grow.
 */
export class PidIndex {
  #keys = new Int32Array(16);
  #values = new Int32Array(16);
  /** The generation each slot was written in: a slot of an older one is empty. */
  #stamps = new Uint32Array(16);
  #generation = 1;
  #size = 0;

  get size(): number {
    return this.#size;
  }

  clear(): void {
    this.#size = 0;
    this.#generation += 1;
    // After 2^32 - 1 clears a stamp could match again: wipe them once instead.
    if (this.#generation === 0xffffffff) {
      this.#stamps.fill(0);
      this.#generation = 1;
    }
  }

  /** The value of `pid`, or undefined. */
  get(pid: number): number | undefined {
    const slot = this.#find(pid);
    return slot === -1 ? undefined : this.#values[slot];
  }

  has(pid: number): boolean {
    return this.#find(pid) !== -1;
  }

  set(pid: number, value: number): void {
    // At most half full, so a probe always ends at an empty slot, and quickly.
    if ((this.#size + 1) * 2 > this.#keys.length) this.#grow();
    const mask = this.#keys.length - 1;
    const generation = this.#generation;
    for (let slot = hash(pid) & mask; ; slot = (slot + 1) & mask) {
      if (this.#stamps[slot] !== generation) {
        this.#stamps[slot] = generation;
        this.#keys[slot] = pid;
        this.#values[slot] = value;
        this.#size += 1;
        return;
      }
      if (this.#keys[slot] === pid) {
        this.#values[slot] = value;
        return;
      }
    }
  }

  /** The pids, in no particular order (allocates: for tests and diagnostics). */
  keys(): number[] {
    const keys: number[] = [];
    for (let slot = 0; slot < this.#keys.length; slot += 1) {
      if (this.#stamps[slot] === this.#generation) keys.push(this.#keys[slot] ?? 0);
    }
    return keys;
  }

  #find(pid: number): number {
    const mask = this.#keys.length - 1;
    const generation = this.#generation;
    for (let slot = hash(pid) & mask; ; slot = (slot + 1) & mask) {
      if (this.#stamps[slot] !== generation) return -1;
      if (this.#keys[slot] === pid) return slot;
    }
  }

  #grow(): void {
    const keys = this.#keys;
    const values = this.#values;
    const stamps = this.#stamps;
    const generation = this.#generation;
    const capacity = keys.length * 2;
    this.#keys = new Int32Array(capacity);
    this.#values = new Int32Array(capacity);
    this.#stamps = new Uint32Array(capacity);
    this.#generation = 1;
    this.#size = 0;
    for (let slot = 0; slot < keys.length; slot += 1) {
      if (stamps[slot] === generation) this.set(keys[slot] ?? 0, values[slot] ?? 0);
    }
  }
}

/** Consecutive pids would fill consecutive slots and make long probe runs: spread them. */
function hash(pid: number): number {
  const mixed = Math.imul(pid, 0x9e3779b1);
  return (mixed ^ (mixed >>> 15)) >>> 0;
}
