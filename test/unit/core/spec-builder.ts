import { LOG_DEFAULTS, RESTART_DEFAULTS, STOP_DEFAULT_SIGNAL } from '../../../src/config/defaults.js';
import type {
  DependencyCondition,
  DependencySpec,
  ProcessSpec,
  ProcessType,
  RestartSpec,
} from '../../../src/config/spec.js';

/** A fully-defaulted `ProcessSpec` (as the config normalizer would produce), with `overrides` on top. */
export function processSpec(name: string, overrides: Partial<Omit<ProcessSpec, 'name'>> = {}): ProcessSpec {
  return {
    name,
    type: 'service',
    command: { kind: 'shell', script: `echo ${name}`, shell: '/bin/sh' },
    cwd: '/tmp/ovrseer-test',
    env: {},
    dependsOn: [],
    ready: [],
    health: null,
    restart: restartSpec(),
    stop: { signal: STOP_DEFAULT_SIGNAL, timeout: 10_000, command: null, commandOnly: false },
    group: null,
    tags: [],
    priority: 0,
    replicas: 1,
    port: null,
    user: null,
    limits: { memory: null, cpu: null, cpuAction: 'warn' },
    watch: null,
    cronRestart: null,
    instanceVars: {},
    log: { ...LOG_DEFAULTS },
    disabled: false,
    adopt: null,
    ...overrides,
  };
}

/** Shorthand for a process of a given type, optionally with explicit `depends_on` names (condition ready). */
export function typed(
  name: string,
  type: ProcessType,
  dependsOn: readonly (string | DependencySpec)[] = [],
  overrides: Partial<Omit<ProcessSpec, 'name' | 'type' | 'dependsOn'>> = {},
): ProcessSpec {
  return processSpec(name, {
    type,
    dependsOn: dependsOn.map((d) => (typeof d === 'string' ? dep(d) : d)),
    ...overrides,
  });
}

export function dep(name: string, condition: DependencyCondition = 'ready'): DependencySpec {
  return { name, condition };
}

export function restartSpec(overrides: Partial<RestartSpec> = {}): RestartSpec {
  return { ...RESTART_DEFAULTS, exitCodes: [...RESTART_DEFAULTS.exitCodes], ...overrides };
}

/** A dependency map as `effectiveDependencies` returns it, from `{ a: ['b'] }` (a depends on b). */
export function depsMap(entries: Record<string, readonly string[]>): Map<string, DependencySpec[]> {
  return new Map(Object.entries(entries).map(([name, list]) => [name, list.map((d) => dep(d))]));
}
