import type { ProjectSpec } from '../config/spec.js';
import { systemClock } from '../core/clock.js';
import { endGroup, endMarkedProcesses, groupGone } from '../core/terminate.js';
import { OvrseerError } from '../errors.js';
import type { StatePaths } from '../os/state-dir.js';
import { isSameProcess, readStateFile } from './state-file.js';

/**
 * Ends what a supervisor that died (SIGKILL, machine crash) left running: each process group recorded
 * in `state.json` — only where pid *and* start time still match, so a reused pid is never hit — and
 * then every process still carrying this project's marker. Returns what it did, for the user.
 */
export async function recoverLeftovers(
  spec: ProjectSpec,
  paths: StatePaths,
  projectId: string,
): Promise<string[]> {
  const messages: string[] = [];
  const state = readStateFile(paths.stateFile);
  const stopOf = (id: string): { signal: NodeJS.Signals; timeout: number } => {
    const name = id.replace(/\.\d+$/, '');
    return (
      spec.processes.find((process) => process.name === name)?.stop ?? {
        signal: 'SIGTERM',
        timeout: spec.settings.shutdownTimeout,
      }
    );
  };
  if (state !== null && state.projectId === projectId) {
    if (
      state.supervisor.pid !== process.pid &&
      isSameProcess(state.supervisor.pid, state.supervisor.startTime)
    ) {
      throw new OvrseerError(
        'OVRSEER_ALREADY_RUNNING',
        `a supervisor (pid ${state.supervisor.pid}) still runs for this project but does not answer on its socket; stop it first`,
      );
    }
    const leftovers = state.processes.filter((entry) => isSameProcess(entry.pid, entry.startTime));
    await Promise.all(
      leftovers.map(async (entry) => {
        const { signal, timeout } = stopOf(entry.id);
        await endGroup({
          pgid: entry.pid,
          signal,
          timeout,
          leaderExited: groupGone(entry.pid, systemClock),
          force: false,
          clock: systemClock,
        });
        messages.push(`ended ${entry.id} (pid ${entry.pid}), left running by a supervisor that died`);
      }),
    );
  }
  const escapees = await endMarkedProcesses({
    projectId,
    markerPrefix: `${spec.name}/`,
    policyFor: (marker) => stopOf(marker.split('/')[1] ?? ''),
    clock: systemClock,
  });
  for (const escapee of escapees) {
    messages.push(`ended pid ${escapee.pid} (${escapee.marker}), left running by a supervisor that died`);
  }
  return messages;
}
