import type { ProjectSpec } from '../config/spec.js';
import { systemClock } from '../core/clock.js';
import { findMarkedProcesses } from '../core/kill.js';
import { endGroup, endMarkedProcesses, groupGone } from '../core/terminate.js';
import { OvrseerError } from '../errors.js';
import { isSameProcess, type StateFileContent } from './state-file.js';

/** A process of the project still running although no supervisor manages it. */
export interface Leftover {
  pid: number;
  /** The instance id from `state.json`, or the environment marker (`<project>/<name>/<instance>`). */
  what: string;
}

/**
 * Ends what a supervisor that died (SIGKILL, machine crash) left running: each process group recorded
 * in `state.json` — only where pid *and* start time still match, so a reused pid is never hit — and
 * then every process still carrying this project's marker. Returns what it did, for the user.
 * @param state the content of `state.json`, null when there is none (or it was damaged and set aside)
 */
export async function recoverLeftovers(
  spec: ProjectSpec,
  state: StateFileContent | null,
  projectId: string,
): Promise<string[]> {
  const messages: string[] = [];
  const stopOf = (id: string): { signal: NodeJS.Signals; timeout: number } => {
    const name = id.replace(/\.\d+$/, '');
    return (
      spec.processes.find((process) => process.name === name)?.stop ?? {
        signal: 'SIGTERM',
        timeout: spec.settings.shutdownTimeout,
      }
    );
  };
  const recorded = ownState(state, projectId);
  if (recorded !== null) {
    const { supervisor } = recorded;
    if (supervisor.pid !== process.pid && isSameProcess(supervisor.pid, supervisor.startTime)) {
      throw new OvrseerError(
        'OVRSEER_ALREADY_RUNNING',
        `a supervisor (pid ${supervisor.pid}) still runs for this project but does not answer on its socket; stop it first (kill ${supervisor.pid})`,
      );
    }
    const leftovers = recorded.processes.filter((entry) => isSameProcess(entry.pid, entry.startTime));
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

/**
 * What of the project still runs without a supervisor, ending nothing: the groups `state.json`
 * records (pid and start time matching) and every process carrying the project's marker.
 */
export async function findLeftovers(
  spec: ProjectSpec,
  state: StateFileContent | null,
  projectId: string,
): Promise<Leftover[]> {
  const found = new Map<number, Leftover>();
  for (const entry of ownState(state, projectId)?.processes ?? []) {
    if (isSameProcess(entry.pid, entry.startTime)) found.set(entry.pid, { pid: entry.pid, what: entry.id });
  }
  for (const marked of await findMarkedProcesses(projectId, `${spec.name}/`)) {
    if (!found.has(marked.pid)) found.set(marked.pid, { pid: marked.pid, what: marked.marker });
  }
  return [...found.values()].sort((a, b) => a.pid - b.pid);
}

function ownState(state: StateFileContent | null, projectId: string): StateFileContent | null {
  return state !== null && state.projectId === projectId ? state : null;
}

/** At most this many recovery lines on a terminal: a thousand "ended pid …" lines say nothing more. */
const SHOWN_LINES = 10;

/** Recovery messages for a terminal: warnings in full, the ended processes up to `SHOWN_LINES`. */
export function recoverySummary(messages: readonly string[], log: string): string[] {
  const warnings = messages.filter((message) => message.startsWith('warning: '));
  const rest = messages.filter((message) => !message.startsWith('warning: '));
  if (rest.length <= SHOWN_LINES) return [...warnings, ...rest];
  return [...warnings, ...rest.slice(0, SHOWN_LINES), `… and ${rest.length - SHOWN_LINES} more (see ${log})`];
}
