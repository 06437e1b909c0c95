import type { DependencyCondition, DependencySpec } from '../config/spec.js';
import { evaluateCondition } from './conditions.js';
import type { GateState, StartGates } from './gates.js';
import type { ManagedProcess } from './managed-process.js';
import { describeProbe } from './probes/probe.js';
import type { ProcessState } from './states.js';

/** One condition that holds an instance back (or held it, in its last start). Times are epoch ms. */
export interface WhyCondition {
  kind: 'dependency' | 'readiness' | 'backoff' | 'spawn';
  /** `db: ready`, `ready check (http …)`, `restart backoff`. */
  label: string;
  /** The dependency's name for `kind: 'dependency'`, else `null`. */
  dependency: string | null;
  condition: DependencyCondition | null;
  state: GateState;
  since: number;
  until: number | null;
  reason: string | null;
  /** For a waiting dependency: its instances that are not there yet, each with what holds it. */
  blockedBy: WhyAnswer[];
}

/** Where a failure started: the dependency (or the instance itself) that failed on its own. */
export interface FirstCause {
  process: string;
  state: ProcessState;
  reason: string;
  /** Epoch ms its last start began (its crash report is at or after it), `null` if unknown. */
  since: number | null;
  /** Filled by the supervisor, which holds the crash reports; `null` when none was filed. */
  reportId: string | null;
}

/** `ovrseer why NAME`: the answer of `GET /v1/why/:name`. */
export interface WhyAnswer {
  process: string;
  state: ProcessState;
  reason: string;
  /** Epoch ms the instance entered its state (`null` when it has not changed state since the supervisor began). */
  since: number | null;
  /** Whether something holds it back now (pending, waiting to spawn, for readiness, in backoff). */
  waiting: boolean;
  conditions: WhyCondition[];
  /** For a failed instance: the first cause down its chain of dependencies. */
  firstCause: FirstCause | null;
}

/** What the chain is built from: the engine's instances, effective dependencies and gate records. */
export interface WhySource {
  instancesOf(name: string): readonly ManagedProcess[];
  dependenciesOf(name: string): readonly DependencySpec[];
  gates(id: string): StartGates | undefined;
}

/** The chain of conditions holding `instance` back, each dependency followed down to what blocks it. */
export function explainWait(instance: ManagedProcess, source: WhySource): WhyAnswer {
  return explain(instance, source, new Set());
}

function explain(instance: ManagedProcess, source: WhySource, visiting: Set<string>): WhyAnswer {
  visiting.add(instance.id);
  const gates = source.gates(instance.id);
  const { state } = instance;
  const answer: WhyAnswer = {
    process: instance.id,
    state,
    reason: instance.reason,
    since: gates?.stateSince ?? null,
    waiting: state === 'pending' || state === 'starting' || state === 'backoff',
    conditions: [],
    firstCause: null,
  };
  if (state === 'pending') answer.conditions = dependencyConditions(instance, source, gates, visiting);
  else if (state === 'starting')
    answer.conditions = [own('spawn', 'spawning', gates?.startingAt ?? null, instance.reason)];
  else if (state === 'backoff')
    answer.conditions = [own('backoff', 'restart backoff', gates?.stateSince ?? null, instance.reason)];
  else if (state === 'running' && instance.spec.ready.length > 0) {
    answer.waiting = true;
    const probes = instance.spec.ready.map((ready) => describeProbe(ready.probe)).join(', ');
    answer.conditions = [own('readiness', `ready check (${probes})`, gates?.runningAt ?? null, null)];
  } else if (state === 'failed') answer.firstCause = firstCause(instance, source);
  visiting.delete(instance.id);
  return answer;
}

function dependencyConditions(
  instance: ManagedProcess,
  source: WhySource,
  gates: StartGates | undefined,
  visiting: Set<string>,
): WhyCondition[] {
  return source.dependenciesOf(instance.spec.name).map((dependency) => {
    const instances = source.instancesOf(dependency.name);
    const verdict = evaluateCondition(dependency.condition, instances);
    const recorded = gates?.dependencies.find(
      (gate) => gate.name === dependency.name && gate.condition === dependency.condition,
    );
    const since = recorded?.since ?? gates?.since ?? 0;
    const blockedBy =
      verdict.kind === 'waiting'
        ? instances
            .filter((one) => !visiting.has(one.id))
            .filter((one) => evaluateCondition(dependency.condition, [one]).kind === 'waiting')
            .map((one) => explain(one, source, visiting))
        : [];
    return {
      kind: 'dependency' as const,
      label: `${dependency.name}: ${dependency.condition}`,
      dependency: dependency.name,
      condition: dependency.condition,
      state: verdict.kind,
      since,
      until: verdict.kind === 'waiting' ? null : (recorded?.until ?? null),
      reason:
        verdict.kind === 'failed'
          ? verdict.reason
          : verdict.kind === 'waiting'
            ? waitingFor(dependency, instances)
            : null,
      blockedBy,
    };
  });
}

/** What a dependency that is up still lacks, for conditions beyond its own start (`healthy`, `completed`). */
function waitingFor(dependency: DependencySpec, instances: readonly ManagedProcess[]): string | null {
  const up = instances.filter((one) => one.state === 'running' || one.state === 'ready');
  if (up.length === 0) return null;
  if (dependency.condition === 'healthy')
    return `health: ${up.map((one) => `${one.id} ${one.health}`).join(', ')}`;
  if (dependency.condition === 'completed' || dependency.condition === 'completed_successfully')
    return `${up.map((one) => one.id).join(', ')} still running`;
  return null;
}

function own(
  kind: WhyCondition['kind'],
  label: string,
  since: number | null,
  reason: string | null,
): WhyCondition {
  return {
    kind,
    label,
    dependency: null,
    condition: null,
    state: 'waiting',
    since: since ?? 0,
    until: null,
    reason,
    blockedBy: [],
  };
}

/**
 * Follows failed conditions down: an instance failed by a dependency leads to that dependency's
 * failing instance, until one failed (or crashed, or was stopped) for a reason of its own.
 */
export function firstCause(instance: ManagedProcess, source: WhySource): FirstCause {
  const seen = new Set<string>();
  let current = instance;
  for (;;) {
    seen.add(current.id);
    const failedGate = source.gates(current.id)?.dependencies.find((gate) => gate.state === 'failed');
    const culprit =
      failedGate === undefined
        ? undefined
        : source
            .instancesOf(failedGate.name)
            .find(
              (one) => !seen.has(one.id) && evaluateCondition(failedGate.condition, [one]).kind === 'failed',
            );
    if (culprit === undefined)
      return {
        process: current.id,
        state: current.state,
        reason: current.reason,
        since: source.gates(current.id)?.since ?? null,
        reportId: null,
      };
    current = culprit;
  }
}
