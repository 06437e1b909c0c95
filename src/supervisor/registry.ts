import * as nodeFs from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import type { ProjectSpec } from '../config/spec.js';
import { isPidAlive, processStartTime } from '../core/kill.js';
import { errorMessage, isErrnoException, OvrseerError } from '../errors.js';

/**
 * One running supervisor, as `ovrseer ls` finds it: a file `<pid>.json` in the registry directory,
 * written when the supervisor starts and removed when it ends. One killed with SIGKILL leaves its file
 * behind; readers tell it by its pid and start time and remove it.
 */
export interface RegistryEntry {
  version: 1;
  project: string;
  /** Absolute; null for a project built in code. */
  configFile: string | null;
  directory: string;
  stateDir: string;
  socket: string;
  pid: number;
  /** Field 22 of /proc/<pid>/stat (clock ticks since boot): a later process with the same pid differs. */
  startTime: number | null;
  startedAt: string;
  /** `settings.api.listen`, when the API also listens on TCP. */
  apiListen: string | null;
}

export interface RegistryOptions {
  /** @default registryDir() */
  dir?: string;
  /** Whether `pid` still runs the process that started at `startTime`. @default pid alive, same start time */
  isRunning?: (pid: number, startTime: number | null) => boolean;
  /** @default node:fs */
  fs?: Pick<
    typeof nodeFs,
    'mkdirSync' | 'writeFileSync' | 'renameSync' | 'readdirSync' | 'readFileSync' | 'rmSync'
  >;
}

/** `$XDG_STATE_HOME/ovrseer/projects`, with `~/.local/state` when XDG_STATE_HOME is unset or empty. */
export function registryDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_STATE_HOME || join(env.HOME || homedir(), '.local', 'state');
  return join(base, 'ovrseer', 'projects');
}

/** The recorded process is still the one that runs under its pid. */
export function isRecordedProcess(pid: number, startTime: number | null): boolean {
  if (!isPidAlive(pid)) return false;
  // Without /proc (macOS) there is no start time to compare: a live pid is all there is to go on.
  return startTime === null || processStartTime(pid) === startTime;
}

/** Writes `<pid>.json` (a temporary file renamed: readers never see half of one); returns its path. */
export function registerSupervisor(entry: RegistryEntry, options: RegistryOptions = {}): string {
  const fs = options.fs ?? nodeFs;
  const dir = options.dir ?? registryDir();
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const path = join(dir, `${entry.pid}.json`);
  const temporary = `${path}.tmp`;
  fs.writeFileSync(temporary, `${JSON.stringify(entry)}\n`, { mode: 0o600 });
  fs.renameSync(temporary, path);
  return path;
}

/** What the supervisor's start and end need: where it listens, and its own log for warnings. */
export interface RegisteredSupervisor {
  socketPath: string;
  paths: { root: string };
  log: { note(text: string, level?: 'warn'): void };
}

/**
 * Registers this process's supervisor of `spec`; null when that failed, which is only a warning in its
 * log: `ovrseer ls` not finding a project must never keep it from running.
 */
export function registerIn(
  spec: ProjectSpec,
  supervisor: RegisteredSupervisor,
  startedAt: string,
  options: RegistryOptions = {},
): string | null {
  const entry: RegistryEntry = {
    version: 1,
    project: spec.name,
    configFile: spec.file,
    directory: spec.dir,
    stateDir: supervisor.paths.root,
    socket: supervisor.socketPath,
    pid: process.pid,
    startTime: processStartTime(process.pid),
    startedAt,
    apiListen: spec.settings.api.listen,
  };
  try {
    return registerSupervisor(entry, options);
  } catch (error) {
    supervisor.log.note(
      `not listed by \`ovrseer ls\`: could not write to ${options.dir ?? registryDir()} (${errorMessage(error)}); set XDG_STATE_HOME to a writable directory`,
      'warn',
    );
    return null;
  }
}

export function unregisterSupervisor(
  path: string,
  log: RegisteredSupervisor['log'],
  options: Pick<RegistryOptions, 'fs'> = {},
): void {
  try {
    (options.fs ?? nodeFs).rmSync(path, { force: true });
  } catch (error) {
    // Readers prune it once this process is gone.
    log.note(`could not remove ${path}: ${errorMessage(error)}`, 'warn');
  }
}

/**
 * The running supervisors, oldest first. Entries whose process is gone (or whose pid another process
 * has taken since) and unreadable ones are removed, as are temporary files of a writer that died.
 */
export function readRegistry(options: RegistryOptions = {}): RegistryEntry[] {
  const fs = options.fs ?? nodeFs;
  const dir = options.dir ?? registryDir();
  const isRunning = options.isRunning ?? isRecordedProcess;
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch (error) {
    if (isErrnoException(error) && error.code === 'ENOENT') return [];
    throw new OvrseerError('OVRSEER_STATE_FILE', `could not read ${dir}: ${errorMessage(error)}`);
  }
  const entries: RegistryEntry[] = [];
  for (const name of names) {
    const match = /^(\d+)\.json(\.tmp)?$/.exec(name);
    if (match === null) continue;
    const path = join(dir, name);
    const pid = Number(match[1]);
    if (match[2] !== undefined) {
      if (!isRunning(pid, null)) prune(fs, path);
      continue;
    }
    const entry = parseEntry(readText(fs, path));
    if (entry === null || entry.pid !== pid || !isRunning(entry.pid, entry.startTime)) {
      prune(fs, path);
      continue;
    }
    entries.push(entry);
  }
  return entries.sort((a, b) => a.startedAt.localeCompare(b.startedAt) || a.pid - b.pid);
}

/**
 * The running project `query` names: a project name, or its directory (or config file), relative to
 * `cwd` or absolute. Two running projects of that name: an error listing their directories.
 */
export function resolveProject(
  query: string,
  entries: readonly RegistryEntry[],
  cwd: string = process.cwd(),
): RegistryEntry {
  const path = resolve(cwd, query);
  const byPath = entries.filter((entry) => entry.directory === path || entry.configFile === path);
  if (byPath.length === 1) return byPath[0] as RegistryEntry;
  const byName = byPath.length > 1 ? byPath : entries.filter((entry) => entry.project === query);
  if (byName.length === 1) return byName[0] as RegistryEntry;
  if (byName.length > 1) {
    throw new OvrseerError(
      'OVRSEER_USAGE',
      `-p ${query}: ${byName.length} running projects are named "${query}": ${byName
        .map((entry) => entry.configFile ?? entry.directory)
        .join(', ')}; name one by its directory (-p DIR)`,
    );
  }
  const known = entries.map((entry) => `${entry.project} (${entry.directory})`).join(', ');
  throw new OvrseerError(
    'OVRSEER_NOT_RUNNING',
    `-p ${query}: no running project of that name or directory; ${
      known === '' ? 'none is running (start one with `ovrseer up -d`)' : `running: ${known}`
    } (see \`ovrseer ls\`)`,
  );
}

function readText(fs: NonNullable<RegistryOptions['fs']>, path: string): string | null {
  try {
    return fs.readFileSync(path, 'utf8');
  } catch (error) {
    // Removed by its supervisor (or another reader) between the listing and now.
    if (isErrnoException(error) && error.code === 'ENOENT') return null;
    throw new OvrseerError('OVRSEER_STATE_FILE', `could not read ${path}: ${errorMessage(error)}`);
  }
}

function parseEntry(text: string | null): RegistryEntry | null {
  if (text === null) return null;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    if (error instanceof SyntaxError) return null;
    throw error;
  }
  if (typeof value !== 'object' || value === null) return null;
  const entry = value as Partial<RegistryEntry>;
  const valid =
    entry.version === 1 &&
    typeof entry.project === 'string' &&
    typeof entry.directory === 'string' &&
    typeof entry.socket === 'string' &&
    typeof entry.stateDir === 'string' &&
    typeof entry.pid === 'number' &&
    typeof entry.startedAt === 'string' &&
    (typeof entry.startTime === 'number' || entry.startTime === null);
  return valid ? (entry as RegistryEntry) : null;
}

function prune(fs: NonNullable<RegistryOptions['fs']>, path: string): void {
  fs.rmSync(path, { force: true });
}
