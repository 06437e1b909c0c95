import type { DependencyCondition } from '../config/spec.js';
import type { ManagedProcess } from './managed-process.js';

export type ConditionStatus = { kind: 'met' } | { kind: 'waiting' } | { kind: 'failed'; reason: string };

const MET: ConditionStatus = { kind: 'met' };
const WAITING: ConditionStatus = { kind: 'waiting' };

/**
 * Whether a `depends_on` condition holds for every instance of the dependency. Waiting is the answer
 * whenever the dependency may still get there (starting, restarting); failed only when it cannot.
 */
export function evaluateCondition(
  condition: DependencyCondition,
  instances: readonly ManagedProcess[],
): ConditionStatus {
  let status: ConditionStatus = MET;
  for (const instance of instances) {
    const one = evaluateInstance(condition, instance);
    if (one.kind === 'failed') return one;
    if (one.kind === 'waiting') status = WAITING;
  }
  return status;
}

function evaluateInstance(condition: DependencyCondition, dependency: ManagedProcess): ConditionStatus {
  const { state } = dependency;
  if (state === 'failed') return failed(dependency, `failed: ${dependency.reason}`);
  if (state === 'stopped') return failed(dependency, `was stopped (${dependency.reason})`);
  if (state === 'pending' || state === 'starting' || state === 'backoff') return WAITING;
  switch (condition) {
    case 'started':
      return MET;
    case 'ready':
      return readiness(dependency);
    case 'healthy':
      if (dependency.spec.health === null) return readiness(dependency);
      if (state === 'crashed') return failed(dependency, `${dependency.reason} before it was healthy`);
      // With `on_failure: none` no restart comes to fix it (compose: "dependency failed to start:
      // container … is unhealthy").
      if (dependency.health === 'unhealthy' && dependency.spec.health.onFailure === 'none')
        return failed(dependency, 'is unhealthy');
      return dependency.health === 'healthy' ? MET : WAITING;
    case 'completed':
      return state === 'completed' || state === 'crashed' ? MET : WAITING;
    case 'completed_successfully':
      if (state === 'crashed') return failed(dependency, dependency.reason);
      return state === 'completed' ? MET : WAITING;
  }
}

function readiness(dependency: ManagedProcess): ConditionStatus {
  if (dependency.isReady() || dependency.state === 'completed') return MET;
  if (dependency.state === 'crashed') return failed(dependency, `${dependency.reason} before it was ready`);
  return WAITING;
}

function failed(dependency: ManagedProcess, what: string): ConditionStatus {
  return { kind: 'failed', reason: `dependency ${dependency.id} ${what}` };
}
