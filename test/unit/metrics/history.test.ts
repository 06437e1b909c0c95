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

  it('grows as points arrive and keeps every point across the growths, then wraps at capacity', () => {
    const h = new MetricsHistory(600);
    for (let t = 1; t <= 40; t += 1) h.push(t, t % 7 === 0 ? null : t / 2, t * 10);
    expect(h.toArray().map((p) => p.time)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    expect(h.toArray()[6]).toEqual({ time: 7, cpu: null, rss: 70 });
    for (let t = 41; t <= 1000; t += 1) h.push(t, 1, t);
    expect(h.size).toBe(600);
    const times = h.toArray().map((p) => p.time);
    expect(times[0]).toBe(401);
    expect(times.at(-1)).toBe(1000);
    const seen: number[] = [];
    h.forEachRss(995, (time) => seen.push(time));
    expect(seen).toEqual([995, 996, 997, 998, 999, 1000]);
  });

  it('rejects a capacity that is not a positive integer', () => {
    expect(() => new MetricsHistory(0)).toThrow(RangeError);
  });
});
