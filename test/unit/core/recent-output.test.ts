import { describe, expect, it } from 'vitest';
import { LineBatch } from '../../../src/core/line-batch.js';
import { RecentOutput } from '../../../src/core/recent-output.js';

const batch = (...texts: string[]): LineBatch => LineBatch.fromTexts(texts);

describe('RecentOutput', () => {
  it('keeps the newest lines across batches, oldest first, with each batch time and stream', () => {
    const recent = new RecentOutput(3);
    recent.push(1, 'out', batch('a', 'b'));
    recent.push(2, 'err', batch('c'));
    recent.push(3, 'out', batch('d'));
    expect(recent.size).toBe(3);
    expect(recent.toArray()).toEqual([
      { time: 1, stream: 'out', text: 'b' },
      { time: 2, stream: 'err', text: 'c' },
      { time: 3, stream: 'out', text: 'd' },
    ]);
    expect(recent.last(2).map((line) => line.text)).toEqual(['c', 'd']);
    expect(recent.last(10).map((line) => line.text)).toEqual(['b', 'c', 'd']);
  });

  it('takes the newest lines of a batch bigger than its capacity', () => {
    const recent = new RecentOutput(200);
    const texts = Array.from({ length: 5000 }, (_, i) => `line ${i}`);
    recent.push(1, 'out', batch(...texts));
    const kept = recent.toArray().map((line) => line.text);
    expect(kept).toHaveLength(200);
    expect(kept[0]).toBe('line 4800');
    expect(kept[199]).toBe('line 4999');
  });

  it('lets go of batches that hold none of the newest lines, and ignores empty batches', () => {
    const recent = new RecentOutput(2);
    for (let i = 0; i < 1000; i += 1) recent.push(i, 'out', batch(`l${i}`));
    recent.push(1000, 'out', batch());
    expect(recent.toArray().map((line) => line.text)).toEqual(['l998', 'l999']);
    // Bounded by batches too: at most the capacity's worth is held.
    expect(recent.last(5)).toHaveLength(2);
  });

  it('is empty at first and rejects a capacity that is not a positive integer', () => {
    expect(new RecentOutput(1).toArray()).toEqual([]);
    expect(() => new RecentOutput(0)).toThrow(RangeError);
    expect(() => new RecentOutput(1.5)).toThrow(/positive integer/);
  });
});
