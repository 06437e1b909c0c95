import type { DependencyCondition } from '../config/spec.js';
import type { GateState, StartGates } from './gates.js';

/** How long one `depends_on` edge held its process back in the last start (`GET /v1/graph` `edgeTimings`). */
export interface EdgeTiming {
  /** The waiting instance (`api`, `worker.2`); edges of `graph --json` use process names. */
  from: string;
  to: string;
  condition: DependencyCondition;
  state: GateState;
  /** Epoch ms. */
  since: number;
  until: number | null;
  /** `until - since`; `null` while waiting. */
  waitedMs: number | null;
}

/** One step of the critical chain: an instance, when it got there and what it waited for last. */
export interface ChainLink {
  process: string;
  /** The state it ended in (ready, running, completed, failed, pending…). */
  state: string;
  /** Ms after the first start of the run at which it was done (ready / running / completed), or `null`. */
  atMs: number | null;
  /** Its own start: spawn plus readiness checks (`startingAt` → done), or `null` if not done. */
  tookMs: number | null;
  /** Its wait for dependencies (became pending → spawned), or `null` if it never spawned. */
  waitedMs: number | null;
  /** The dependency condition met last: the one that held it longest, which the chain follows. */
  gate: { name: string; condition: DependencyCondition; waitedMs: number | null } | null;
}

export interface StartTimings {
  /** Epoch ms of the earliest recorded start, `null` before any. */
  start: number | null;
  edgeTimings: EdgeTiming[];
  criticalChain: ChainLink[];
}

/**
 * The timings of the last start and its critical chain (process-compose's `analyze critical-chain`,
 * systemd-analyze's `critical-chain`): from the instance done last (or `target`) back through the
 * dependency each one waited for last.
 *
 * @param hasReadyChecks whether a process has `ready` checks: without, `running` is done.
 */
export function startTimings(
  records: readonly StartGates[],
  hasReadyChecks: (process: string) => boolean,
  target?: string,
): StartTimings {
  const start = records.length === 0 ? null : Math.min(...records.map((record) => record.since));
  const edgeTimings = records.flatMap((record) =>
    record.dependencies.map((gate) => ({
      from: record.process,
      to: gate.name,
      condition: gate.condition,
      state: gate.state,
      since: gate.since,
      until: gate.until,
      waitedMs: gate.until === null ? null : gate.until - gate.since,
    })),
  );
  const byProcess = new Map(records.map((record) => [record.process, record]));
  const doneAt = (record: StartGates): number | null =>
    record.readyAt ??
    record.completedAt ??
    (hasReadyChecks(record.process) ? null : record.runningAt) ??
    null;
  const chain: ChainLink[] = [];
  let current =
    target === undefined
      ? latest(records, (record) => doneAt(record) ?? record.failed?.time ?? record.stateSince)
      : byProcess.get(target);
  const seen = new Set<string>();
  while (current !== undefined && !seen.has(current.process) && start !== null) {
    seen.add(current.process);
    const done = doneAt(current);
    const met = current.dependencies.filter((gate) => gate.until !== null);
    const last =
      latest(met, (gate) => gate.until ?? 0) ?? current.dependencies.find((gate) => gate.until === null);
    chain.push({
      process: current.process,
      state: current.state,
      atMs: done === null ? null : done - start,
      tookMs: done === null || current.startingAt === null ? null : done - current.startingAt,
      waitedMs: current.startingAt === null ? null : current.startingAt - current.since,
      gate:
        last === undefined
          ? null
          : {
              name: last.name,
              condition: last.condition,
              waitedMs: last.until === null ? null : last.until - last.since,
            },
    });
    if (last === undefined) break;
    // A process with replicas: the instance that got there last held the gate.
    const instances = records.filter(
      (record) => record.process === last.name || record.process.startsWith(`${last.name}.`),
    );
    current = latest(instances, (record) => doneAt(record) ?? Number.POSITIVE_INFINITY);
  }
  return { start, edgeTimings, criticalChain: chain };
}

function latest<T>(items: readonly T[], key: (item: T) => number): T | undefined {
  let best: T | undefined;
  let bestKey = Number.NEGATIVE_INFINITY;
  for (const item of items) {
    const value = key(item);
    if (value > bestKey) {
      best = item;
      bestKey = value;
    }
  }
  return best;
}
