import { describe, expect, it } from 'vitest';
import { MetricsHistory } from '../../../src/metrics/history.js';

describe('MetricsHistory', () => {
  it('keeps the last points, oldest first; a null CPU stays null', () => {
    const h = new MetricsHistory(3);
    h.push(1, null, 100);
    h.push(2, 50, 200);
    expect(h.toArray()).toEqual([
      { time: 1, cpu: null, rss: 100 },
      { time: 2, cpu: 50, rss: 200 },
    ]);
    h.push(3, 99.5, 300);
    h.push(4, 0, 400);
    expect(h.size).toBe(3);
    expect(h.toArray()).toEqual([
      { time: 2, cpu: 50, rss: 200 },
      { time: 3, cpu: 99.5, rss: 300 },
      { time: 4, cpu: 0, rss: 400 },
    ]);
    expect(h.toArray(3).map((p) => p.time)).toEqual([3, 4]);
  });

  it('rejects a capacity that is not a positive integer', () => {
    expect(() => new MetricsHistory(0)).toThrow(RangeError);
  });
});
