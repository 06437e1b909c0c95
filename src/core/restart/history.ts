/** One entry of a process's restart history (newest last). */
export interface RestartRecord {
  /** When the run ended (epoch ms). */
  time: number;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** How long the run lasted (ms). */
  uptime: number;
  /** Why it ended and what was decided: `exited with code 1`, `unhealthy: …`, `memory limit …`. */
  reason: string;
  /** The delay chosen before the next start; `null` when no restart followed. */
  delay: number | null;
}

/** Counters kept per process instance (core package review 3.1). */
export interface ProcessCounters {
  /** Automatic restarts (by policy), not manual ones. */
  restarts: number;
  /** Unexpected exits. */
  crashes: number;
  lastExitCode: number | null;
  lastExitSignal: NodeJS.Signals | null;
  /** ms in the current run, `null` when not running. */
  uptimeMs: number | null;
}
