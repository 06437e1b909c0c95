import { isErrnoException, OvrseerError } from '../../errors.js';
import { environVariable, ProcReader } from '../../os/proc.js';
import { PROJECT_ID_VAR } from '../kill.js';

/** A process found fit to adopt, identified for good by its pid and start time. */
export interface AdoptTarget {
  pid: number;
  /** Start time in clock ticks since boot (/proc/<pid>/stat field 22): defeats pid reuse. */
  startTime: number;
  /**
   * It leads a process group that is not ours: a stop signals the whole group (its children too).
   * Otherwise only the pid is signalled — its group is someone else's (a shell's job, ours).
   */
  leadsGroup: boolean;
}

export interface AdoptableOptions {
  /** This project's id: a process carrying it is one of ours (or a descendant of one). */
  projectId: string;
  /** Whether an instance of this manager runs as this pid already. */
  isManaged: (pid: number) => boolean;
  /** @default a ProcReader on /proc */
  reader?: ProcReader;
  /** The supervisor's pid. @default process.pid */
  selfPid?: number;
  /** Signals (0: does it exist, may we signal it). @default process.kill */
  kill?: (pid: number, signal: 0) => void;
}

const defaultReader = new ProcReader();

/**
 * Checks that `pid` can be adopted and identifies it. Throws OVRSEER_ADOPT_NO_PROCESS (no such pid, or
 * a zombie), OVRSEER_ADOPT_FORBIDDEN (another user's: signals would fail with EPERM),
 * OVRSEER_ADOPT_OURS (the supervisor, one of its ancestors, or a process ovrseer started).
 */
export function checkAdoptable(pid: number, options: AdoptableOptions): AdoptTarget {
  if (!Number.isSafeInteger(pid) || pid <= 1) {
    throw new OvrseerError('OVRSEER_USAGE', `--pid must be a process id greater than 1, got ${pid}`);
  }
  const reader = options.reader ?? defaultReader;
  const selfPid = options.selfPid ?? process.pid;
  if (pid === selfPid || ancestorsOf(selfPid, reader).has(pid)) {
    throw new OvrseerError('OVRSEER_ADOPT_OURS', `pid ${pid} is the supervisor itself or one of its parents`);
  }
  try {
    (options.kill ?? process.kill)(pid, 0);
  } catch (error) {
    if (isErrnoException(error) && error.code === 'EPERM') {
      throw new OvrseerError(
        'OVRSEER_ADOPT_FORBIDDEN',
        `pid ${pid} belongs to another user: ovrseer (uid ${process.getuid?.() ?? '?'}) could not signal it (EPERM); run ovrseer as that user`,
      );
    }
    if (isErrnoException(error) && error.code === 'ESRCH') throw noProcess(pid);
    throw error;
  }
  const stat = reader.readStat(pid);
  if (stat === null || stat.state === 'Z') throw noProcess(pid);
  const environ = reader.readEnvironView(pid);
  if (
    options.isManaged(pid) ||
    (environ !== null && environVariable(environ, PROJECT_ID_VAR) === options.projectId)
  ) {
    throw new OvrseerError(
      'OVRSEER_ADOPT_OURS',
      `pid ${pid} was started by this project's ovrseer already (ovrseer ps shows it, or it descends from one of its processes)`,
    );
  }
  const ownGroup = reader.readStat(selfPid)?.pgrp ?? null;
  return { pid, startTime: stat.startTime, leadsGroup: stat.pgrp === pid && stat.pgrp !== ownGroup };
}

function noProcess(pid: number): OvrseerError {
  return new OvrseerError('OVRSEER_ADOPT_NO_PROCESS', `no process with pid ${pid} is running`);
}

/** The supervisor's parents up to init: a regex over argv must never pick one of them. */
export function ancestorsOf(pid: number, reader: ProcReader): Set<number> {
  const found = new Set<number>();
  let current = reader.readStat(pid)?.ppid ?? 0;
  while (current > 1 && !found.has(current)) {
    found.add(current);
    current = reader.readStat(current)?.ppid ?? 0;
  }
  return found;
}
