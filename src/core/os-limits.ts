import type { OsLimitSpec, ProcessSpec } from '../config/spec.js';
import { findPrlimit, type RlimitCeiling, readCeiling } from '../os/rlimits.js';
import { findExecutable } from '../os/which.js';

/** `--nofile=1024:4096` for each limit (prlimit's syntax; `unlimited` for RLIM_INFINITY). */
export function prlimitFlags(limits: readonly OsLimitSpec[]): string[] {
  const value = (one: number | null): string => (one === null ? 'unlimited' : String(one));
  return limits.map((limit) => `--${limit.resource}=${value(limit.soft)}:${value(limit.hard)}`);
}

/**
 * Why a limit cannot be set for a child by a supervisor with `ceiling`, naming the key and the
 * maximum; `null` when all can. The kernel refuses a hard limit above the caller's own without
 * CAP_SYS_RESOURCE, and `nofile` above `fs.nr_open` to anyone (so `nofile: unlimited` never works).
 */
export function osLimitProblem(limits: readonly OsLimitSpec[], ceiling: RlimitCeiling): string | null {
  const shown = (one: number | null): string => (one === null ? 'unlimited' : String(one));
  for (const limit of limits) {
    const hard = limit.hard ?? Number.POSITIVE_INFINITY;
    if (limit.resource === 'nofile' && ceiling.nrOpen !== null && hard > ceiling.nrOpen) {
      return `limits.nofile: ${shown(limit.hard)} is above the kernel's maximum of open files (fs.nr_open = ${ceiling.nrOpen}); the maximum is ${ceiling.nrOpen}`;
    }
    const own = ceiling.own.get(limit.resource);
    if (ceiling.privileged || own === undefined || own.hard === null) continue;
    if (hard > own.hard) {
      return `limits.${limit.key}: hard limit ${shown(limit.hard)} is above ovrseer's own (${own.hard}), and raising it needs root (CAP_SYS_RESOURCE); the maximum is ${own.hard}`;
    }
  }
  return null;
}

export interface OsLimitDeps {
  /** @default the util-linux `prlimit` on PATH */
  prlimit?: string | null;
  /** @default the supervisor's own, read from /proc */
  ceiling?: RlimitCeiling;
}

/** The supervisor's limits and prlimit do not change while it runs: read once, on the first limited start. */
let cached: { prlimit: string | null; ceiling: RlimitCeiling } | undefined;

function machine(): { prlimit: string | null; ceiling: RlimitCeiling } {
  cached ??= { prlimit: findPrlimit(), ceiling: readCeiling() };
  return cached;
}

/**
 * The argv that runs `argv` under `limits`: `prlimit --nofile=S:H … -- file args`. prlimit sets the
 * limits on itself and execs the program, so the pid spawned is the program's. Or why it cannot:
 * prlimit missing, a limit out of reach, the program not found (prlimit would only say so in the log).
 */
export function withOsLimits(
  argv: readonly string[],
  limits: readonly OsLimitSpec[],
  env: NodeJS.ProcessEnv,
  cwd: string,
  deps: OsLimitDeps = {},
): { ok: true; argv: string[] } | { ok: false; reason: string } {
  if (limits.length === 0) return { ok: true, argv: [...argv] };
  const prlimit = deps.prlimit !== undefined ? deps.prlimit : machine().prlimit;
  const keys = limits.map((limit) => limit.key).join(', ');
  if (prlimit === null) {
    return {
      ok: false,
      reason: `limits.${limits[0]?.key} needs prlimit (util-linux), which is not installed: install util-linux, or remove ${keys} from limits`,
    };
  }
  const problem = osLimitProblem(limits, deps.ceiling ?? machine().ceiling);
  if (problem !== null) return { ok: false, reason: problem };
  const [file] = argv;
  if (file === undefined || findExecutable(file, env.PATH ?? '', cwd) === null)
    return { ok: false, reason: `command not found: ${file ?? '(none)'}` };
  return { ok: true, argv: [prlimit, ...prlimitFlags(limits), '--', ...argv] };
}

/**
 * `validate` and `up` say up front which processes will fail to start for their `limits`, instead of
 * only when each starts: `processes.api: limits.nofile: …`.
 */
export function osLimitWarnings(processes: readonly ProcessSpec[], deps: OsLimitDeps = {}): string[] {
  const limited = processes.filter((process) => (process.limits.os ?? []).length > 0);
  if (limited.length === 0) return [];
  const prlimit = deps.prlimit !== undefined ? deps.prlimit : machine().prlimit;
  const ceiling = deps.ceiling ?? machine().ceiling;
  return limited.flatMap((process) => {
    const limits = process.limits.os ?? [];
    const problem =
      prlimit === null
        ? `limits.${limits[0]?.key} needs prlimit (util-linux), which is not installed`
        : osLimitProblem(limits, ceiling);
    return problem === null ? [] : [`processes.${process.name}.${problem} (it will fail to start)`];
  });
}
