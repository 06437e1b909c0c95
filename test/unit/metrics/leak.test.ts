import { describe, expect, it } from 'vitest';
import { MetricsHistory } from '../../../src/metrics/history.js';
import { detectLeak, LEAK_DEFAULTS, rssTrend } from '../../../src/metrics/leak.js';

const MB = 1024 * 1024;

function history(points: number, everyMs: number, rss: (i: number) => number): MetricsHistory {
  const h = new MetricsHistory(points);
  for (let i = 0; i < points; i += 1) h.push(1_700_000_000_000 + i * everyMs, 5, rss(i));
  return h;
}

describe('rssTrend', () => {
  it('gives the slope per minute of a straight rise, with a perfect fit', () => {
    // 600 points a second apart, +0.05 MB a second: 3 MB/min over ~10 minutes.
    const trend = rssTrend(history(600, 1000, (i) => 100 * MB + i * 0.05 * MB));
    expect(trend?.slopePerMinute).toBeCloseTo(3 * MB, -3);
    expect(trend?.fit).toBeCloseTo(1, 6);
    expect(trend?.from).toBeCloseTo(100 * MB, -4);
    expect(trend?.spanMs).toBe(599_000);
  });

  it('needs three points and some time', () => {
    expect(rssTrend(history(2, 1000, () => MB))).toBeNull();
    expect(rssTrend(history(5, 0, () => MB))).toBeNull();
  });

  it('only uses points since the given time', () => {
    const h = history(600, 1000, (i) => (i < 300 ? 500 * MB - i * MB : 100 * MB + i * 0.05 * MB));
    const trend = rssTrend(h, 1_700_000_000_000 + 300_000);
    expect(trend?.slopePerMinute).toBeCloseTo(3 * MB, -3);
  });
});

describe('detectLeak', () => {
  it('a steady rise over 10 minutes is a leak', () => {
    const trend = rssTrend(history(600, 1000, (i) => 100 * MB + i * 0.05 * MB));
    expect(detectLeak(trend)).not.toBeNull();
  });

  it('a garbage-collected sawtooth with no trend is not', () => {
    const trend = rssTrend(history(600, 1000, (i) => 100 * MB + (i % 60) * MB));
    expect(detectLeak(trend)).toBeNull();
  });

  it('too short a span, too small a growth, or a noisy fit is not', () => {
    expect(detectLeak(rssTrend(history(120, 1000, (i) => 100 * MB + i * MB)))).toBeNull();
    expect(detectLeak(rssTrend(history(600, 1000, (i) => 100 * MB + i * 1024)))).toBeNull();
    // 2 GB process growing 20 MB: under 10 %.
    expect(detectLeak(rssTrend(history(600, 1000, (i) => 2048 * MB + (i / 30) * MB)))).toBeNull();
    const noisy = rssTrend(
      history(600, 1000, (i) => 100 * MB + i * 0.05 * MB + (i % 2 === 0 ? 40 : -40) * MB),
    );
    expect(noisy === null ? 0 : noisy.fit).toBeLessThan(LEAK_DEFAULTS.minFit);
    expect(detectLeak(noisy)).toBeNull();
  });
});
