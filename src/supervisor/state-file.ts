import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { isPidAlive, processStartTime } from '../core/kill.js';
import { isErrnoException } from '../errors.js';

/** What `state.json` records so that the next `up` can end what a killed supervisor left behind. */
export interface StateFileContent {
  version: 1;
  projectId: string;
  configFile: string | null;
  supervisor: { pid: number; startTime: number | null; started: string };
  /** Live children: pid (= process group id, each child leads its own group) and start time. */
  processes: { id: string; pid: number; startTime: number | null }[];
  /** Processes with `restart: unless-stopped` that the user stopped: they stay stopped on the next `up`. */
  userStopped?: string[];
}

export function readStateFile(path: string): StateFileContent | null {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if (isErrnoException(error) && error.code === 'ENOENT') return null;
    throw error;
  }
  const parsed = JSON.parse(text) as Partial<StateFileContent>;
  if (parsed.version !== 1 || !Array.isArray(parsed.processes) || parsed.supervisor === undefined)
    return null;
  return parsed as StateFileContent;
}

/** Write then rename: a reader (or a crash) never sees half a file. */
export function writeStateFile(path: string, content: StateFileContent): void {
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(content)}\n`, { mode: 0o600 });
  renameSync(temporary, path);
}

/** Whether the pid still runs the very process that was recorded (not a later process with a reused pid). */
export function isSameProcess(pid: number, startTime: number | null): boolean {
  if (!isPidAlive(pid)) return false;
  if (startTime === null) return false;
  return processStartTime(pid) === startTime;
}
