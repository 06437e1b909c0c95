import * as nodeFs from 'node:fs';
import { dirname } from 'node:path';
import { isPidAlive, processStartTime } from '../core/kill.js';
import { errorMessage, isErrnoException, OvrseerError } from '../errors.js';

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

/** The calls the state file needs, injectable so that tests can see the fsyncs and fake a failing disk. */
export type StateFileSystem = Pick<
  typeof nodeFs,
  'readFileSync' | 'openSync' | 'writeSync' | 'fsyncSync' | 'closeSync' | 'renameSync'
>;

export interface StateFileOptions {
  /** @default node:fs */
  fs?: StateFileSystem;
  /** Stamps the name of a damaged file set aside. @default () => new Date() */
  now?: () => Date;
}

export interface StateFileRead {
  /** null: no file, or a damaged one that was set aside. */
  content: StateFileContent | null;
  /** Where a damaged file went. */
  setAside: string | null;
  /** For the user, when the file was set aside: what was wrong and where it is now. */
  warning: string | null;
}

/**
 * Reads `state.json`. A file that cannot be used — truncated, garbage, empty, a directory, another
 * format — must not block the recovery it exists for: it is renamed `state.json.damaged-<time>` (kept
 * for a post-mortem) and recovery goes on by the environment marker, as when there is no file.
 */
export function readStateFile(path: string, options: StateFileOptions = {}): StateFileRead {
  const fs = options.fs ?? nodeFs;
  let text: string;
  try {
    text = fs.readFileSync(path, 'utf8');
  } catch (error) {
    if (isErrnoException(error) && error.code === 'ENOENT')
      return { content: null, setAside: null, warning: null };
    if (isErrnoException(error) && error.code === 'EISDIR')
      return setAside(path, 'it is a directory', options);
    throw error;
  }
  const problem = problemOf(text);
  if (problem === null)
    return { content: JSON.parse(text) as StateFileContent, setAside: null, warning: null };
  return setAside(path, problem, options);
}

/** What makes the text unusable as a state file, or null when it is one. */
export function problemOf(text: string): string | null {
  if (text.trim() === '') return 'it is empty';
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return `it is not JSON (${errorMessage(error)})`;
  }
  if (typeof parsed !== 'object' || parsed === null) return 'it is not a JSON object';
  const state = parsed as Partial<StateFileContent>;
  if (state.version !== 1) return `it has version ${JSON.stringify(state.version)}, not 1`;
  const processesValid =
    Array.isArray(state.processes) &&
    state.processes.every(
      (entry: unknown) =>
        typeof entry === 'object' &&
        entry !== null &&
        typeof (entry as { id?: unknown }).id === 'string' &&
        Number.isInteger((entry as { pid?: unknown }).pid),
    );
  if (
    typeof state.projectId !== 'string' ||
    !processesValid ||
    typeof state.supervisor !== 'object' ||
    state.supervisor === null ||
    !Number.isInteger(state.supervisor.pid)
  )
    return 'it lacks projectId, supervisor.pid or a valid processes list';
  return null;
}

function setAside(path: string, problem: string, options: StateFileOptions): StateFileRead {
  const fs = options.fs ?? nodeFs;
  const stamp = (options.now ?? (() => new Date()))().toISOString().replaceAll(':', '-');
  const target = `${path}.damaged-${stamp}`;
  try {
    fs.renameSync(path, target);
  } catch (error) {
    throw new OvrseerError(
      'OVRSEER_STATE_FILE',
      `${path} cannot be read (${problem}) and could not be set aside (${errorMessage(error)}): remove it, then run the command again`,
    );
  }
  return {
    content: null,
    setAside: target,
    warning: `warning: ${path} could not be read (${problem}); set it aside as ${target} and looked for leftover processes by their environment marker instead`,
  };
}

/**
 * Write, fsync, rename, fsync the directory: a reader (or a crash) never sees half a file, and a power
 * cut leaves either the old file or the new one — without the fsyncs it may keep the rename but not the
 * data, leaving an empty `state.json` behind.
 */
export function writeStateFile(
  path: string,
  content: StateFileContent,
  options: StateFileOptions = {},
): void {
  const fs = options.fs ?? nodeFs;
  const temporary = `${path}.${process.pid}.tmp`;
  const fd = fs.openSync(temporary, 'w', 0o600);
  try {
    fs.writeSync(fd, `${JSON.stringify(content)}\n`);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(temporary, path);
  syncDirectory(dirname(path), fs);
}

function syncDirectory(directory: string, fs: StateFileSystem): void {
  let fd: number;
  try {
    fd = fs.openSync(directory, 'r');
  } catch (error) {
    // Windows cannot open a directory: there the rename is all the safety there is.
    if (isErrnoException(error) && (error.code === 'EISDIR' || error.code === 'EPERM')) return;
    throw error;
  }
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** Whether the pid still runs the very process that was recorded (not a later process with a reused pid). */
export function isSameProcess(pid: number, startTime: number | null): boolean {
  if (!isPidAlive(pid)) return false;
  if (startTime === null) return false;
  return processStartTime(pid) === startTime;
}
