import { readFileSync } from 'node:fs';
import { delimiter } from 'node:path';
import { isErrnoException } from '../errors.js';
import { findExecutable } from './which.js';

/** The resources of `setrlimit(2)` by prlimit's option names, with the row of `/proc/<pid>/limits`. */
export const RLIMIT_RESOURCES = {
  as: 'Max address space',
  core: 'Max core file size',
  cpu: 'Max cpu time',
  data: 'Max data size',
  fsize: 'Max file size',
  locks: 'Max file locks',
  memlock: 'Max locked memory',
  msgqueue: 'Max msgqueue size',
  nice: 'Max nice priority',
  nofile: 'Max open files',
  nproc: 'Max processes',
  rss: 'Max resident set',
  rtprio: 'Max realtime priority',
  rttime: 'Max realtime timeout',
  sigpending: 'Max pending signals',
  stack: 'Max stack size',
} as const;

export type RlimitResource = keyof typeof RLIMIT_RESOURCES;

/** A soft/hard pair; `null` is unlimited (RLIM_INFINITY). */
export interface RlimitValue {
  soft: number | null;
  hard: number | null;
}

/** Parses the text of `/proc/<pid>/limits` into prlimit's resource names. */
export function parseProcLimits(text: string): Map<RlimitResource, RlimitValue> {
  const limits = new Map<RlimitResource, RlimitValue>();
  const value = (field: string): number | null => (field === 'unlimited' ? null : Number(field));
  for (const [resource, row] of Object.entries(RLIMIT_RESOURCES) as [RlimitResource, string][]) {
    const line = text.split('\n').find((candidate) => candidate.startsWith(`${row} `));
    if (line === undefined) continue;
    const fields = line.slice(row.length).trim().split(/\s+/);
    limits.set(resource, { soft: value(fields[0] ?? 'unlimited'), hard: value(fields[1] ?? 'unlimited') });
  }
  return limits;
}

/** The limits of a process (the supervisor's own by default), from `/proc/<pid>/limits`. */
export function readLimits(pid: number | 'self' = 'self'): Map<RlimitResource, RlimitValue> {
  return parseProcLimits(readFileSync(`/proc/${pid}/limits`, 'utf8'));
}

/** CAP_SYS_RESOURCE: raising a hard limit, or nofile beyond the kernel's `nr_open`, needs it. */
const CAP_SYS_RESOURCE = 24n;

/** What the supervisor may set for a child: its own limits, whether it may raise hard ones, nr_open. */
export interface RlimitCeiling {
  own: Map<RlimitResource, RlimitValue>;
  /** The process holds CAP_SYS_RESOURCE (root normally does). */
  privileged: boolean;
  /** `/proc/sys/fs/nr_open`: no one's nofile goes above it. */
  nrOpen: number | null;
}

export function readCeiling(): RlimitCeiling {
  return { own: readLimits(), privileged: hasSysResource(), nrOpen: readNrOpen() };
}

function hasSysResource(): boolean {
  const status = readFileSync('/proc/self/status', 'utf8');
  const hex = /^CapEff:\s*([0-9a-f]+)$/m.exec(status)?.[1];
  return hex !== undefined && ((BigInt(`0x${hex}`) >> CAP_SYS_RESOURCE) & 1n) === 1n;
}

function readNrOpen(): number | null {
  try {
    return Number(readFileSync('/proc/sys/fs/nr_open', 'utf8').trim());
  } catch (error) {
    // Not Linux, or /proc/sys hidden (some containers): prlimit itself then says what fails.
    if (isErrnoException(error) && (error.code === 'ENOENT' || error.code === 'EACCES')) return null;
    throw error;
  }
}

/** The `prlimit` binary of util-linux on `PATH` (then /usr/bin, /bin): `null` when it is not installed. */
export function findPrlimit(path: string | undefined = process.env.PATH): string | null {
  return findExecutable('prlimit', [path ?? '', '/usr/bin', '/bin'].join(delimiter));
}
