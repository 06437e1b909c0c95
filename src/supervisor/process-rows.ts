import type { ManagedProcess } from '../core/managed-process.js';

/** Figures from the metrics sampler, when one runs. */
export interface InstanceMetrics {
  /** Percent of one core; `null` until two samples exist. */
  cpu: number | null;
  /** Bytes of the whole process tree. */
  memory: number | null;
  ports: number[];
  /** Git branch of the process's cwd. */
  branch?: string | null;
}

/**
 * How far a stop has got, for `ovrseer stop`/`down` to say what they wait for. Durations in ms,
 * measured by the supervisor (no clock of the client's involved).
 */
export interface StopProgressRow {
  /** Since the stop began. */
  elapsed_ms: number;
  /** The last signal sent (`SIGTERM`, then `SIGKILL`); `null` while the stop command runs. */
  signal: string | null;
  /** How long ago `signal` was sent. */
  signal_ms: number | null;
  /** SIGKILL follows when `elapsed_ms` reaches this (the stop timeout). */
  kill_after_ms: number;
}

/** One row of `ps --json` / `GET /v1/processes` (README, "JSON output"; more fields may be added). */
export interface ProcessRow {
  name: string;
  instance: number | null;
  process: string;
  type: string;
  status: string;
  health: string;
  pid: number | null;
  restarts: number;
  uptime_ms: number | null;
  cpu: number | null;
  memory: number | null;
  ports: number[];
  group: string | null;
  tags: string[];
  /** Git branch of the process's working directory (prox: "Git branch indicator"). */
  branch: string | null;
  /** Why it is in its state, for the states where that matters (failed, crashed, backoff, stopped…). */
  reason: string | null;
  /** While `status` is `stopping`; `null` otherwise. */
  stopping: StopProgressRow | null;
  /** The latest run was adopted (`ovrseer adopt`, `adopt:`), not spawned: its output is not captured. */
  adopted?: boolean;
  /** The latest `STATUS=` the process sent over sd_notify (`ready: {notify: true}`); `null` without. */
  status_text?: string | null;
}

const QUIET_STATES = new Set(['running', 'ready', 'starting']);

export function processRow(
  instance: ManagedProcess,
  metrics: InstanceMetrics | null,
  now = Date.now(),
): ProcessRow {
  const info = instance.info();
  const stop = info.stopping;
  return {
    name: info.id,
    instance: info.instance,
    process: info.name,
    type: info.type,
    status: info.state,
    health: info.health,
    pid: info.pid,
    restarts: info.restarts,
    uptime_ms: info.uptimeMs,
    cpu: metrics?.cpu ?? null,
    memory: metrics?.memory ?? null,
    ports: metrics?.ports ?? [],
    group: info.group,
    tags: info.tags,
    branch: metrics?.branch ?? null,
    // An adopted run keeps its reason in view: it says its output is not captured.
    adopted: info.adopted,
    reason: QUIET_STATES.has(info.state) && !info.adopted ? null : info.reason,
    stopping:
      stop === null
        ? null
        : {
            elapsed_ms: Math.max(0, now - stop.since),
            signal: stop.signal,
            signal_ms: stop.signalAt === null ? null : Math.max(0, now - stop.signalAt),
            kill_after_ms: stop.killAt - stop.since,
          },
    status_text: info.statusText ?? null,
  };
}
