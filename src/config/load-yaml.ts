import { basename, dirname, isAbsolute, resolve } from 'node:path';
import { isMap, isScalar, isSeq } from 'yaml';
import type { z } from 'zod';
import { ConfigError, type ConfigIssue } from '../errors.js';
import { tooManyIssue } from './checks.js';
import { MAX_CONFIG_BYTES, SETTINGS_DEFAULTS } from './defaults.js';
import {
  type EnvName,
  envFileRefs,
  loadEnvLayers,
  resolveEnvName,
  unknownEnvironmentIssue,
  withoutShellVars,
} from './env.js';
import { applyFormation, type Formation } from './formation.js';
import type { EnvFileInput, Locator, ProjectInput } from './input.js';
import { interpolateDocument, isCommandPath, isProbeAddressPath } from './interpolate.js';
import { normalizeProject } from './normalize.js';
import { canonicalProjectSchema, canonicalToInput } from './schema-canonical.js';
import { listProjectSchema, listToInput } from './schema-list.js';
import { proxProjectSchema, proxToInput } from './schema-prox.js';
import type { ProjectSpec } from './spec.js';
import { issueAt, nulIssues, type Path, parseYaml, type SourceDoc, toPlain } from './yaml-source.js';
import { zodIssues } from './zod-issues.js';

export interface ParseOptions {
  /** Shown in error messages; the spec keeps it resolved against `dir`. */
  file: string;
  /** Directory relative paths resolve against; default: the file's directory. */
  dir?: string;
  /** The shell environment (default `process.env`). */
  env?: NodeJS.ProcessEnv;
  /** `--env NAME`; default `OVRSEER_ENV` from `env`. */
  envName?: string;
  /** `-e` files, resolved against `cwd` (default: `dir`). */
  envFiles?: readonly string[];
  cwd?: string;
  formation?: Formation;
}

function fail(issues: readonly (ConfigIssue | null)[]): void {
  const real = issues.filter((issue): issue is ConfigIssue => issue !== null);
  if (real.length > 0) throw new ConfigError(real);
}

function keyOrder(src: SourceDoc, key: string): string[] {
  const map = src.doc.get(key, true);
  return isMap(map) ? map.items.flatMap((pair) => (isScalar(pair.key) ? [String(pair.key.value)] : [])) : [];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Env file names are interpolated from the shell alone: the files they name feed everything else. */
function isEnvFilePath(path: Path): boolean {
  return path[0] === 'env_file' || (path[0] === 'environments' && path[2] === 'env_file');
}

/**
 * `token: ${OVRSEER_TOKEN}` (the usual way to pass a token) may name an unset variable: no token. That cannot
 * go unnoticed, as the API refuses to listen on TCP without one.
 */
function isApiToken(path: Path): boolean {
  return path[0] === 'settings' && path[1] === 'api' && path[2] === 'token';
}

/** Validates with the schema of the form the document is written in, and converts it to one input shape. */
function validate(
  src: SourceDoc,
  data: Record<string, unknown>,
  fileEnv: Record<string, string>,
  at: Locator,
  envName: string | undefined,
): ProjectInput {
  const parse = <S extends z.ZodType>(schema: S): z.output<S> => {
    const result = schema.safeParse(data, { reportInput: true });
    if (!result.success) throw new ConfigError(zodIssues(result.error, schema, at));
    return result.data;
  };
  if ('services' in data) {
    if ('processes' in data)
      fail([at(['services'], 'use either processes: or services:, not both', { key: true })]);
    return proxToInput(parse(proxProjectSchema), fileEnv, keyOrder(src, 'services'));
  }
  if (Array.isArray(data.processes)) return listToInput(parse(listProjectSchema), fileEnv);
  const environment = envName === undefined ? undefined : { name: envName, at };
  return canonicalToInput(parse(canonicalProjectSchema), fileEnv, keyOrder(src, 'processes'), environment);
}

/** The config's own env files: `env_file`, then the chosen environment's `env_file`. */
function configEnvFiles(raw: Record<string, unknown>, envName: EnvName | undefined): EnvFileInput[] {
  const refs = envFileRefs(raw.env_file, ['env_file']);
  const environment = envName && isRecord(raw.environments) ? raw.environments[envName.name] : undefined;
  if (envName && isRecord(environment)) {
    refs.push(...envFileRefs(environment.env_file, ['environments', envName.name, 'env_file']));
  }
  return refs;
}

export function tooBigMessage(file: string, bytes: number): string {
  return `${file} is ${bytes} bytes, more than the ${MAX_CONFIG_BYTES} (4MB) a config file may hold`;
}

/**
 * The process limit, checked on the document before anything costly (interpolation, env files, the
 * schema) runs for each process: a file of a million processes is refused at once. Replicas are counted
 * once the processes are validated.
 */
function tooManyEarly(src: SourceDoc, at: Locator): ConfigIssue | null {
  const key = src.doc.has('services') && !src.doc.has('processes') ? 'services' : 'processes';
  const collection = src.doc.get(key, true);
  const count = isMap(collection) || isSeq(collection) ? collection.items.length : 0;
  const written = src.doc.getIn(['settings', 'limits', 'max_processes']);
  const max =
    typeof written === 'number' && Number.isInteger(written) && written >= 1
      ? written
      : SETTINGS_DEFAULTS.limits.maxProcesses;
  return count > max ? tooManyIssue(count, max, [key], at, false) : null;
}

/**
 * Parses, interpolates, validates and normalizes the text of an `ovrseer.yml` (any accepted form).
 * `parsed`: `parseYaml(text, options.file)` done already (by `loadProject`, to tell the format).
 */
export function parseProjectText(text: string, options: ParseOptions, parsed?: SourceDoc): ProjectSpec {
  const dir = resolve(options.dir ?? dirname(resolve(options.file)));
  const bytes = Buffer.byteLength(text);
  if (bytes > MAX_CONFIG_BYTES)
    fail([
      { file: options.file, line: null, column: null, path: '', message: tooBigMessage(options.file, bytes) },
    ]);
  const src = parsed ?? parseYaml(text, options.file);
  const at: Locator = (path, message, opts) => issueAt(src, path, message, opts);
  if (!isMap(src.doc.contents)) {
    const message = src.doc.contents === null ? 'the config is empty' : 'expected a map at the top level';
    fail([at([], `${message}: define processes, e.g. "processes: { web: { command: npm start } }"`)]);
  }

  fail([tooManyEarly(src, at)]);

  const shell = options.env ?? process.env;
  const envName = resolveEnvName(options.envName, shell);
  fail(interpolateDocument(src, shell, isEnvFilePath));
  const raw = toPlain(src) as Record<string, unknown>;
  if (envName) {
    const known = isRecord(raw.environments) ? Object.keys(raw.environments) : [];
    fail([unknownEnvironmentIssue(envName, dir, options.file, known)]);
  }
  const layers = loadEnvLayers({
    file: options.file,
    dir,
    cwd: resolve(options.cwd ?? dir),
    configRefs: configEnvFiles(raw, envName),
    at,
    ...(envName === undefined ? {} : { envName }),
    ...(options.envFiles === undefined ? {} : { envFiles: options.envFiles }),
  });
  fail(layers.issues);
  // The shell wins over env files, as in docker compose, unless the config says otherwise.
  const override = raw.env_override === true;
  const vars = override ? { ...shell, ...layers.vars } : { ...layers.vars, ...shell };
  fail(
    interpolateDocument(
      src,
      vars,
      (path) => !isEnvFilePath(path) && !isCommandPath(path),
      isApiToken,
      isProbeAddressPath,
    ),
  );

  fail(nulIssues(src));
  const data = toPlain(src) as Record<string, unknown>;
  // `x-…` top-level keys hold YAML anchors for reuse (`<<: *defaults`), as in docker compose.
  for (const key of Object.keys(data)) if (key.startsWith('x-')) delete data[key];
  const fileEnv = override ? layers.processVars : withoutShellVars(layers.processVars, shell);
  const input = validate(src, data, fileEnv, at, envName?.name);
  const processes = applyFormation(input.processes, options.formation, false);
  const file = isAbsolute(options.file) ? options.file : resolve(dir, basename(options.file));
  return normalizeProject(
    { ...input, processes, shellEnv: shell, envOverride: override, warnings: layers.warnings },
    { file, dir, at },
  );
}
