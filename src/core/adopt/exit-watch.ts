import { ProcReader } from '../../os/proc.js';
import type { Clock, ClockTimer } from '../clock.js';

/** What the watch needs to know of a pid: its start time and its state letter, or null when gone. */
export type StatReader = (pid: number) => { startTime: number; state: string } | null;

const procReader = new ProcReader();
/** /proc/<pid>/stat through one shared reader. */
export const readProcStat: StatReader = (pid) => procReader.readStat(pid);

export interface ExitWatchOptions {
  clock: Clock;
  /** @default readProcStat */
  readStat?: StatReader;
  /**
   * How often /proc is looked at. An adopted process is not our child: no exit event comes, and a
   * pidfd (pidfd_open + poll) needs native code Node does not have (docs/adopt.md).
   * @default 500
   */
  intervalMs?: number;
}

export interface ExitWatch {
  /** Settles once the process is gone: no such pid, a zombie, or another process under the same pid. */
  readonly exited: Promise<void>;
  /** Looks now rather than at the next tick (after a stop saw it go); true when it is gone. */
  check(): boolean;
  /** Ends the polling; `exited` then never settles. */
  cancel(): void;
}

/** The default polling interval of an adopted process's exit. */
export const ADOPT_POLL_MS = 500;

/**
 * Watches a process that is not our child by polling its stat. The start time it had when adopted
 * tells a reused pid from the same process: a pid can come back, not at the same start time.
 */
export function watchExit(pid: number, startTime: number, options: ExitWatchOptions): ExitWatch {
  const { clock } = options;
  const readStat = options.readStat ?? readProcStat;
  const interval = options.intervalMs ?? ADOPT_POLL_MS;
  let timer: ClockTimer | null = null;
  let done = false;
  let resolveExit = (): void => undefined;
  const exited = new Promise<void>((resolve) => {
    resolveExit = resolve;
  });
  const stop = (): void => {
    done = true;
    if (timer !== null) clock.clearTimeout(timer);
    timer = null;
  };
  const check = (): boolean => {
    if (done) return true;
    if (isSameProcess(readStat(pid), startTime)) return false;
    stop();
    resolveExit();
    return true;
  };
  const tick = (): void => {
    timer = null;
    if (!check()) timer = clock.setTimeout(tick, interval);
  };
  tick();
  return { exited, check, cancel: stop };
}

export function isSameProcess(stat: { startTime: number; state: string } | null, startTime: number): boolean {
  return stat !== null && stat.startTime === startTime && stat.state !== 'Z';
}
