import type { RlimitResource } from '../os/rlimits.js';
/**
 * The canonical, fully-defaulted project description. Every accepted config format (ovrseer.yml in its
 * canonical, list and `services:` forms, Procfiles, importers) is normalized into this shape once, at
 * the boundary; the engine never sees aliases, duration strings or missing fields.
 *
 * All durations are milliseconds, all sizes bytes, all paths absolute.
 */

import type { ConfigIssue } from '../errors.js';

export type ProcessType = 'dependency' | 'service' | 'task' | 'cleanup';

/** One OS resource limit of `limits:` (`nofile: 4096`); `null` is unlimited. */
export interface OsLimitSpec {
  /** The config key (`nofile`, `cpu_seconds`), for messages. */
  key: string;
  /** prlimit's name of the resource (`nofile`, `cpu`). */
  resource: RlimitResource;
  soft: number | null;
  hard: number | null;
}

export type DependencyCondition = 'started' | 'ready' | 'healthy' | 'completed' | 'completed_successfully';

export type RestartPolicyName = 'no' | 'always' | 'on-failure' | 'unless-stopped';

/** A command run by a shell (`/bin/sh -c script` by default) or exec'd directly from an argv list. */
export type CommandSpec = { kind: 'shell'; script: string; shell: string } | { kind: 'argv'; argv: string[] };

export interface DependencySpec {
  name: string;
  condition: DependencyCondition;
  /**
   * compose's flag: a live reload that restarts the dependency restarts this process too.
   * @default false (absent)
   */
  restart?: boolean;
}

export type ProbeSpec =
  | {
      kind: 'log';
      /** Regular expression source, matched against each output line (ANSI codes stripped). */
      pattern: string;
      flags: string;
      /** Liveness only: the process is healthy while the pattern is NOT seen. */
      notFoundMeansHealthy: boolean;
    }
  | {
      kind: 'http';
      /** May hold `$PORT` / `${PORT:-…}` / `$PS`: each instance expands them (`probeForInstance`). */
      url: string;
      method: 'GET' | 'HEAD' | 'POST';
      headers: Record<string, string>;
      /** Inclusive range of status codes that pass. */
      status: { min: number; max: number };
    }
  /** A `port` given as text holds `$PORT` (or `${PORT:-…}`): each instance connects to its own. */
  | { kind: 'tcp'; host: string; port: number | string }
  | { kind: 'exec'; command: CommandSpec }
  /** Readiness only: `READY=1` on the process's `NOTIFY_SOCKET` (systemd's sd_notify). */
  | { kind: 'notify' };

export interface ReadySpec {
  probe: ProbeSpec;
  /** Between two attempts of a polled probe. */
  interval: number;
  /** Overall time allowed for readiness, counted from the start of the process. */
  timeout: number;
  initialDelay: number;
}

export interface HealthSpec {
  probe: ProbeSpec;
  interval: number;
  /** Time allowed for one check. */
  timeout: number;
  /** Consecutive failures before the process is `unhealthy`. */
  retries: number;
  onFailure: 'restart' | 'none';
  initialDelay: number;
}

export interface RestartSpec {
  policy: RestartPolicyName;
  /** `null` = unlimited. */
  maxRetries: number | null;
  delay: number;
  /** Multiplier applied to the delay after each consecutive failure (1 = constant). */
  backoff: number;
  maxDelay: number;
  /** A run at least this long resets the backoff delay (not the retry budget: see `resetAfter`). */
  minUptime: number;
  /**
   * A run at least this long (or one that became ready or healthy) gives back the whole retry
   * budget: `maxRetries` counts restarts since the last such run.
   */
  resetAfter: number;
  /** Exit codes that count as success (never 'failure' for on-failure). */
  exitCodes: number[];
  /**
   * The crash-loop breaker: `maxCrashes` crashes (of any uptime; a clean exit counts only when
   * sooner than `minUptime`) within `window` → `failed`, no more restarts. `null` turns it off.
   */
  crashLoop: CrashLoopSpec | null;
}

export interface CrashLoopSpec {
  maxCrashes: number;
  window: number;
  /**
   * Count every run shorter than this, whatever its exit, and no longer one (pm2's "unstable
   * restarts"). Unset: every crash, and a clean exit sooner than `minUptime`.
   * @default undefined
   */
  shorterThan?: number;
  /**
   * `each-crash`: the window is the last `window` of time before each crash. `first-start`: the window
   * begins with the first run since the process was started by hand (or the breaker tripped); later
   * exits never trip it (pm2 counts unstable restarts for `min_uptime × max_restarts` after its
   * `created_at`).
   * @default 'each-crash'
   */
  windowFrom?: 'each-crash' | 'first-start';
}

export interface StopSpec {
  signal: NodeJS.Signals;
  timeout: number;
  /** Run instead of sending `signal`; the signal still follows if the process outlives it. */
  command: CommandSpec | null;
  /**
   * With `command`: no signal at all; the process has until `timeout` (from the start of the stop)
   * to end, then SIGKILL.
   * @default false
   */
  commandOnly: boolean;
}

export interface WatchSpec {
  paths: string[];
  ignore: string[];
  debounce: number;
}

export interface LogSpec {
  file: boolean;
  maxSize: number;
  keep: number;
}

export interface ProcessSpec {
  name: string;
  type: ProcessType;
  command: CommandSpec;
  cwd: string;
  /**
   * Variables set for the process on top of the inherited environment: env files, then the
   * project's `env`, then the process's own `env` (later wins).
   */
  env: Record<string, string>;
  dependsOn: DependencySpec[];
  /** All must pass for the process to be `ready`. Empty: `running` counts as ready. */
  ready: ReadySpec[];
  health: HealthSpec | null;
  restart: RestartSpec;
  stop: StopSpec;
  group: string | null;
  tags: string[];
  /** Higher stops later within the same dependency level. */
  priority: number;
  replicas: number;
  port: number | null;
  /** Privilege dropping; only honoured when ovrseer runs as root. */
  user: { uid: number; gid: number } | null;
  /**
   * `cpu` is a percentage of one core; `cpuAction` says what a sustained excess does; `os` are the
   * `setrlimit` limits applied to the child before exec (absent in a spec built by hand: none).
   */
  limits: { memory: number | null; cpu: number | null; cpuAction: 'warn' | 'restart'; os?: OsLimitSpec[] };
  watch: WatchSpec | null;
  cronRestart: string | null;
  /**
   * Variables each instance gets as `base + its 0-based index` (`{NODE_APP_INSTANCE: 0}` gives 0, 1, …;
   * `{PORT: 3000}` gives 3000, 3001, …), set after `env` — pm2's `NODE_APP_INSTANCE` and `increment_var`.
   * A process without replicas is instance 0.
   * @default {}
   */
  instanceVars: Record<string, number>;
  log: LogSpec;
  disabled: boolean;
  /**
   * Take over a running process instead of spawning one (docs/adopt.md): the one whose pid is in
   * `pidfile` (absolute), or the one process of this user whose argv matches `match`. `null`: spawn.
   * @default null
   */
  adopt: AdoptSpec | null;
  /**
   * `node`: spawned with Node's IPC channel, so `process.send`/`process.on('message')` carry messages
   * (docs/ipc.md). Every process can use the `OVRSEER_IPC` socket regardless.
   * @default 'none'
   */
  ipc?: 'node' | 'none';
}

export type AdoptSpec = { pidfile: string; match?: never } | { match: string; pidfile?: never };

export interface SettingsSpec {
  shutdownTimeout: number;
  stateDir: string;
  logBufferLines: number;
  metricsInterval: number;
  limits: { maxProcesses: number; maxCrashReports: number; maxCrashReportSize: number };
  api: {
    socket: boolean;
    listen: string | null;
    token: string | null;
    /** A `listen` beyond loopback must be meant (README, "The API"). */
    allowRemote: boolean;
    /** Absolute paths of the PEM files; TLS on the TCP listener when set. */
    tls: { cert: string; key: string } | null;
  };
  /** What a crash report holds beyond the failing process. */
  reports: {
    /** Embed a bounded snapshot of the whole project (docs/snapshots.md). @default false */
    snapshot: boolean;
  };
}

/** What ends a foreground `up` before Ctrl-C: a process that ends, fails or is skipped. */
export type ExitTrigger = 'end' | 'failure' | 'skipped';

/**
 * When a foreground `up` stops everything on its own, and with which exit code — the rule of the tool
 * whose file is run (foreman and honcho stop all when any process ends; compose's
 * `--abort-on-container-exit` / `--exit-code-from`; process-compose's `exit_on_end` / `exit_on_failure`
 * / `exit_on_skipped`). Without a rule, `up` ends when nothing is left running.
 */
export interface ExitRuleSpec {
  /** Per process name: what of it stops the whole project. A process not listed stops nothing. */
  stopOn: Record<string, readonly ExitTrigger[]>;
  /**
   * The exit code is this process's (compose's `--exit-code-from`), whatever ended the run. `null`: the
   * code of the process that stopped everything, else 1 when a process failed, else 0.
   */
  codeFrom: string | null;
  /**
   * The exit code when the run ends because nothing is left running (pm2-runtime's `exit(2)`), whatever
   * the processes returned. Absent: 1 when a process failed, else 0.
   */
  idleCode?: number;
  /** Where the rule comes from, for the message when it ends a run: `foreman's rule`, `--abort-on-exit`. */
  source?: string;
}

/** An engine plugin: a built-in name (`webhook`) or an absolute module path, with its options. */
export interface PluginSpec {
  module: string;
  options: Record<string, unknown>;
}

export interface ProjectSpec {
  name: string;
  /** Absolute path of the config file, or `null` for a spec built in code. */
  file: string | null;
  /** Directory that relative paths were resolved against. */
  dir: string;
  processes: ProcessSpec[];
  settings: SettingsSpec;
  plugins: PluginSpec[];
  /** Absent: `up` ends when nothing is left running. */
  exit?: ExitRuleSpec;
  /**
   * What the config does that is allowed but worth saying (an env file outside the project):
   * `validate` and `up` print them. Absent for a spec built in code.
   */
  warnings?: ConfigIssue[];
}
