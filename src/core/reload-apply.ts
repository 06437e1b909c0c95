/**
 * Carries out a reload plan (reload-plan.ts) on a running project: stops what was removed and what
 * restarts (dependents first), swaps in the new spec (in-place changes reach the running instances),
 * scales, then starts what was added and what restarts, gated by dependencies as `up` is. A process
 * the plan leaves unchanged is not touched: same instance, same pid.
 */
import type { DependencySpec, ProcessSpec, ProjectSpec } from '../config/spec.js';
import { OvrseerError } from '../errors.js';
import { stopLevels } from './graph.js';
import type { ManagedProcess } from './managed-process.js';
import type { ProcessManager } from './process-manager.js';
import { planReload, type ReloadPlan, same } from './reload-plan.js';
import { isLive } from './states.js';
import type { RestartTriggers } from './triggers/restart-triggers.js';

export interface ReloadOptions {
  /** Plan only: nothing is stopped, started or changed. @default false */
  dryRun?: boolean;
}

/** One instance after the reload, for the result table. */
export interface ReloadInstance {
  id: string;
  state: string;
  pid: number | null;
}

export interface ReloadOutcome {
  plan: ReloadPlan;
  /** False for a dry run, or when the plan changed nothing. */
  applied: boolean;
  /** Per process of the plan other than unchanged ones: its instances once the reload is done. */
  result: Array<{ name: string; action: string; instances: ReloadInstance[] }>;
}

/** What the applier needs of the ProcessManager's internals (given by `ProcessManager.reload`). */
export interface ReloadHost {
  manager: ProcessManager;
  instancesOf(name: string): readonly ManagedProcess[];
  dependencies(): ReadonlyMap<string, readonly DependencySpec[]>;
  /** Makes `spec` the one in force: instances of removed processes dropped, new ones created, kept ones reconfigured. */
  replaceSpec(spec: ProjectSpec): void;
  triggers: RestartTriggers;
  /** While the reload runs, the project is not idle (nothing running between a stop and a start); call the result at the end. */
  hold(): () => void;
}

export async function reloadProject(
  host: ReloadHost,
  next: ProjectSpec,
  options: ReloadOptions,
): Promise<ReloadOutcome> {
  const { manager } = host;
  const current = manager.spec;
  const plan = planReload(current, next);
  const changed = plan.entries.filter((entry) => entry.action !== 'unchanged');
  if (options.dryRun === true || (changed.length === 0 && plan.settings.length === 0))
    return { plan, applied: false, result: [] };
  if (manager.isShuttingDown) throw new OvrseerError('OVRSEER_INVALID_STATE', 'the project is shutting down');
  checkLimit(next, current);
  const names = (action: string) => plan.entries.filter((e) => e.action === action).map((e) => e.name);
  const removed = names('remove');
  const restarted = names('restart').filter((name) => host.instancesOf(name).some(wasRunning));
  const before = new Map(current.processes.map((process) => [process.name, process]));
  const release = host.hold();
  try {
    // Dependents first, by the graph in force: a removed dependency outlives what still needs it.
    const levels = stopLevels(host.dependencies());
    const toStop = [...removed, ...restarted].sort((a, b) => (levels.get(a) ?? 0) - (levels.get(b) ?? 0));
    for (const name of toStop) {
      await Promise.all(
        host.instancesOf(name).map((instance) => instance.stop(`reload: ${reasonOf(plan, name)}`)),
      );
    }
    await Promise.all(removed.map((name) => host.triggers.drop(name)));
    // What cannot change live (state_dir, the API's socket…) stays as it runs until `down` and `up`.
    const effective: ProjectSpec = {
      ...next,
      name: current.name,
      plugins: current.plugins,
      settings: {
        ...current.settings,
        shutdownTimeout: next.settings.shutdownTimeout,
        limits: { ...current.settings.limits, maxProcesses: next.settings.limits.maxProcesses },
      },
    };
    host.replaceSpec(effective);
    const retriggered: ProcessSpec[] = [];
    const toStart = [...restarted];
    for (const process of effective.processes) {
      const old = before.get(process.name);
      if (old === undefined) {
        if (process.type !== 'cleanup' && !process.disabled) toStart.push(process.name);
        continue;
      }
      const running = host.instancesOf(process.name).some(wasRunning) || restarted.includes(process.name);
      if (!same(old.watch, process.watch) || old.cronRestart !== process.cronRestart) {
        await host.triggers.drop(process.name);
        if (running) retriggered.push(process);
      }
      if (old.replicas !== process.replicas) await manager.scale(process.name, process.replicas);
      if (!old.disabled && process.disabled) await manager.stop([process.name]);
      if (old.disabled && !process.disabled && process.type !== 'cleanup') toStart.push(process.name);
    }
    await host.triggers.start(retriggered);
    if (toStart.length > 0) await manager.start(toStart);
  } finally {
    release();
  }
  return {
    plan,
    applied: true,
    result: changed.map((entry) => ({
      name: entry.name,
      action: entry.action,
      instances: host.instancesOf(entry.name).map((instance) => ({
        id: instance.id,
        state: instance.state,
        pid: instance.pid,
      })),
    })),
  };
}

/** Running, or about to run again on its own (a restart after a crash is due). */
function wasRunning(instance: ManagedProcess): boolean {
  return isLive(instance.state) || instance.state === 'backoff';
}

function reasonOf(plan: ReloadPlan, name: string): string {
  return plan.entries.find((entry) => entry.name === name)?.reason ?? 'changed';
}

function checkLimit(next: ProjectSpec, current: ProjectSpec): void {
  const total = next.processes.reduce((sum, process) => sum + process.replicas, 0);
  const limit = next.settings.limits.maxProcesses;
  if (total > limit)
    throw new OvrseerError(
      'OVRSEER_LIMIT_EXCEEDED',
      `${total} process instances exceed settings.limits.max_processes (${limit}) in ${next.file ?? current.file ?? 'the config'}; raise the limit or lower replicas`,
    );
}
