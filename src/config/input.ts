/*
 * The shapes between validation and normalization. Each accepted format is validated by its own schema,
 * then converted into these; `normalize` fills the defaults. Field values are already parsed (durations in
 * ms, sizes in bytes, signals canonical) but may be missing, and every process remembers where in the
 * source it was written, so problems found later still point at the user's file.
 */
import type { ConfigIssue } from '../errors.js';
import type { EnvDialect } from './env.js';
import type {
  AdoptSpec,
  DependencyCondition,
  ExitRuleSpec,
  LogSpec,
  OsLimitSpec,
  ProbeSpec,
  ProcessType,
  RestartSpec,
  SettingsSpec,
  WatchSpec,
} from './spec.js';
import type { UserIds } from './user.js';
import type { Path } from './yaml-source.js';

/** Builds an issue at a source path (a YAML node, a Procfile line, …). */
export type Locator = (path: Path, message: string, options?: { key?: boolean }) => ConfigIssue;

/** A shell command gets its shell from the process (`shell:`) when normalized. */
export type CommandInput =
  | { kind: 'shell'; script: string; shell?: string }
  | { kind: 'argv'; argv: string[] };

export type ProbeInput = Exclude<ProbeSpec, { kind: 'exec' }> | { kind: 'exec'; command: CommandInput };

export interface ReadyInput {
  probe: ProbeInput;
  interval?: number;
  timeout?: number;
  initialDelay?: number;
}

export interface HealthInput {
  probe: ProbeInput;
  interval?: number;
  timeout?: number;
  retries?: number;
  onFailure?: 'restart' | 'none';
  initialDelay?: number;
}

export interface DependencyInput {
  name: string;
  condition: DependencyCondition;
  /** Where this entry was written; `key` when it is a map key (`depends_on: {db: …}`). */
  path: Path;
  key: boolean;
  /** `depends_on: {db: {restart: true}}`. @default false */
  restart?: boolean;
}

export interface EnvFileInput {
  name: string;
  path: Path;
  /** A missing file is an error (compose's default; `-e` files). @default false */
  required?: boolean;
  /** How the file is read: the rules of the tool whose config names it. @default 'ovrseer' */
  dialect?: EnvDialect;
  /**
   * Project level: its variables feed `${VAR}` in the config but are not given to the processes
   * (compose's project `.env`). @default false
   */
  interpolationOnly?: boolean;
}

export interface ProcessInput {
  name: string;
  /** Where the name was written: a map key, or an `id:` value in the list form. */
  namePath: Path;
  nameIsKey: boolean;
  type?: ProcessType;
  command: CommandInput;
  shell?: string;
  cwd?: string;
  envFile?: EnvFileInput[];
  env?: Record<string, string>;
  dependsOn?: DependencyInput[];
  ready?: ReadyInput[];
  health?: HealthInput | null;
  restart?: Partial<RestartSpec>;
  stop?: { signal?: NodeJS.Signals; timeout?: number; command?: CommandInput | null; commandOnly?: boolean };
  group?: string | null;
  tags?: string[];
  priority?: number;
  replicas?: number;
  port?: number | null;
  user?: UserIds | null;
  limits?: {
    memory?: number | null;
    cpu?: number | null;
    cpuAction?: 'warn' | 'restart' | undefined;
    os?: OsLimitSpec[];
  };
  /** `true` watches the process's cwd. */
  watch?: boolean | Partial<WatchSpec>;
  cronRestart?: string | null;
  instanceVars?: Record<string, number>;
  log?: Partial<LogSpec>;
  disabled?: boolean;
  adopt?: AdoptSpec | null;
  ipc?: 'node' | 'none';
}

export interface SettingsInput {
  shutdownTimeout?: number;
  stateDir?: string;
  logBufferLines?: number;
  metricsInterval?: number;
  limits?: Partial<SettingsSpec['limits']>;
  api?: Partial<SettingsSpec['api']>;
  reports?: Partial<SettingsSpec['reports']>;
}

export interface ProjectInput {
  name?: string;
  /**
   * Variables from the project's env files (`env_file`, the `--env` cascade, `-e`), already loaded
   * (interpolation needed them) and already without the variables the shell sets, unless `env_override`.
   */
  fileEnv: Record<string, string>;
  /**
   * The shell environment: it wins over env files (the project's, above, and each process's `env_file`),
   * unless `envOverride`. Absent: env files win.
   */
  shellEnv?: Readonly<Record<string, string | undefined>>;
  envOverride?: boolean;
  env?: Record<string, string>;
  settings?: SettingsInput;
  plugins?: { module: string; options?: Record<string, unknown> }[];
  processes: ProcessInput[];
  /** Where the process collection was written (`processes`, `services`), for project-wide problems. */
  processesPath: Path;
  /** Found while loading (project-level env files); the spec carries them with its own. */
  warnings?: ConfigIssue[];
  /** The original tool's rule for ending `up` (importers); absent for ovrseer.yml. */
  exit?: ExitRuleSpec;
}
