import type { DependencySpec, HealthSpec, ProbeSpec, ProcessSpec, ReadySpec } from '../config/spec.js';
import { probeArgv, probeLoss, sameValue, timeSpan, wholeProcess, withInstanceProbes } from './common.js';
import type { Notes } from './notes.js';

export interface Healthcheck {
  test: string[];
  interval: string;
  timeout: string;
  retries: number;
  start_period?: string;
}

/** A probe as a healthcheck test: a shell command stays one (`CMD-SHELL`), the rest are exec'd. */
function test(probe: ProbeSpec, timeout: number): string[] | null {
  if (probe.kind === 'exec' && probe.command.kind === 'shell') return ['CMD-SHELL', probe.command.script];
  const argv = probeArgv(probe, timeout);
  return argv === null ? null : ['CMD', ...argv];
}

function fromHealth(health: HealthSpec): Healthcheck | null {
  const command = test(health.probe, health.timeout);
  if (command === null) return null;
  return {
    test: command,
    interval: timeSpan(health.interval),
    timeout: timeSpan(health.timeout),
    retries: health.retries,
    ...(health.initialDelay > 0 ? { start_period: timeSpan(health.initialDelay) } : {}),
  };
}

/** Readiness as a healthcheck that turns unhealthy once the ready timeout has passed in failures. */
function fromReady(ready: ReadySpec): Healthcheck | null {
  const timeout = Math.max(ready.interval, 1000);
  const command = test(ready.probe, timeout);
  if (command === null) return null;
  return {
    test: command,
    interval: timeSpan(ready.interval),
    timeout: timeSpan(timeout),
    retries: Math.max(1, Math.ceil(ready.timeout / ready.interval)),
    ...(ready.initialDelay > 0 ? { start_period: timeSpan(ready.initialDelay) } : {}),
  };
}

/**
 * Compose has one healthcheck per service: the `health` probe, else the first `ready` probe. Dependents
 * waiting for `ready` or `healthy` wait for it (`service_healthy`). Every replica is a container on its
 * own network, listening on PORT itself: `$PORT` in a probe is the process's port.
 */
export function healthcheckOf(spec: ProcessSpec, notes: Notes): Healthcheck | null {
  const process = withInstanceProbes(wholeProcess(spec), true);
  const { name } = process;
  let check: Healthcheck | null = null;
  let used: ProbeSpec | null = null;
  if (process.health !== null) {
    const loss = probeLoss(process.health.probe);
    if (loss !== null) notes.process(name, 'health', loss);
    check = fromHealth(process.health);
    if (check !== null) used = process.health.probe;
    if (process.health.onFailure === 'restart') {
      notes.process(
        name,
        'health.on_failure',
        'docker marks the container unhealthy but does not restart it',
      );
    }
  }
  for (const [i, ready] of process.ready.entries()) {
    const loss = probeLoss(ready.probe);
    if (loss !== null) notes.process(name, `ready[${i}]`, loss);
    if (check === null) {
      check = fromReady(ready);
      if (check !== null) used = ready.probe;
    } else if (!sameValue(ready.probe, used)) {
      notes.process(
        name,
        `ready[${i}]`,
        'compose has one healthcheck per service; it is taken from another probe',
      );
    }
  }
  return check;
}

const CONDITIONS = {
  started: 'service_started',
  ready: 'service_healthy',
  healthy: 'service_healthy',
  completed: 'service_completed_successfully',
  completed_successfully: 'service_completed_successfully',
} as const;

export function dependsOnOf(
  process: ProcessSpec,
  deps: readonly DependencySpec[],
  hasHealthcheck: (name: string) => boolean,
  notes: Notes,
): Record<string, { condition: string }> {
  const result: Record<string, { condition: string }> = {};
  for (const dependency of deps) {
    let condition: string = CONDITIONS[dependency.condition];
    const key = `depends_on.${dependency.name}`;
    if (condition === 'service_healthy' && !hasHealthcheck(dependency.name)) {
      // Without a check of its own, "ready" means started under ovrseer too; "healthy" has no meaning.
      if (dependency.condition === 'healthy') {
        notes.process(
          process.name,
          key,
          `${dependency.name} has no healthcheck: compose waits for it to start`,
        );
      }
      condition = 'service_started';
    }
    if (dependency.condition === 'completed') {
      notes.process(
        process.name,
        key,
        'compose waits for a successful exit (service_completed_successfully)',
      );
    }
    result[dependency.name] = { condition };
  }
  return result;
}

export function restartOf(process: ProcessSpec, notes: Notes): string {
  const { policy, maxRetries } = process.restart;
  if (process.type === 'cleanup') return 'no';
  if (policy === 'on-failure') return maxRetries === null ? 'on-failure' : `on-failure:${maxRetries}`;
  if (maxRetries !== null && policy !== 'no') {
    notes.process(
      process.name,
      'restart.max_retries',
      `docker limits retries with on-failure only, not ${policy}`,
    );
  }
  return policy;
}

/** Docker's memory sizes: `512m`, `1g`, or bytes. */
export function dockerSize(bytes: number): string {
  for (const [unit, factor] of [
    ['g', 1024 ** 3],
    ['m', 1024 ** 2],
    ['k', 1024],
  ] as const) {
    if (bytes % factor === 0) return `${bytes / factor}${unit}`;
  }
  return String(bytes);
}
