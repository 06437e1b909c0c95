import type { HistoryPoint } from './history.js';
import { type LimitAction, MEMORY_SAMPLES } from './limits.js';
import type { InstanceMetrics, MetricsHost, MetricsInstance } from './types.js';

export interface ActionContext {
  host: MetricsHost;
  /** The last minute of history, for the crash report. */
  history: () => HistoryPoint[];
  onError: (error: unknown) => void;
}

/**
 * Carries out what a limit rule asked for: a warning event through the manager, or the end of the
 * run — the restart policy then restarts the process, as after a crash. The memory limit also files
 * a crash report with the figures that tripped it.
 */
export function applyLimitAction(
  action: LimitAction,
  instance: MetricsInstance,
  sample: InstanceMetrics,
  context: ActionContext,
): void {
  if (action.kind === 'warning') {
    context.host.emitWarning({
      process: instance.id,
      kind: action.warning,
      message: action.message,
      time: sample.time,
    });
    return;
  }
  if (action.kind === 'memoryLimit') {
    instance.fileReport('memoryLimit', action.reason, {
      memory: action.memory,
      limit: action.limit,
      samplesOverLimit: MEMORY_SAMPLES,
      processes: sample.processes,
      history: context.history(),
    });
    instance.endRun({ kind: 'memoryLimit', reason: action.reason }).catch(context.onError);
    return;
  }
  // A sustained CPU excess with `cpu_action: restart` ends the run; the policy decides what follows.
  instance.fileReport('cpuLimit', action.reason, { cpu: sample.cpu, history: context.history() });
  instance.endRun({ kind: 'cpuLimit', reason: action.reason }).catch(context.onError);
}
