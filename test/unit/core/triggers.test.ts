import { describe, expect, it } from 'vitest';
import type { HealthSpec } from '../../../src/config/spec.js';
import { HealthMonitor } from '../../../src/core/probes/health-monitor.js';
import type { Probe, ProbeResult } from '../../../src/core/probes/probe.js';
import { CronTrigger } from '../../../src/core/triggers/cron-trigger.js';
import { FakeClock } from '../../helpers/fake-clock.js';

describe('CronTrigger', () => {
  it('fires at each time of the expression, on the injected clock', async () => {
    const start = Date.UTC(2026, 0, 1, 3, 59, 0);
    const clock = new FakeClock(start);
    const fired: string[] = [];
    const trigger = new CronTrigger('0 4 * * *', clock, (scheduled) => fired.push(scheduled.toISOString()));
    trigger.start();
    expect(trigger.next()?.getTime()).toBeGreaterThan(start);
    await clock.advanceAsync(59_000);
    expect(fired).toEqual([]);
    await clock.advanceAsync(24 * 60 * 60 * 1000 + 1000);
    expect(fired).toHaveLength(2);
    trigger.stop();
    await clock.advanceAsync(48 * 60 * 60 * 1000);
    expect(fired).toHaveLength(2);
  });

  it('rejects an invalid expression', () => {
    expect(() => new CronTrigger('61 * * * *', new FakeClock(), () => undefined)).toThrow();
  });
});

function scriptedProbe(results: ProbeResult[]): Probe & { calls: number } {
  const probe = {
    description: 'http GET http://x/health',
    calls: 0,
    async check(): Promise<ProbeResult> {
      const result = results[Math.min(probe.calls, results.length - 1)] ?? { ok: true, message: 'ok' };
      probe.calls += 1;
      return result;
    },
  };
  return probe;
}

const healthSpec = (overrides: Partial<HealthSpec> = {}): HealthSpec => ({
  probe: { kind: 'tcp', host: '127.0.0.1', port: 1 },
  interval: 1000,
  timeout: 500,
  retries: 3,
  onFailure: 'restart',
  initialDelay: 0,
  ...overrides,
});

describe('HealthMonitor', () => {
  it('goes healthy on a pass, unhealthy only after `retries` failures in a row, healthy again after', async () => {
    const clock = new FakeClock();
    const fail = { ok: false, message: 'connection refused' };
    const pass = { ok: true, message: 'HTTP 200' };
    const probe = scriptedProbe([pass, fail, fail, fail, pass]);
    const changes: string[] = [];
    const monitor = new HealthMonitor(probe, healthSpec(), clock, (change) =>
      changes.push(`${change.health}: ${change.reason}`),
    );
    monitor.start();
    await clock.advanceAsync(0);
    expect(changes).toEqual(['healthy: HTTP 200']);
    await clock.advanceAsync(2000);
    expect(monitor.health).toBe('healthy');
    await clock.advanceAsync(1000);
    expect(changes.at(-1)).toBe(
      'unhealthy: http GET http://x/health failed 3 times in a row: connection refused',
    );
    await clock.advanceAsync(1000);
    expect(changes.at(-1)).toBe('healthy: HTTP 200');
    monitor.stop();
    const calls = probe.calls;
    await clock.advanceAsync(10_000);
    expect(probe.calls).toBe(calls);
  });

  it('waits initial_delay before the first check', async () => {
    const clock = new FakeClock();
    const probe = scriptedProbe([{ ok: true, message: 'ok' }]);
    const monitor = new HealthMonitor(probe, healthSpec({ initialDelay: 5000 }), clock, () => undefined);
    monitor.start();
    await clock.advanceAsync(4999);
    expect(probe.calls).toBe(0);
    await clock.advanceAsync(1);
    expect(probe.calls).toBe(1);
    monitor.stop();
  });

  it('aborts a check that overruns its timeout and counts it as a failure', async () => {
    const clock = new FakeClock();
    let aborted = 0;
    const probe: Probe = {
      description: 'slow',
      check: (signal) =>
        new Promise((resolve) => {
          signal.addEventListener('abort', () => {
            aborted += 1;
            resolve({ ok: false, message: 'timed out' });
          });
        }),
    };
    const changes: string[] = [];
    const monitor = new HealthMonitor(probe, healthSpec({ retries: 1, timeout: 200 }), clock, (change) =>
      changes.push(change.health),
    );
    monitor.start();
    await clock.advanceAsync(200);
    expect(aborted).toBe(1);
    expect(changes).toEqual(['unhealthy']);
    monitor.stop();
  });
});
