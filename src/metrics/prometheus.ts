// Loaded lazily by MetricsSampler.metricsText(): nothing else may import this module eagerly.
import { Counter, Gauge, Registry } from 'prom-client';
import type { HealthState, ProcessState } from '../core/states.js';
import type { MetricsSampler } from './sampler.js';
import type { MetricsHost, MetricsInstance } from './types.js';

// Records, so the compiler says when a state is added and not exported.
const STATES: Record<ProcessState, true> = {
  pending: true,
  starting: true,
  running: true,
  ready: true,
  paused: true,
  stopping: true,
  stopped: true,
  completed: true,
  crashed: true,
  backoff: true,
  failed: true,
};
const HEALTH: Record<HealthState, true> = { unknown: true, healthy: true, unhealthy: true };

const registries = new WeakMap<MetricsHost, Registry>();

/** Prometheus text for `GET /metrics`: one registry per host, whose gauges read current figures on scrape. */
export function renderMetrics(host: MetricsHost, sampler: MetricsSampler): Promise<string> {
  let registry = registries.get(host);
  if (registry === undefined) {
    registry = createRegistry(host, sampler);
    registries.set(host, registry);
  }
  return registry.metrics();
}

function labels(instance: MetricsInstance): { process: string; name: string } {
  return { process: instance.id, name: instance.name };
}

function createRegistry(host: MetricsHost, sampler: MetricsSampler): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ project: host.spec.name });
  const registers = [registry];
  const perProcess = (
    name: string,
    help: string,
    value: (instance: MetricsInstance) => number | null | undefined,
  ): void => {
    const gauge: Gauge<'process' | 'name'> = new Gauge({
      name,
      help,
      labelNames: ['process', 'name'],
      registers,
      collect() {
        gauge.reset();
        for (const instance of host.instances()) {
          const figure = value(instance);
          // No figure (not running, or not measured yet) is no series, never a false 0.
          if (figure !== null && figure !== undefined) gauge.set(labels(instance), figure);
        }
      },
    });
  };
  const latest = (instance: MetricsInstance) => sampler.latest(instance.id);
  perProcess('ovrseer_process_up', '1 while the process runs', (i) => (i.pid === null ? 0 : 1));
  perProcess(
    'ovrseer_process_cpu_percent',
    'CPU of the whole process tree, percent of one core',
    (i) => latest(i)?.cpu,
  );
  perProcess(
    'ovrseer_process_memory_bytes',
    'Resident memory of the whole process tree',
    (i) => latest(i)?.memory,
  );
  perProcess('ovrseer_process_processes', 'Live processes in the tree', (i) => latest(i)?.processes);
  perProcess('ovrseer_process_open_fds', 'Open file descriptors of the tree', (i) => latest(i)?.fds);
  perProcess('ovrseer_process_uptime_seconds', 'Time since the current run started', (i) => {
    const uptime = i.info().uptimeMs;
    return uptime === null ? null : uptime / 1000;
  });
  enumGauge(
    registry,
    host,
    'ovrseer_process_state',
    'Current state (1) among all states',
    'state',
    STATES,
    (i) => i.state,
  );
  enumGauge(
    registry,
    host,
    'ovrseer_process_health',
    'Current health (1) among all',
    'health',
    HEALTH,
    (i) => i.info().health,
  );
  const restarts: Counter<'process' | 'name'> = new Counter({
    name: 'ovrseer_process_restarts_total',
    help: 'Restarts by the restart policy',
    labelNames: ['process', 'name'],
    registers,
    collect() {
      restarts.reset();
      for (const instance of host.instances()) restarts.inc(labels(instance), instance.info().restarts);
    },
  });
  supervisorMetrics(registers, host, sampler);
  return registry;
}

function enumGauge<T extends string>(
  registry: Registry,
  host: MetricsHost,
  name: string,
  help: string,
  label: 'state' | 'health',
  values: Record<T, true>,
  current: (instance: MetricsInstance) => T,
): void {
  const gauge: Gauge<'process' | 'name' | 'state' | 'health'> = new Gauge({
    name,
    help,
    labelNames: ['process', 'name', label],
    registers: [registry],
    collect() {
      gauge.reset();
      for (const instance of host.instances()) {
        const now = current(instance);
        for (const value of Object.keys(values)) {
          gauge.set({ ...labels(instance), [label]: value }, value === now ? 1 : 0);
        }
      }
    },
  });
}

/** The supervisor's own figures (prom-client's default metrics would start an event-loop monitor timer). */
function supervisorMetrics(registers: Registry[], host: MetricsHost, sampler: MetricsSampler): void {
  const gauge = (name: string, help: string, read: () => number): void => {
    const metric: Gauge = new Gauge({
      name,
      help,
      registers,
      collect() {
        metric.set(read());
      },
    });
  };
  gauge('ovrseer_supervisor_resident_memory_bytes', 'Resident memory of the supervisor', () =>
    process.memoryUsage.rss(),
  );
  gauge(
    'ovrseer_supervisor_heap_used_bytes',
    'V8 heap in use in the supervisor',
    () => process.memoryUsage().heapUsed,
  );
  gauge('ovrseer_supervisor_uptime_seconds', 'Time since the supervisor started', () => process.uptime());
  gauge(
    'ovrseer_supervisor_managed_processes',
    'Process instances the supervisor manages',
    () => host.instances().length,
  );
  gauge(
    'ovrseer_metrics_last_pass_seconds',
    'Wall time of the last metrics pass',
    () => sampler.stats().lastPassMs / 1000,
  );
  const cpu: Counter = new Counter({
    name: 'ovrseer_supervisor_cpu_seconds_total',
    help: 'CPU time (user + system) of the supervisor',
    registers,
    collect() {
      const usage = process.cpuUsage();
      cpu.reset();
      cpu.inc((usage.user + usage.system) / 1e6);
    },
  });
  const passes: Counter = new Counter({
    name: 'ovrseer_metrics_passes_total',
    help: 'Metrics passes over the process table',
    registers,
    collect() {
      passes.reset();
      passes.inc(sampler.stats().passes);
    },
  });
}
