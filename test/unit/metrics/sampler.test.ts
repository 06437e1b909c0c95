import { describe, expect, it } from 'vitest';
import { LinuxTreeSource } from '../../../src/metrics/linux-source.js';
import { createTreeSource } from '../../../src/metrics/platform.js';
import { PsTreeSource } from '../../../src/metrics/ps-source.js';
import { MetricsSampler } from '../../../src/metrics/sampler.js';
import { FakeClock } from '../../helpers/fake-clock.js';
import { FakeHost, FakeInstance, FakeSource, MB, setup } from './fake-host.js';

describe('MetricsSampler', () => {
  it('samples at start, then every interval; stop() ends the timer', async () => {
    const { clock, source, sampler } = setup([new FakeInstance('api', 100)]);
    source.set(100, {});
    sampler.start();
    await clock.advanceAsync(0);
    expect(source.seen).toHaveLength(1);
    await clock.advanceAsync(2500);
    expect(source.seen).toHaveLength(3);
    await sampler.stop();
    expect(clock.pendingTimers).toBe(0);
    await clock.advanceAsync(5000);
    expect(source.seen).toHaveLength(3);
  });

  it('latest, figures and history of running instances; nothing for stopped ones', async () => {
    const api = new FakeInstance('api', 100);
    const db = new FakeInstance('db', 200);
    db.state = 'stopped';
    db.pid = null;
    const { clock, source, sampler } = setup([api, db]);
    source.set(100, { cpu: null, memory: 30 * MB, ports: [3000] });
    await sampler.sample();
    expect(source.seen).toEqual([[100]]);
    expect(sampler.latest('api')).toEqual({
      cpu: null,
      memory: 30 * MB,
      processes: 1,
      fds: 3,
      ports: [3000],
      time: 1_000_000,
    });
    expect(sampler.figures('api')).toEqual({ cpu: null, memory: 30 * MB, ports: [3000], branch: null });
    expect(sampler.figures('db')).toEqual({ cpu: null, memory: null, ports: [], branch: null });
    expect(sampler.latest('db')).toBeNull();
    clock.advance(1000);
    source.set(100, { cpu: 12.5, memory: 31 * MB, ports: [3000] });
    await sampler.sample();
    expect(sampler.figures('api').cpu).toBe(12.5);
    expect(sampler.history('api')).toEqual([
      { time: 1_000_000, cpu: null, rss: 30 * MB },
      { time: 1_001_000, cpu: 12.5, rss: 31 * MB },
    ]);
    expect(sampler.history('nope')).toEqual([]);
    // Exited: no figures until the next run is sampled, even before the next pass.
    api.state = 'backoff';
    api.pid = null;
    expect(sampler.latest('api')).toBeNull();
    expect(sampler.figures('api').memory).toBeNull();
    api.state = 'running';
    api.pid = 105;
    expect(sampler.latest('api')).toBeNull();
    expect(sampler.stats().passes).toBe(2);
  });

  it('memory over the limit twice in a row: a report, a warning, and the run ended once', async () => {
    const api = new FakeInstance('api', 100, { memory: 512 * MB });
    const { clock, host, source, sampler } = setup([api]);
    source.set(100, { memory: 612 * MB });
    await sampler.sample();
    expect(api.ended).toEqual([]);
    clock.advance(1000);
    await sampler.sample();
    const reason = 'memory limit 512MB exceeded (612MB)';
    expect(api.ended).toEqual([{ kind: 'memoryLimit', reason }]);
    expect(api.reports).toHaveLength(1);
    expect(api.reports[0]).toMatchObject({
      type: 'memoryLimit',
      reason,
      context: { memory: 612 * MB, limit: 512 * MB, samplesOverLimit: 2 },
    });
    expect(host.warnings).toEqual([
      { process: 'api', kind: 'memory', message: `${reason}: restarting`, time: 1_001_000 },
    ]);
    clock.advance(1000);
    await sampler.sample();
    expect(api.ended).toHaveLength(1);
    // The restart: a new leader pid is a new run, with its own limit.
    api.pid = 101;
    source.set(101, { memory: 612 * MB });
    await sampler.sample();
    clock.advance(1000);
    await sampler.sample();
    expect(api.ended).toHaveLength(2);
  });

  it('cpu_action: restart ends the run after the sustained window', async () => {
    const api = new FakeInstance('api', 100, { cpu: 50, cpuAction: 'restart' });
    const clock = new FakeClock(0);
    const host = new FakeHost([api]);
    const source = new FakeSource();
    const sampler = new MetricsSampler(host, { clock, source, cpuWindowMs: 3000 });
    source.set(100, { cpu: 95 });
    for (let i = 0; i < 5; i += 1) {
      await sampler.sample();
      clock.advance(1000);
    }
    expect(api.ended).toEqual([{ kind: 'cpuLimit', reason: 'cpu limit 50% exceeded for 3s (95%)' }]);
    expect(host.warnings.map((w) => w.kind)).toEqual(['cpu']);
  });

  it('takes no action while the project shuts down', async () => {
    const api = new FakeInstance('api', 100, { memory: MB });
    const { host, source, sampler } = setup([api]);
    host.isShuttingDown = true;
    source.set(100, { memory: 10 * MB });
    await sampler.sample();
    await sampler.sample();
    expect(api.ended).toEqual([]);
  });

  it('a failing pass is reported once, not every second', async () => {
    const { host, source, sampler } = setup([new FakeInstance('api', 100)]);
    source.failWith = new Error('EMFILE: too many open files');
    await sampler.sample();
    await sampler.sample();
    expect(host.errors).toHaveLength(1);
    expect(host.errors[0]?.context).toMatchObject({ operation: 'sample metrics', severity: 'warning' });
  });
});

describe('platform seam', () => {
  it('/proc on Linux, ps where there is no /proc, nothing on Windows', () => {
    expect(createTreeSource('p1', 'linux')).toBeInstanceOf(LinuxTreeSource);
    expect(createTreeSource('p1', 'darwin')).toBeInstanceOf(PsTreeSource);
    expect(createTreeSource('p1', 'freebsd')).toBeInstanceOf(PsTreeSource);
    expect(createTreeSource('p1', 'win32')).toBeNull();
    const host = new FakeHost([new FakeInstance('api', 100)]);
    const sampler = new MetricsSampler(host, { source: null });
    expect(sampler.supported).toBe(false);
    sampler.start();
    expect(sampler.figures('api')).toEqual({ cpu: null, memory: null, ports: [], branch: null });
  });
});
