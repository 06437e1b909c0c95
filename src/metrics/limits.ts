import type { ProcessSpec } from '../config/spec.js';
import type { MetricsHistory } from './history.js';
import { detectLeak, LEAK_DEFAULTS, type LeakOptions, rssTrend } from './leak.js';

/** What a sample calls for. */
export type LimitAction =
  | { kind: 'memoryLimit'; reason: string; memory: number; limit: number }
  | { kind: 'cpuRestart'; reason: string }
  | { kind: 'warning'; warning: 'cpu' | 'leak' | 'memory'; message: string };

export interface LimitOptions {
  /** CPU over `limits.cpu` for this long is "sustained". @default 30 s */
  cpuWindowMs: number;
  /** How often the history is checked for a leak. @default 30 s */
  leakCheckMs: number;
  /** A leak is not reported again within this time. @default 30 minutes */
  leakRepeatMs: number;
  leak: LeakOptions;
}

export const LIMIT_DEFAULTS: Readonly<LimitOptions> = {
  cpuWindowMs: 30_000,
  leakCheckMs: 30_000,
  leakRepeatMs: 30 * 60_000,
  leak: LEAK_DEFAULTS,
};

/** Samples over the memory limit in a row before the process is restarted (one could be a spike). */
export const MEMORY_SAMPLES = 2;

export interface LimitSample {
  time: number;
  cpu: number | null;
  memory: number;
}

/**
 * The limit and warning rules for one instance, fed one sample at a time. Each rule fires once per
 * episode: the memory limit once per run, the CPU rule once per stretch over the limit.
 */
export class LimitWatcher {
  #memoryOver = 0;
  #memoryTripped = false;
  #cpuOverSince: number | null = null;
  #cpuTripped = false;
  #runStart = 0;
  #lastLeakCheck = Number.NEGATIVE_INFINITY;
  #lastLeakWarning = Number.NEGATIVE_INFINITY;
  /** Lowest and highest memory of this run: a run that never moved by a leak's growth has none. */
  #memoryMin = Number.POSITIVE_INFINITY;
  #memoryMax = Number.NEGATIVE_INFINITY;

  constructor(private readonly options: LimitOptions = LIMIT_DEFAULTS) {}

  /**
   * Whether a rule waits for the next sample to decide: memory over the limit once (a second sample
   * in a row ends the run), or CPU over it for less than the window (a sample under it ends that).
   */
  get pending(): boolean {
    return (
      (this.#memoryOver > 0 && !this.#memoryTripped) || (this.#cpuOverSince !== null && !this.#cpuTripped)
    );
  }

  /**
   * Whether a sample at `time` would fit the history for a leak: the check is due, not within the
   * repeat time of a warning, and this run's memory moved by enough to be one (see `#checkLeak`).
   */
  leakCheckDue(time: number): boolean {
    return (
      time - this.#lastLeakCheck >= this.options.leakCheckMs &&
      time - this.#lastLeakWarning >= this.options.leakRepeatMs &&
      (this.#memoryMax - this.#memoryMin) * 2 >= this.options.leak.minGrowthBytes
    );
  }

  /** A new run began at `time`: every rule starts over. */
  reset(time: number): void {
    this.#memoryOver = 0;
    this.#memoryTripped = false;
    this.#cpuOverSince = null;
    this.#cpuTripped = false;
    this.#runStart = time;
    this.#lastLeakCheck = time;
    this.#lastLeakWarning = Number.NEGATIVE_INFINITY;
    this.#memoryMin = Number.POSITIVE_INFINITY;
    this.#memoryMax = Number.NEGATIVE_INFINITY;
  }

  /** What the sample calls for, appended to `actions` (a caller's reused array: most samples call for nothing). */
  check(
    sample: LimitSample,
    limits: ProcessSpec['limits'],
    history: MetricsHistory,
    actions: LimitAction[] = [],
  ): LimitAction[] {
    if (sample.memory < this.#memoryMin) this.#memoryMin = sample.memory;
    if (sample.memory > this.#memoryMax) this.#memoryMax = sample.memory;
    this.#checkMemory(sample, limits.memory, actions);
    this.#checkCpu(sample, limits, actions);
    this.#checkLeak(sample.time, history, actions);
    return actions;
  }

  #checkMemory(sample: LimitSample, limit: number | null, actions: LimitAction[]): void {
    if (limit === null || sample.memory <= limit) {
      this.#memoryOver = 0;
      return;
    }
    this.#memoryOver += 1;
    if (this.#memoryOver < MEMORY_SAMPLES || this.#memoryTripped) return;
    this.#memoryTripped = true;
    const reason = `memory limit ${formatBytes(limit)} exceeded (${formatBytes(sample.memory)})`;
    actions.push({ kind: 'warning', warning: 'memory', message: `${reason}: restarting` });
    actions.push({ kind: 'memoryLimit', reason, memory: sample.memory, limit });
  }

  #checkCpu(sample: LimitSample, limits: ProcessSpec['limits'], actions: LimitAction[]): void {
    // No figure yet (first sample of a run) says nothing either way.
    if (sample.cpu === null || limits.cpu === null) return;
    if (sample.cpu <= limits.cpu) {
      this.#cpuOverSince = null;
      this.#cpuTripped = false;
      return;
    }
    this.#cpuOverSince ??= sample.time;
    const over = sample.time - this.#cpuOverSince;
    if (this.#cpuTripped || over < this.options.cpuWindowMs) return;
    this.#cpuTripped = true;
    const what = `cpu ${Math.round(sample.cpu)}% over its limit of ${limits.cpu}% for ${formatDuration(over)}`;
    const restart = limits.cpuAction === 'restart';
    actions.push({ kind: 'warning', warning: 'cpu', message: restart ? `${what}: restarting` : what });
    if (restart) {
      actions.push({
        kind: 'cpuRestart',
        reason: `cpu limit ${limits.cpu}% exceeded for ${formatDuration(over)} (${Math.round(sample.cpu)}%)`,
      });
    }
  }

  #checkLeak(time: number, history: MetricsHistory, actions: LimitAction[]): void {
    if (time - this.#lastLeakCheck < this.options.leakCheckMs) return;
    this.#lastLeakCheck = time;
    if (time - this.#lastLeakWarning < this.options.leakRepeatMs) return;
    // Through evenly spaced samples, a fitted line rises at most 1.5 times the range of its points
    // (2 leaves room for gaps): an idle process's flat history is not fitted at all — the fit walks
    // the whole ring, for every instance.
    if ((this.#memoryMax - this.#memoryMin) * 2 < this.options.leak.minGrowthBytes) return;
    // Only this run: a restart's drop would hide a leak, and the previous run's leak is gone.
    const trend = detectLeak(rssTrend(history, this.#runStart), this.options.leak);
    if (trend === null) return;
    this.#lastLeakWarning = time;
    actions.push({
      kind: 'warning',
      warning: 'leak',
      message: `memory rising steadily: +${formatBytes(trend.slopePerMinute)}/min over ${formatDuration(trend.spanMs)} (${formatBytes(trend.from)} → ${formatBytes(trend.to)}); a leak?`,
    });
  }
}

/** `512MB`, `1.5GB`, `900KB`: the units the config accepts. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const text = value >= 100 || unit === 0 ? String(Math.round(value)) : String(Number(value.toFixed(1)));
  return `${text}${units[unit] ?? 'B'}`;
}

export function formatDuration(ms: number): string {
  if (ms < 60_000) return `${Math.round(ms / 1000)}s`;
  const minutes = ms / 60_000;
  return `${Number(minutes.toFixed(minutes < 10 ? 1 : 0))}m`;
}
