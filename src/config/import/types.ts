import type { ConfigIssue } from '../../errors.js';
import type { Locator, ProcessInput } from '../input.js';
import type { Variables } from '../interpolate.js';
import type { ExitRuleSpec } from '../spec.js';
import type { Path } from '../yaml-source.js';

export type ImportFormat = 'procfile' | 'package-json' | 'compose' | 'pm2' | 'process-compose';

/** A key of the source that has no equivalent in ovrseer, and why; `ovrseer init` lists them. */
export interface NotTranslated {
  /** Dotted path in the source: `services.db.networks`, `apps[0].exec_mode`, `Procfile` … */
  key: string;
  reason: string;
}

export interface ImportContext {
  /** Shown in errors. */
  file: string;
  /** Absolute path of the source. */
  path: string;
  dir: string;
  /**
   * `run` (`up -f compose.yaml`): everything is resolved now, as the original tool would. `init`: values
   * that ovrseer (or the shell) expands at run time the same way keep their `${VAR}`, so that the written
   * ovrseer.yml does not hold secrets from `.env`.
   */
  mode: 'run' | 'init';
  /** For `${VAR}` in the source: the shell and the project's env files, by precedence. */
  vars: Variables;
  /** The env files' variables alone (a Procfile takes its base port from `.env`). */
  fileVars: Readonly<Record<string, string>>;
  shell: Variables;
  /** The chosen environment (`--env`), for formats that have their own (pm2's `env_<name>`). */
  envName?: string;
  /** `-p`: the base port of a Procfile. */
  port?: number;
  /** A Procfile's SIGTERM-to-SIGKILL time (`.foreman`'s `timeout`; foreman's default 5 s). */
  stopTimeout?: number;
  /** `--profile` (and `COMPOSE_PROFILES`): compose services with one of these profiles run. */
  profiles?: readonly string[];
}

/** What an importer makes of its source: the input every format is normalized from, and notes. */
export interface Imported {
  format: ImportFormat;
  name?: string;
  env?: Record<string, string>;
  processes: ProcessInput[];
  processesPath: Path;
  /** Environments the source defines (pm2's `env_production`): init writes them as `environments:`. */
  environments: Record<string, EnvironmentOverlay>;
  notTranslated: NotTranslated[];
  /** Per process, where it came from: init writes it as a comment above the process. */
  origins: Record<string, string>;
  at: Locator;
  /** The original tool's rule for ending `up`: foreman stops all when one ends, … */
  exit?: ExitRuleSpec;
  /** What the original tool warns about while loading (compose: an unset variable): `up` prints them. */
  warnings?: ConfigIssue[];
}

export interface EnvironmentOverlay {
  env?: Record<string, string>;
  processes?: Record<string, { env: Record<string, string> }>;
}

export type Importer = (text: string, context: ImportContext) => Imported;

/** What ProcessInput fields an importer fills, less the bookkeeping of where the name was written. */
export type ProcessFields = Omit<ProcessInput, 'name' | 'namePath' | 'nameIsKey'>;
