import type { DependencyCondition } from '../config/spec.js';
import type { ConditionStatus } from './conditions.js';
import type { StateChangeEvent } from './events.js';
import type { ProcessState } from './states.js';

export type GateState = 'waiting' | 'met' | 'failed';

/** One `depends_on` condition of one start of an instance: when it began waiting and when it ended. */
export interface DependencyGate {
  name: string;
  condition: DependencyCondition;
  state: GateState;
  /** Epoch ms the condition was first seen waiting in this start (the start's own time when it never waited). */
  since: number;
  /** Epoch ms it was met or failed; `null` while waiting. */
  until: number | null;
  /** Why it failed (`dependency db failed: …`); `null` otherwise. */
  reason: string | null;
}

/**
 * The gates of an instance's last start, in epoch ms: waiting for its dependencies (`since` →
 * `startingAt`), spawning (`startingAt` → `runningAt`), its readiness checks (`runningAt`, when the
 * probes begin, → `readyAt`).
 */
export interface StartGates {
  process: string;
  /** When the last start began: the instance became `pending`, or `starting` for a restart. */
  since: number;
  dependencies: DependencyGate[];
  startingAt: number | null;
  runningAt: number | null;
  readyAt: number | null;
  /** Exited 0 / a success code (a task: what `completed` conditions wait for). */
  completedAt: number | null;
  /** The last state and since when (`why` says "since 12s"). */
  state: ProcessState;
  stateSince: number;
  /** Set when the start ended in `failed`. */
  failed: { time: number; reason: string } | null;
}

export interface DependencyVerdict {
  name: string;
  condition: DependencyCondition;
  status: ConditionStatus;
}

/**
 * Keeps, per instance, the timings of its last start: fed by the engine's state events and by each
 * evaluation of a pending instance's conditions (which is when a condition can change). Memory is one
 * record per instance, replaced at each start.
 */
export class GateRecorder {
  readonly #records = new Map<string, StartGates>();

  /** Every state event of the manager. */
  onState(event: StateChangeEvent): void {
    let record = this.#records.get(event.process);
    const restart = event.to === 'starting' && (record === undefined || record.startingAt !== null);
    if (record === undefined || event.to === 'pending' || restart) {
      record = fresh(event.process, event.time, event.to);
      this.#records.set(event.process, record);
    }
    record.state = event.to;
    record.stateSince = event.time;
    if (event.to === 'starting') record.startingAt = event.time;
    else if (event.to === 'running') record.runningAt = event.time;
    else if (event.to === 'ready') record.readyAt = event.time;
    else if (event.to === 'completed') record.completedAt = event.time;
    else if (event.to === 'failed') record.failed = { time: event.time, reason: event.reason };
  }

  /** The verdicts of every condition of a pending instance, evaluated at `now`. */
  observe(process: string, verdicts: readonly DependencyVerdict[], now: number): void {
    const record = this.#records.get(process);
    if (record === undefined) return;
    for (const verdict of verdicts) {
      let gate = record.dependencies.find(
        (known) => known.name === verdict.name && known.condition === verdict.condition,
      );
      const state: GateState = verdict.status.kind;
      if (gate === undefined) {
        gate = {
          name: verdict.name,
          condition: verdict.condition,
          state,
          since: now,
          until: null,
          reason: null,
        };
        record.dependencies.push(gate);
      } else if (gate.state === state) continue;
      // A condition that held and is lost again (its dependency restarted) waits anew from here.
      if (state === 'waiting' && gate.state !== 'waiting') gate.since = now;
      gate.state = state;
      gate.until = state === 'waiting' ? null : now;
      gate.reason = verdict.status.kind === 'failed' ? verdict.status.reason : null;
    }
  }

  get(process: string): StartGates | undefined {
    return this.#records.get(process);
  }

  all(): StartGates[] {
    return [...this.#records.values()];
  }
}

function fresh(process: string, time: number, state: ProcessState): StartGates {
  return {
    process,
    since: time,
    dependencies: [],
    startingAt: null,
    runningAt: null,
    readyAt: null,
    completedAt: null,
    state,
    stateSince: time,
    failed: null,
  };
}
