import { describe, expect, it } from 'vitest';
import type { ProcessSpec } from '../../../src/config/spec.js';
import { MetricsHistory } from '../../../src/metrics/history.js';
import { formatBytes, formatDuration, LIMIT_DEFAULTS, LimitWatcher } from '../../../src/metrics/limits.js';

const MB = 1024 * 1024;
const limits = (over: Partial<ProcessSpec['limits']> = {}): ProcessSpec['limits'] => ({
  memory: null,
  cpu: null,
  cpuAction: 'warn',
  ...over,
});

describe('memory limit', () => {
  it('restarts after two samples in a row over the limit, with the reason, once per run', () => {
    const watcher = new LimitWatcher();
    const h = new MetricsHistory(10);
    const l = limits({ memory: 512 * MB });
    watcher.reset(0);
    expect(watcher.check({ time: 1000, cpu: 1, memory: 600 * MB }, l, h)).toEqual([]);
    // A spike that comes back under does not count.
    expect(watcher.check({ time: 2000, cpu: 1, memory: 100 * MB }, l, h)).toEqual([]);
    expect(watcher.check({ time: 3000, cpu: 1, memory: 600 * MB }, l, h)).toEqual([]);
    const actions = watcher.check({ time: 4000, cpu: 1, memory: 612 * MB }, l, h);
    expect(actions).toEqual([
      { kind: 'warning', warning: 'memory', message: 'memory limit 512MB exceeded (612MB): restarting' },
      {
        kind: 'memoryLimit',
        reason: 'memory limit 512MB exceeded (612MB)',
        memory: 612 * MB,
        limit: 512 * MB,
      },
    ]);
    expect(watcher.check({ time: 5000, cpu: 1, memory: 700 * MB }, l, h)).toEqual([]);
    watcher.reset(6000);
    watcher.check({ time: 7000, cpu: 1, memory: 700 * MB }, l, h);
    expect(watcher.check({ time: 8000, cpu: 1, memory: 700 * MB }, l, h).map((a) => a.kind)).toEqual([
      'warning',
      'memoryLimit',
    ]);
  });

  it('no limit, no action', () => {
    const watcher = new LimitWatcher();
    const h = new MetricsHistory(10);
    for (let t = 0; t < 5; t += 1)
      expect(watcher.check({ time: t * 1000, cpu: 1, memory: 10_000 * MB }, limits(), h)).toEqual([]);
  });
});

describe('cpu limit', () => {
  const window = LIMIT_DEFAULTS.cpuWindowMs;

  it('warns once when over the limit for the whole window; a dip starts over', () => {
    const watcher = new LimitWatcher();
    const h = new MetricsHistory(10);
    const l = limits({ cpu: 50 });
    watcher.reset(0);
    expect(watcher.check({ time: 0, cpu: 90, memory: MB }, l, h)).toEqual([]);
    expect(watcher.check({ time: window / 2, cpu: 90, memory: MB }, l, h)).toEqual([]);
    expect(watcher.check({ time: window / 2 + 1000, cpu: 10, memory: MB }, l, h)).toEqual([]);
    expect(watcher.check({ time: window, cpu: 90, memory: MB }, l, h)).toEqual([]);
    // A sample with no figure says nothing either way.
    expect(watcher.check({ time: window + 1000, cpu: null, memory: MB }, l, h)).toEqual([]);
    expect(watcher.check({ time: 2 * window, cpu: 98, memory: MB }, l, h)).toEqual([
      { kind: 'warning', warning: 'cpu', message: 'cpu 98% over its limit of 50% for 30s' },
    ]);
    expect(watcher.check({ time: 2 * window + 1000, cpu: 98, memory: MB }, l, h)).toEqual([]);
  });

  it('with cpu_action: restart, ends the run too', () => {
    const watcher = new LimitWatcher();
    const h = new MetricsHistory(10);
    const l = limits({ cpu: 50, cpuAction: 'restart' });
    watcher.reset(0);
    watcher.check({ time: 0, cpu: 99, memory: MB }, l, h);
    expect(watcher.check({ time: window, cpu: 99, memory: MB }, l, h)).toEqual([
      { kind: 'warning', warning: 'cpu', message: 'cpu 99% over its limit of 50% for 30s: restarting' },
      { kind: 'cpuRestart', reason: 'cpu limit 50% exceeded for 30s (99%)' },
    ]);
  });
});

describe('leak warning', () => {
  it('warns about a steady rise of this run, naming the slope, then not again for a while', () => {
    const watcher = new LimitWatcher();
    const h = new MetricsHistory(1200);
    watcher.reset(0);
    const messages: string[] = [];
    for (let t = 0; t <= 12 * 60; t += 1) {
      const memory = 100 * MB + t * 0.05 * MB;
      h.push(t * 1000, 1, memory);
      for (const action of watcher.check({ time: t * 1000, cpu: 1, memory }, limits(), h)) {
        if (action.kind === 'warning') messages.push(action.message);
      }
    }
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(
      /^memory rising steadily: \+3MB\/min over 5(\.\d)?m \(100MB → 1\d\dMB\); a leak\?$/,
    );
  });
});

describe('formatting', () => {
  it('formatBytes uses the units the config accepts', () => {
    expect(formatBytes(512 * MB)).toBe('512MB');
    expect(formatBytes(1.5 * 1024 * MB)).toBe('1.5GB');
    expect(formatBytes(900 * 1024)).toBe('900KB');
    expect(formatBytes(12)).toBe('12B');
    expect(formatBytes(3.25 * MB)).toBe('3.3MB');
  });

  it('formatDuration', () => {
    expect(formatDuration(30_000)).toBe('30s');
    expect(formatDuration(5.5 * 60_000)).toBe('5.5m');
    expect(formatDuration(10 * 60_000)).toBe('10m');
  });
});
