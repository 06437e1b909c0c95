import { readdirSync, readFileSync, statSync } from 'node:fs';
import type { AdoptSpec } from '../../config/spec.js';
import { compileUserPattern } from '../../config/user-pattern.js';
import { errorMessage, OvrseerError } from '../../errors.js';
import { environVariable, isForbidden, isGone, ProcReader } from '../../os/proc.js';
import { PROJECT_ID_VAR } from '../kill.js';
import { ancestorsOf } from './adoptable.js';

/** A pid to adopt, or why there is none (then the process is spawned as usual). */
export type FoundTarget = { pid: number; from: string } | { pid: null; why: string };

export interface FindOptions {
  projectId: string;
  /** @default /proc */
  procRoot?: string;
  /** @default process.pid */
  selfPid?: number;
  /** @default process.getuid() */
  uid?: number;
}

/**
 * Finds the running process `adopt:` points at. A pidfile that is missing, empty or names a pid that
 * no longer runs means "not running": the command is spawned. A regex that matches no process of this
 * user means the same; one that matches several throws OVRSEER_ADOPT_AMBIGUOUS (spawning another
 * copy, or guessing, would be worse than saying so).
 */
export function findAdoptTarget(spec: AdoptSpec, options: FindOptions): FoundTarget {
  if (spec.pidfile !== undefined) return fromPidfile(spec.pidfile);
  return fromArgv(spec.match, options);
}

function fromPidfile(path: string): FoundTarget {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if (isGone(error)) return { pid: null, why: `pidfile ${path} does not exist` };
    throw new OvrseerError('OVRSEER_ADOPT_NO_PROCESS', `cannot read pidfile ${path}: ${errorMessage(error)}`);
  }
  const trimmed = text.trim();
  if (trimmed === '') return { pid: null, why: `pidfile ${path} is empty` };
  if (!/^\d+$/.test(trimmed)) {
    throw new OvrseerError(
      'OVRSEER_ADOPT_NO_PROCESS',
      `pidfile ${path} holds ${JSON.stringify(trimmed.slice(0, 40))}, not a process id`,
    );
  }
  const pid = Number(trimmed);
  try {
    process.kill(pid, 0);
  } catch (error) {
    if (isGone(error)) return { pid: null, why: `pid ${pid} from ${path} is not running` };
    if (!isForbidden(error)) throw error;
  }
  return { pid, from: `pidfile ${path}` };
}

function fromArgv(match: string, options: FindOptions): FoundTarget {
  const root = options.procRoot ?? '/proc';
  const reader = new ProcReader(root);
  const selfPid = options.selfPid ?? process.pid;
  const uid = options.uid ?? process.getuid?.() ?? -1;
  const pattern = compileUserPattern(match, { key: 'adopt.match' });
  const skip = ancestorsOf(selfPid, reader);
  skip.add(selfPid);
  const found: Array<{ pid: number; argv: string }> = [];
  for (const entry of readdirSync(root)) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || skip.has(pid)) continue;
    const argv = ownArgv(root, pid, uid);
    if (argv === null || !pattern.test(argv)) continue;
    const stat = reader.readStat(pid);
    if (stat === null || stat.state === 'Z') continue;
    const environ = reader.readEnvironView(pid);
    if (environ !== null && environVariable(environ, PROJECT_ID_VAR) === options.projectId) continue;
    found.push({ pid, argv });
  }
  const [first, ...others] = found;
  if (first === undefined)
    return { pid: null, why: `no process of uid ${uid} matches ${JSON.stringify(match)}` };
  if (others.length > 0) {
    const list = found.slice(0, 5).map((f) => `${f.pid} (${f.argv.slice(0, 60)})`);
    throw new OvrseerError(
      'OVRSEER_ADOPT_AMBIGUOUS',
      `adopt.match ${JSON.stringify(match)} matches ${found.length} processes: ${list.join(', ')}; make the regex match exactly one, or adopt one with ovrseer adopt NAME --pid PID`,
    );
  }
  return { pid: first.pid, from: `argv ${JSON.stringify(first.argv.slice(0, 80))}` };
}

/** The command line of one of this user's processes, arguments joined by spaces; null for others'. */
function ownArgv(root: string, pid: number, uid: number): string | null {
  try {
    if (statSync(`${root}/${pid}`).uid !== uid) return null;
    const raw = readFileSync(`${root}/${pid}/cmdline`);
    if (raw.length === 0) return null; // a kernel thread, or a zombie
    const end = raw[raw.length - 1] === 0 ? raw.length - 1 : raw.length;
    return raw.subarray(0, end).toString('utf8').replaceAll('\0', ' ');
  } catch (error) {
    if (isGone(error) || isForbidden(error)) return null;
    throw error;
  }
}
