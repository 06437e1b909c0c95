import type { StartTimings } from '../core/critical-chain.js';
import type { DependencyGraph } from '../core/graph.js';
import type { ProcessManager } from '../core/process-manager.js';
import type { WhyAnswer } from '../core/why.js';
import type { CrashReporter } from '../reports/crash-reporter.js';

/** `GET /v1/graph`: the config's graph (`edges` as `graph --json` has them) plus the last start's timings. */
export type LiveGraph = DependencyGraph &
  Pick<StartTimings, 'edgeTimings' | 'criticalChain'> & {
    /** Epoch ms of the earliest recorded start, `null` before any. */
    timingsStart: number | null;
  };

/**
 * `GET /v1/why/:name`: the engine's chain, with the crash report filed for the first cause (the newest
 * one of that instance at or after its failure began, so an old report of an earlier run is not named).
 */
export function whyWithReports(manager: ProcessManager, reporter: CrashReporter, id: string): WhyAnswer {
  const answer = manager.why(id);
  const cause = answer.firstCause;
  if (cause !== null) {
    const [newest] = reporter.list({
      process: cause.process,
      ...(cause.since === null ? {} : { since: cause.since }),
    });
    if (newest !== undefined) cause.reportId = newest.id;
  }
  return answer;
}

export function liveGraph(graph: DependencyGraph, timings: StartTimings): LiveGraph {
  return {
    ...graph,
    edgeTimings: timings.edgeTimings,
    criticalChain: timings.criticalChain,
    timingsStart: timings.start,
  };
}
