// Fakes of a manager, its instances and a tree source, for the sampler and Prometheus unit tests.
import type { ProcessSpec } from '../../../src/config/spec.js';
import type { ErrorContext, WarningEvent } from '../../../src/core/events.js';
import type { ProcessInfo } from '../../../src/core/managed-process.js';
import type { ExitCause } from '../../../src/core/restart/restart-controller.js';
import type { ProcessState } from '../../../src/core/states.js';
import { MetricsSampler } from '../../../src/metrics/sampler.js';
import type { TreeRoot } from '../../../src/metrics/tree.js';
import type { MetricsHost, MetricsInstance, TreeFigures, TreeSource } from '../../../src/metrics/types.js';
import { FakeClock } from '../../helpers/fake-clock.js';

export const MB = 1024 * 1024;

export class FakeInstance implements MetricsInstance {
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
      stopping: null,
      adopted: false,
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

export class FakeHost implements MetricsHost {
  readonly projectId = 'p1';
  readonly spec = { name: 'shop', settings: { metricsInterval: 1000 } };
  isShuttingDown = false;
  readonly warnings: WarningEvent[] = [];
  readonly errors: { error: Error; context: ErrorContext }[] = [];
  constructor(readonly list: FakeInstance[]) {}
  instances(): FakeInstance[] {
    return this.list;
  }
  get(id: string): FakeInstance | undefined {
    return this.list.find((instance) => instance.id === id);
  }
  reportError(error: Error, context: ErrorContext): void {
    this.errors.push({ error, context });
  }
  emitWarning(warning: WarningEvent): void {
    this.warnings.push(warning);
  }
}

/** Figures by leader pid; `seen` records the roots of each pass. */
export class FakeSource implements TreeSource {
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

export function setup(instances: FakeInstance[]) {
  const clock = new FakeClock(1_000_000);
  const host = new FakeHost(instances);
  const source = new FakeSource();
  const sampler = new MetricsSampler(host, { clock, source });
  return { clock, host, source, sampler };
}
