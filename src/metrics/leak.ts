import type { MetricsHistory } from './history.js';

/** When rising RSS counts as a leak rather than warm-up or noise. */
export interface LeakOptions {
  /** The trend must cover at least this span. @default 5 minutes */
  minSpanMs: number;
  /** How well a straight line fits (r², 0..1): garbage-collected heaps saw up and down. @default 0.8 */
  minFit: number;
  /** Growth along the fitted line over the span, in bytes. @default 16 MB */
  minGrowthBytes: number;
  /** …and as a fraction of where it started. @default 0.1 */
  minGrowthRatio: number;
}

export const LEAK_DEFAULTS: Readonly<LeakOptions> = {
  minSpanMs: 5 * 60_000,
  minFit: 0.8,
  minGrowthBytes: 16 * 1024 * 1024,
  minGrowthRatio: 0.1,
};

export interface RssTrend {
  /** Bytes per minute along the least-squares line. */
  slopePerMinute: number;
  /** r² of the fit. */
  fit: number;
  /** Fitted RSS at the first and last point. */
  from: number;
  to: number;
  spanMs: number;
  points: number;
}

/** Least-squares line through (time, rss), from a running sum: one pass, no allocation per point. */
export function rssTrend(history: MetricsHistory, since = Number.NEGATIVE_INFINITY): RssTrend | null {
  const sums = { n: 0, first: 0, last: 0, r0: 0, st: 0, sr: 0, stt: 0, srr: 0, str: 0 };
  history.forEachRss(since, (time, rss) => {
    if (sums.n === 0) {
      sums.first = time;
      sums.r0 = rss;
    }
    sums.last = time;
    // Minutes and bytes relative to the first point keep the sums well inside float precision.
    const t = (time - sums.first) / 60_000;
    const r = rss - sums.r0;
    sums.n += 1;
    sums.st += t;
    sums.sr += r;
    sums.stt += t * t;
    sums.srr += r * r;
    sums.str += t * r;
  });
  const { n } = sums;
  if (n < 3) return null;
  const varT = sums.stt - (sums.st * sums.st) / n;
  const varR = sums.srr - (sums.sr * sums.sr) / n;
  const cov = sums.str - (sums.st * sums.sr) / n;
  if (varT <= 0) return null;
  const slope = cov / varT;
  const intercept = sums.r0 + (sums.sr - slope * sums.st) / n;
  const fit = varR <= 0 ? 0 : (cov * cov) / (varT * varR);
  const spanMinutes = (sums.last - sums.first) / 60_000;
  return {
    slopePerMinute: slope,
    fit,
    from: intercept,
    to: intercept + slope * spanMinutes,
    spanMs: sums.last - sums.first,
    points: n,
  };
}

/** The trend when it is a steady rise worth a warning, else null. */
export function detectLeak(trend: RssTrend | null, options: LeakOptions = LEAK_DEFAULTS): RssTrend | null {
  if (trend === null || trend.spanMs < options.minSpanMs || trend.fit < options.minFit) return null;
  const growth = trend.to - trend.from;
  if (growth < options.minGrowthBytes || growth < trend.from * options.minGrowthRatio) return null;
  return trend;
}
