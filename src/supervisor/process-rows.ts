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

/** One row of `ps --json` / `GET /v1/processes` (DESIGN.md shape; more fields may be added). */
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
}

const QUIET_STATES = new Set(['running', 'ready', 'starting']);

export function processRow(instance: ManagedProcess, metrics: InstanceMetrics | null): ProcessRow {
  const info = instance.info();
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
    reason: QUIET_STATES.has(info.state) ? null : info.reason,
  };
}
