import { readdirSync } from 'node:fs';
import { isErrnoException } from '../errors.js';
import { environVariable, ProcReader, type ProcStat } from '../os/proc.js';
import { readDirectory } from './lazy-builtin.js';

/** Environment variable that marks every process ovrseer starts, inherited by all its descendants. */
export const PROCESS_MARKER_VAR = 'OVRSEER_PROCESS';
/**
 * Identifies the project (by its config path), so two checkouts that share a project name never
 * end each other's escapees.
 */
export const PROJECT_ID_VAR = 'OVRSEER_PROJECT_ID';

/**
 * Sends `signal` to every process in the group `pgid`. Returns false when the group no longer
 * exists; other failures (EPERM) are thrown for the caller to report.
 */
export function signalGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch (error) {
    if (isErrnoException(error) && error.code === 'ESRCH') return false;
    throw error;
  }
}

/**
 * Whether any process of the group still runs. Zombies do not count: where PID 1 does not reap
 * orphans (many containers and VMs), an exited grandchild stays a zombie in its group forever and
 * `kill(-pgid, 0)` keeps succeeding.
 */
export function isGroupAlive(pgid: number): boolean {
  if (!signalGroup(pgid, 0)) return false;
  if (process.platform !== 'linux') return true;
  return (liveGroups().get(pgid) ?? 0) > 0;
}

/** Whether the pid runs (a zombie does not). */
export function isPidAlive(pid: number): boolean {
  if (!signalPid(pid, 0)) return false;
  if (process.platform !== 'linux') return true;
  const stat = readStat(pid);
  return stat !== null && stat.state !== 'Z';
}

const SNAPSHOT_TTL_MS = 5;
/** The /proc parser shared with the metrics sampler. */
const procReader = new ProcReader();
let snapshot: { time: number; groups: Map<number, number> } | null = null;

/** Non-zombie process count per process group, from one pass over /proc, shared by concurrent pollers. */
function liveGroups(): Map<number, number> {
  const now = Date.now();
  if (snapshot !== null && now - snapshot.time < SNAPSHOT_TTL_MS) return snapshot.groups;
  const groups = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    const stat = readStat(pid);
    if (stat === null || stat.state === 'Z') continue;
    groups.set(stat.pgrp, (groups.get(stat.pgrp) ?? 0) + 1);
  }
  snapshot = { time: now, groups };
  return groups;
}

/**
 * When the process started, in clock ticks since boot (field 22 of /proc/<pid>/stat): with the pid it
 * identifies a process for good, since a pid can be reused but not at the same start time. `null`
 * when the process is gone or this is not Linux.
 */
export function processStartTime(pid: number): number | null {
  if (process.platform !== 'linux') return null;
  return readStat(pid)?.startTime ?? null;
}

function readStat(pid: number): ProcStat | null {
  return procReader.readStat(pid);
}

/** Like `signalGroup` for one pid. */
export function signalPid(pid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(pid, signal);
    return true;
  } catch (error) {
    if (isErrnoException(error) && error.code === 'ESRCH') return false;
    throw error;
  }
}

export interface MarkedProcess {
  pid: number;
  /** The value of OVRSEER_PROCESS: `<project>/<name>/<instance>`. */
  marker: string;
}

/**
 * Finds live processes that carry this project's marker, wherever they are in the process tree —
 * including `setsid` escapees and double-forked daemons that left their process group. Linux only
 * (reads /proc/<pid>/environ); elsewhere it finds nothing and group signalling is all there is.
 *
 * @param markerPrefix `shop/` for a whole project, or `shop/api/1` for one instance (and the helpers
 *   it ran, `shop/api/1/…`, but not `shop/api/10`).
 */
export async function findMarkedProcesses(projectId: string, markerPrefix: string): Promise<MarkedProcess[]> {
  if (process.platform !== 'linux') return [];
  let entries: string[];
  try {
    entries = await readDirectory('/proc');
  } catch (error) {
    if (isErrnoException(error) && error.code === 'ENOENT') return [];
    throw error;
  }
  const found: MarkedProcess[] = [];
  // One environment at a time into the shared reader's reused buffer: reading them all in parallel
  // with readFile allocated 64 KiB per process (tens of MB per scan, kept by the allocator as RSS).
  for (const entry of entries) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    const environ = procReader.readEnvironView(pid);
    if (environ === null) continue;
    if (environVariable(environ, PROJECT_ID_VAR) !== projectId) continue;
    const marker = environVariable(environ, PROCESS_MARKER_VAR);
    if (marker !== null && inScope(marker, markerPrefix)) found.push({ pid, marker });
  }
  return found;
}

function inScope(marker: string, scope: string): boolean {
  if (scope.endsWith('/')) return marker.startsWith(scope);
  return marker === scope || marker.startsWith(`${scope}/`);
}
