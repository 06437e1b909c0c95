import { describe, expect, it } from 'vitest';
import { PidIndex } from '../../../src/os/pid-index.js';

describe('PidIndex', () => {
  it('maps pids to values, overwrites, and forgets everything on clear', () => {
    const index = new PidIndex();
    index.set(100, 0);
    index.set(4194304, 1);
    index.set(0, 2);
    index.set(100, 3);
    expect(index.size).toBe(3);
    expect(index.get(100)).toBe(3);
    expect(index.get(4194304)).toBe(1);
    expect(index.get(0)).toBe(2);
    expect(index.get(101)).toBeUndefined();
    expect(index.has(0)).toBe(true);
    expect(index.keys().sort((a, b) => a - b)).toEqual([0, 100, 4194304]);
    index.clear();
    expect(index.size).toBe(0);
    expect(index.get(100)).toBeUndefined();
    expect(index.has(0)).toBe(false);
    expect(index.keys()).toEqual([]);
    index.set(100, 9);
    expect(index.get(100)).toBe(9);
  });

  it('agrees with a Map over many passes of growing and shrinking tables', () => {
    const index = new PidIndex();
    let seed = 1;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    for (let pass = 0; pass < 50; pass += 1) {
      const map = new Map<number, number>();
      index.clear();
      const count = Math.floor(random() * 3000);
      // Runs of consecutive pids, as a fork-heavy host hands them out, and scattered ones.
      const base = Math.floor(random() * 4_000_000);
      for (let row = 0; row < count; row += 1) {
        const pid = row % 2 === 0 ? base + row : Math.floor(random() * 4_194_304);
        map.set(pid, row);
        index.set(pid, row);
      }
      expect(index.size).toBe(map.size);
      for (const [pid, row] of map) expect(index.get(pid)).toBe(row);
      for (let probe = 0; probe < 200; probe += 1) {
        const pid = Math.floor(random() * 4_194_304);
        expect(index.get(pid)).toBe(map.get(pid));
      }
    }
  });
});
