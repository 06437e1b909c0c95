import type { LogSpec, ProbeSpec, RestartSpec } from './spec.js';

/** Every default the config contract promises, in one place (durations in ms, sizes in bytes). */

export const DEFAULT_SHELL = '/bin/sh';

export const READY_DEFAULTS = { interval: 250, timeout: 60_000, initialDelay: 0 } as const;

export const HEALTH_DEFAULTS = {
  interval: 10_000,
  timeout: 5_000,
  retries: 3,
  onFailure: 'restart',
  initialDelay: 0,
} as const;

export const HTTP_PROBE_DEFAULTS: { method: 'GET'; status: Extract<ProbeSpec, { kind: 'http' }>['status'] } =
  {
    method: 'GET',
    status: { min: 200, max: 399 },
  };

export const CRASH_LOOP_DEFAULTS = { maxCrashes: 5, window: 60_000 } as const;

export const RESTART_DEFAULTS: Readonly<RestartSpec> = {
  policy: 'no',
  maxRetries: null,
  delay: 1_000,
  backoff: 2,
  maxDelay: 30_000,
  minUptime: 1_000,
  resetAfter: 60_000,
  exitCodes: [0],
  crashLoop: { ...CRASH_LOOP_DEFAULTS },
};

export const STOP_DEFAULT_SIGNAL: NodeJS.Signals = 'SIGTERM';

export const WATCH_DEFAULT_DEBOUNCE = 300;

export const LIMITS_DEFAULT_CPU_ACTION = 'warn' as const;

export const LOG_DEFAULTS: Readonly<LogSpec> = { file: true, maxSize: 10 * 1024 * 1024, keep: 5 };

export const SETTINGS_DEFAULTS = {
  shutdownTimeout: 10_000,
  stateDir: '.ovrseer',
  logBufferLines: 10_000,
  metricsInterval: 1_000,
  limits: { maxProcesses: 200, maxCrashReports: 100, maxCrashReportSize: 1024 * 1024 },
  api: { socket: true, listen: null, token: null, allowRemote: false, tls: null },
  reports: { snapshot: false },
} as const;

/** The files `discoverConfig` looks for, in order. */
export const CONFIG_FILE_NAMES = ['ovrseer.yml', 'ovrseer.yaml'] as const;
export const PROCFILE_NAME = 'Procfile';

/**
 * The largest config file read (4 MiB): 50,000 processes take about 2 MB, and a file past this is
 * more likely a wrong `-f` (a log, a binary) than a project.
 */
export const MAX_CONFIG_BYTES = 4 * 1024 * 1024;
