import { describe, expect, it } from 'vitest';
import type { ProcessSpec } from '../../../src/config/spec.js';
import type { ErrorContext, WarningEvent } from '../../../src/core/events.js';
import type { ProcessInfo } from '../../../src/core/managed-process.js';
import type { ExitCause } from '../../../src/core/restart/restart-controller.js';
import type { ProcessState } from '../../../src/core/states.js';
import { LinuxTreeSource } from '../../../src/metrics/linux-source.js';
import { createTreeSource } from '../../../src/metrics/platform.js';
import { PsTreeSource } from '../../../src/metrics/ps-source.js';
import { MetricsSampler } from '../../../src/metrics/sampler.js';
import type { TreeRoot } from '../../../src/metrics/tree.js';
import type { MetricsHost, MetricsInstance, TreeFigures, TreeSource } from '../../../src/metrics/types.js';
import { FakeClock } from '../../helpers/fake-clock.js';

const MB = 1024 * 1024;

class FakeInstance implements MetricsInstance {
  readonly name: string;
  readonly instance = null;
  readonly marker: string;
  state: ProcessState = 'running';
  pid: number | null;
  readonly spec: Pick<ProcessSpec, 'limits' | 'cwd'>;
  readonly ended: ExitCause[] = [];
  readonly reports: { type: string; reason: string; context?: Record<string, unknown> }[] = [];

  constructor(
    readonly id: string,
    pid: number,
    limits: Partial<ProcessSpec['limits']> = {},
  ) {
    this.name = id;
    this.pid = pid;
    this.marker = `shop/${id}/1`;
    this.spec = {
      limits: { memory: null, cpu: null, cpuAction: 'warn', ...limits },
      cwd: '/nonexistent/ovrseer',
    };
  }

  info(): ProcessInfo {
    return {
      id: this.id,
      name: this.name,
      instance: null,
      type: 'service',
      state: this.state,
      health: 'healthy',
      pid: this.pid,
      restarts: 2,
      startedAt: 0,
      uptimeMs: 5000,
      reason: '',
      exitCode: null,
      exitSignal: null,
      group: null,
      tags: [],
    };
  }

  endRun(cause: ExitCause): Promise<void> {
    this.ended.push(cause);
    return Promise.resolve();
  }

  fileReport(type: string, reason: string, context?: Record<string, unknown>): void {
    this.reports.push({ type, reason, ...(context === undefined ? {} : { context }) });
  }
}

class FakeHost implements MetricsHost {
  readonly projectId = 'p1';
  readonly spec = { name: 'shop', settings: { metricsInterval: 1000 } };
  isShuttingDown = false;
  readonly warnings: WarningEvent[] = [];
  readonly errors: { error: Error; context: ErrorContext }[] = [];
  constructor(readonly list: FakeInstance[]) {}
  instances(): FakeInstance[] {
    return this.list;
  }
  reportError(error: Error, context: ErrorContext): void {
    this.errors.push({ error, context });
  }
  emitWarning(warning: WarningEvent): void {
    this.warnings.push(warning);
  }
}

/** Figures by leader pid; `seen` records the roots of each pass. */
class FakeSource implements TreeSource {
  readonly figures = new Map<number, TreeFigures>();
  readonly seen: number[][] = [];
  failWith: Error | null = null;
  sample(roots: readonly TreeRoot[]): (TreeFigures | null)[] {
    if (this.failWith !== null) throw this.failWith;
    this.seen.push(roots.map((root) => root.pid));
    return roots.map((root) => this.figures.get(root.pid) ?? null);
  }
  set(pid: number, figures: Partial<TreeFigures>): void {
    this.figures.set(pid, { cpu: null, memory: MB, processes: 1, fds: 3, ports: [], ...figures });
  }
}

function setup(instances: FakeInstance[]) {
  const clock = new FakeClock(1_000_000);
  const host = new FakeHost(instances);
  const source = new FakeSource();
  const sampler = new MetricsSampler(host, { clock, source });
  return { clock, host, source, sampler };
}

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
    expect(api.ended).toEqual([{ kind: 'unhealthy', reason: 'cpu limit 50% exceeded for 3s (95%)' }]);
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

  it('renders Prometheus text: per process figures, state, health, restarts, and the supervisor', async () => {
    const api = new FakeInstance('api', 100);
    const db = new FakeInstance('db', 200);
    const { clock, source, sampler } = setup([api, db]);
    source.set(100, { cpu: null, memory: 30 * MB });
    source.set(200, { cpu: null, memory: 5 * MB });
    await sampler.sample();
    clock.advance(1000);
    source.set(100, { cpu: 42.5, memory: 30 * MB });
    await sampler.sample();
    const text = await sampler.metricsText();
    expect(text).toContain('ovrseer_process_up{process="api",name="api",project="shop"} 1');
    expect(text).toContain('ovrseer_process_cpu_percent{process="api",name="api",project="shop"} 42.5');
    // db's CPU is not measured yet: no series rather than a false 0.
    expect(text).not.toContain('ovrseer_process_cpu_percent{process="db"');
    expect(text).toContain(`ovrseer_process_memory_bytes{process="db",name="db",project="shop"} ${5 * MB}`);
    expect(text).toContain(
      'ovrseer_process_state{process="api",name="api",state="running",project="shop"} 1',
    );
    expect(text).toContain('ovrseer_process_state{process="api",name="api",state="failed",project="shop"} 0');
    expect(text).toContain(
      'ovrseer_process_health{process="api",name="api",health="healthy",project="shop"} 1',
    );
    expect(text).toContain('ovrseer_process_restarts_total{process="api",name="api",project="shop"} 2');
    expect(text).toContain('ovrseer_process_uptime_seconds{process="api",name="api",project="shop"} 5');
    expect(text).toMatch(/^# TYPE ovrseer_process_restarts_total counter$/m);
    expect(text).toMatch(/^ovrseer_supervisor_resident_memory_bytes\{project="shop"\} \d+$/m);
    expect(text).toMatch(/^ovrseer_metrics_passes_total\{project="shop"\} 2$/m);
    // A second scrape reads the figures again (no duplicate registration).
    expect(await sampler.metricsText()).toContain(
      'ovrseer_process_up{process="db",name="db",project="shop"} 1',
    );
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
