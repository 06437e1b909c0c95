import { ConfigError, type ConfigIssue } from '../errors.js';
import {
  type EnvName,
  type EnvVars,
  loadEnvFiles,
  loadEnvLayers,
  type ShellEnv,
  unknownEnvironmentIssue,
  withoutShellVars,
} from './env.js';
import { applyFormation, type Formation } from './formation.js';
import { FORMATS } from './import/formats.js';
import { IMPORTERS } from './import/index.js';
import type { Imported, ImportFormat } from './import/types.js';
import type { Locator } from './input.js';
import { normalizeProject } from './normalize.js';
import type { ProjectSpec } from './spec.js';

export interface ImportRequest {
  format: ImportFormat;
  text: string;
  /** Shown in errors. */
  file: string;
  /** Absolute path of the source. */
  path: string;
  dir: string;
  cwd: string;
  mode: 'run' | 'init';
  shell: ShellEnv;
  envName?: EnvName | undefined;
  envFiles?: readonly string[];
  port?: number;
  stopTimeout?: number;
  /** `--profile`, else `COMPOSE_PROFILES` (compose files). */
  profiles?: readonly string[];
  formation?: Formation;
}

export interface ImportOutcome {
  imported: Imported;
  /** Env file variables the processes get (before the shell's are taken out). */
  processVars: EnvVars;
  /** The format's own env files that exist (`.env`): init writes them as `env_file:`. */
  defaultEnvFiles: string[];
}

function fail(issues: readonly (ConfigIssue | null)[]): void {
  const real = issues.filter((issue): issue is ConfigIssue => issue !== null);
  if (real.length > 0) throw new ConfigError(real);
}

/**
 * Runs one importer with the environment its original tool would give it: its own env files (`.env`
 * beside a Procfile, a compose file …), then the `--env` cascade and `-e` files; the shell wins.
 */
export function runImporter(request: ImportRequest): ImportOutcome {
  const info = FORMATS[request.format].envFiles;
  const plain: Locator = (_path, message) => ({
    file: request.file,
    line: null,
    column: null,
    path: '',
    message,
  });
  const replaced = info.replacedByEnvFlag && (request.envFiles?.length ?? 0) > 0;
  const defaults = loadEnvFiles(
    (replaced ? [] : info.names).map((name) => ({ name, path: [], dialect: info.dialect })),
    request.dir,
    plain,
    request.shell,
  );
  const layers = loadEnvLayers({
    file: request.file,
    dir: request.dir,
    cwd: request.cwd,
    at: plain,
    dialect: info.dialect,
    shell: request.shell,
    ...(request.envName === undefined ? {} : { envName: request.envName }),
    ...(request.envFiles === undefined ? {} : { envFiles: request.envFiles }),
  });
  fail([...defaults.issues, ...layers.issues]);
  const allFileVars = { ...defaults.vars, ...layers.vars };
  const imported = IMPORTERS[request.format](request.text, {
    file: request.file,
    path: request.path,
    dir: request.dir,
    mode: request.mode,
    vars: { ...allFileVars, ...request.shell },
    fileVars: allFileVars,
    shell: request.shell,
    ...(request.envName === undefined ? {} : { envName: request.envName.name }),
    ...(request.port === undefined ? {} : { port: request.port }),
    ...(request.stopTimeout === undefined ? {} : { stopTimeout: request.stopTimeout }),
    ...(request.profiles === undefined ? {} : { profiles: request.profiles }),
  });
  if (request.envName) {
    const known = request.format === 'pm2' ? Object.keys(imported.environments) : null;
    fail([unknownEnvironmentIssue(request.envName, request.dir, request.file, known)]);
  }
  // Lines an env file's rules skip (foreman's `export …`) are said, as the importer's own warnings are.
  const envWarnings = [...defaults.warnings, ...layers.warnings];
  return {
    imported:
      envWarnings.length === 0
        ? imported
        : { ...imported, warnings: [...envWarnings, ...(imported.warnings ?? [])] },
    processVars: info.interpolationOnly ? layers.vars : allFileVars,
    defaultEnvFiles: replaced ? [] : info.names.filter((name) => defaults.found.includes(name)),
  };
}

/** A Procfile, package.json, compose, pm2 or process-compose file, normalized like an ovrseer.yml. */
export function importProject(request: ImportRequest): ProjectSpec {
  const { imported, processVars } = runImporter(request);
  const processes = applyFormation(imported.processes, request.formation, request.format === 'procfile');
  return normalizeProject(
    {
      ...(imported.name === undefined ? {} : { name: imported.name }),
      fileEnv: withoutShellVars(processVars, request.shell),
      shellEnv: request.shell,
      ...(imported.env === undefined ? {} : { env: imported.env }),
      processes,
      processesPath: imported.processesPath,
      ...(imported.exit === undefined ? {} : { exit: imported.exit }),
      ...(imported.warnings === undefined ? {} : { warnings: imported.warnings }),
    },
    { file: request.path, dir: request.dir, at: imported.at },
  );
}
