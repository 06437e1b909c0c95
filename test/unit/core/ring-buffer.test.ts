import { describe, expect, it } from 'vitest';
import { RingBuffer } from '../../../src/core/ring-buffer.js';

function filled(capacity: number, items: readonly number[]): RingBuffer<number> {
  const ring = new RingBuffer<number>(capacity);
  for (const item of items) ring.push(item);
  return ring;
}

describe('RingBuffer', () => {
  describe('capacity', () => {
    it.each([0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])('rejects capacity %s', (capacity) => {
      expect(() => new RingBuffer(capacity)).toThrow(RangeError);
      expect(() => new RingBuffer(capacity)).toThrow(/positive integer/);
    });

    it('accepts a capacity of 1 and exposes it', () => {
      const ring = new RingBuffer<string>(1);
      expect(ring.capacity).toBe(1);
      expect(ring.push('a')).toBeUndefined();
      expect(ring.push('b')).toBe('a');
      expect(ring.toArray()).toEqual(['b']);
      expect(ring.size).toBe(1);
    });

    it('grows up to its capacity and no further', () => {
      const ring = new RingBuffer<number>(3);
      expect(ring.size).toBe(0);
      ring.push(1);
      ring.push(2);
      expect(ring.size).toBe(2);
      ring.push(3);
      ring.push(4);
      ring.push(5);
      expect(ring.size).toBe(3);
    });
  });

  describe('eviction', () => {
    it('returns undefined from push while there is room', () => {
      const ring = new RingBuffer<number>(2);
      expect(ring.push(1)).toBeUndefined();
      expect(ring.push(2)).toBeUndefined();
    });

    it('evicts the oldest item first and returns it', () => {
      const ring = filled(3, [1, 2, 3]);
      expect(ring.push(4)).toBe(1);
      expect(ring.push(5)).toBe(2);
      expect(ring.push(6)).toBe(3);
      expect(ring.push(7)).toBe(4);
      expect(ring.toArray()).toEqual([5, 6, 7]);
    });

    it('keeps oldest-first order across many wrap-arounds', () => {
      const ring = filled(
        4,
        Array.from({ length: 103 }, (_, i) => i),
      );
      expect(ring.toArray()).toEqual([99, 100, 101, 102]);
    });
  });

  describe('at', () => {
    it('indexes from the oldest (0) to the newest (size - 1), also after wrapping', () => {
      const ring = filled(3, [1, 2, 3, 4]);
      expect(ring.at(0)).toBe(2);
      expect(ring.at(1)).toBe(3);
      expect(ring.at(2)).toBe(4);
    });

    it('returns undefined outside 0..size-1', () => {
      const ring = filled(5, [1, 2]);
      expect(ring.at(-1)).toBeUndefined();
      expect(ring.at(2)).toBeUndefined();
      expect(ring.at(4)).toBeUndefined();
      expect(new RingBuffer<number>(2).at(0)).toBeUndefined();
    });
  });

  describe('last', () => {
    it('returns the newest items, oldest first', () => {
      const ring = filled(4, [1, 2, 3, 4, 5, 6]);
      expect(ring.last(2)).toEqual([5, 6]);
      expect(ring.last(1)).toEqual([6]);
    });

    it('returns everything when asked for more than it holds, and nothing for 0 or less', () => {
      const ring = filled(4, [1, 2]);
      expect(ring.last(10)).toEqual([1, 2]);
      expect(ring.last(0)).toEqual([]);
      expect(ring.last(-3)).toEqual([]);
    });
  });

  describe('shift', () => {
    it('removes and returns the oldest item', () => {
      const ring = filled(3, [1, 2, 3, 4]);
      expect(ring.shift()).toBe(2);
      expect(ring.size).toBe(2);
      expect(ring.toArray()).toEqual([3, 4]);
      expect(ring.at(0)).toBe(3);
    });

    it('returns undefined when empty', () => {
      const ring = new RingBuffer<number>(2);
      expect(ring.shift()).toBeUndefined();
      ring.push(1);
      ring.shift();
      expect(ring.shift()).toBeUndefined();
      expect(ring.size).toBe(0);
    });

    it('makes room again: pushes after a shift do not evict until full', () => {
      const ring = filled(3, [1, 2, 3]);
      ring.shift();
      expect(ring.push(4)).toBeUndefined();
      expect(ring.toArray()).toEqual([2, 3, 4]);
      expect(ring.push(5)).toBe(2);
      expect(ring.toArray()).toEqual([3, 4, 5]);
    });

    it('drains in FIFO order', () => {
      const ring = filled(3, [1, 2, 3, 4, 5]);
      const drained: (number | undefined)[] = [];
      while (ring.size > 0) drained.push(ring.shift());
      expect(drained).toEqual([3, 4, 5]);
    });
  });

  describe('toArray', () => {
    it('is a copy: changing it does not change the buffer', () => {
      const ring = filled(3, [1, 2]);
      const copy = ring.toArray();
      copy.push(99);
      copy[0] = 42;
      expect(ring.toArray()).toEqual([1, 2]);
    });

    it('is empty for an empty buffer', () => {
      expect(new RingBuffer<string>(3).toArray()).toEqual([]);
    });
  });

  describe('clear', () => {
    it('empties the buffer and it works as new afterwards', () => {
      const ring = filled(3, [1, 2, 3, 4]);
      ring.clear();
      expect(ring.size).toBe(0);
      expect(ring.toArray()).toEqual([]);
      expect(ring.at(0)).toBeUndefined();
      expect(ring.shift()).toBeUndefined();
      expect(ring.push(10)).toBeUndefined();
      ring.push(11);
      ring.push(12);
      expect(ring.push(13)).toBe(10);
      expect(ring.toArray()).toEqual([11, 12, 13]);
    });
  });

  it('stores undefined-free values of any type by reference', () => {
    const a = { id: 'a' };
    const ring = new RingBuffer<{ id: string }>(2);
    ring.push(a);
    expect(ring.at(0)).toBe(a);
  });
});
