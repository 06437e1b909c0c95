import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, isAbsolute, relative, resolve } from 'node:path';
import { isMap, isScalar } from 'yaml';
import type { z } from 'zod';
import { ConfigError, type ConfigIssue, errorMessage, OvrseerError } from '../errors.js';
import { CONFIG_FILE_NAMES, PROCFILE_NAME } from './defaults.js';
import { envFileRefs, loadEnvFiles, loadEnvNameFile } from './env.js';
import type { Locator, ProjectInput } from './input.js';
import { interpolateDocument, isCommandPath } from './interpolate.js';
import { normalizeProject } from './normalize.js';
import { parseProcfile } from './procfile.js';
import { canonicalProjectSchema, canonicalToInput } from './schema-canonical.js';
import { listProjectSchema, listToInput } from './schema-list.js';
import { proxProjectSchema, proxToInput } from './schema-prox.js';
import type { ProjectSpec } from './spec.js';
import { issueAt, parseYaml, type SourceDoc, toPlain } from './yaml-source.js';
import { zodIssues } from './zod-issues.js';

export interface LoadOptions {
  /** `-f FILE`; otherwise discovered in `cwd`. */
  file?: string;
  cwd?: string;
  /** `--env NAME`: load `.env.NAME` after the config's env files. */
  envName?: string;
  /** Variables for `${VAR}` interpolation, under the env files' (default `process.env`). */
  env?: NodeJS.ProcessEnv;
}

export interface ParseOptions {
  /** Shown in error messages; the spec keeps it resolved against `dir`. */
  file: string;
  /** Directory relative paths resolve against; default: the file's directory. */
  dir?: string;
  env?: NodeJS.ProcessEnv;
  envName?: string;
}

export interface DiscoveredConfig {
  file: string;
  kind: 'yaml' | 'procfile';
}

function kindOf(file: string): DiscoveredConfig['kind'] {
  return basename(file).startsWith(PROCFILE_NAME) ? 'procfile' : 'yaml';
}

/** `ovrseer.yml`, else `ovrseer.yaml`, else a `Procfile`, in `cwd`. */
export function discoverConfig(cwd: string): DiscoveredConfig {
  for (const name of [...CONFIG_FILE_NAMES, PROCFILE_NAME]) {
    const file = resolve(cwd, name);
    if (existsSync(file)) return { file, kind: kindOf(file) };
  }
  const looked = [...CONFIG_FILE_NAMES, PROCFILE_NAME].join(', ');
  throw new OvrseerError(
    'OVRSEER_CONFIG_NOT_FOUND',
    `no config found in ${cwd} (looked for ${looked}); run \`ovrseer init\` to create one, or pass -f FILE`,
  );
}

export function loadProject(options: LoadOptions = {}): ProjectSpec {
  const cwd = resolve(options.cwd ?? process.cwd());
  let found: DiscoveredConfig;
  if (options.file === undefined) found = discoverConfig(cwd);
  else {
    const file = resolve(cwd, options.file);
    if (!existsSync(file))
      throw new OvrseerError('OVRSEER_CONFIG_NOT_FOUND', `config file not found: ${options.file}`);
    found = { file, kind: kindOf(file) };
  }
  let text: string;
  try {
    text = readFileSync(found.file, 'utf8');
  } catch (error) {
    throw new OvrseerError('OVRSEER_CONFIG_NOT_FOUND', `cannot read ${found.file}: ${errorMessage(error)}`, {
      cause: error,
    });
  }
  // Errors name the file as the user would: relative to where they ran the command, when below it.
  const shown = relative(cwd, found.file);
  const display = options.file ?? (shown.startsWith('..') || isAbsolute(shown) ? found.file : shown);
  const dir = dirname(found.file);
  const spec =
    found.kind === 'procfile'
      ? parseProcfile(text, { file: display, dir, envName: options.envName })
      : parseProjectText(text, { file: display, dir, env: options.env, envName: options.envName });
  return { ...spec, file: found.file };
}

function fail(issues: readonly ConfigIssue[]): void {
  if (issues.length > 0) throw new ConfigError(issues);
}

function keyOrder(src: SourceDoc, key: string): string[] {
  const map = src.doc.get(key, true);
  return isMap(map) ? map.items.flatMap((pair) => (isScalar(pair.key) ? [String(pair.key.value)] : [])) : [];
}

/** Validates with the schema of the form the document is written in, and converts it to one input shape. */
function validate(
  src: SourceDoc,
  data: Record<string, unknown>,
  fileEnv: Record<string, string>,
  at: Locator,
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
  return canonicalToInput(parse(canonicalProjectSchema), fileEnv, keyOrder(src, 'processes'));
}

/** Parses, interpolates, validates and normalizes the text of an `ovrseer.yml` (any accepted form). */
export function parseProjectText(text: string, options: ParseOptions): ProjectSpec {
  const dir = resolve(options.dir ?? dirname(resolve(options.file)));
  const src = parseYaml(text, options.file);
  const at: Locator = (path, message, opts) => issueAt(src, path, message, opts);
  if (!isMap(src.doc.contents)) {
    const message = src.doc.contents === null ? 'the config is empty' : 'expected a map at the top level';
    fail([at([], `${message}: define processes, e.g. "processes: { web: { command: npm start } }"`)]);
  }

  // env_file names are interpolated from the environment alone; everything else also sees their variables.
  const baseEnv = options.env ?? process.env;
  fail(interpolateDocument(src, baseEnv, (path) => path[0] === 'env_file'));
  const envFiles = loadEnvFiles(
    envFileRefs((toPlain(src) as Record<string, unknown>).env_file, ['env_file']),
    dir,
    at,
  );
  const named =
    options.envName === undefined
      ? { vars: {}, issues: [] }
      : loadEnvNameFile(options.envName, dir, options.file);
  fail([...envFiles.issues, ...named.issues]);
  const fileEnv = { ...envFiles.vars, ...named.vars };
  fail(
    interpolateDocument(
      src,
      { ...baseEnv, ...fileEnv },
      (path) => path[0] !== 'env_file' && !isCommandPath(path),
    ),
  );

  const data = toPlain(src) as Record<string, unknown>;
  // `x-…` top-level keys hold YAML anchors for reuse (`<<: *defaults`), as in docker compose.
  for (const key of Object.keys(data)) if (key.startsWith('x-')) delete data[key];
  const input = validate(src, data, fileEnv, at);
  const file = isAbsolute(options.file) ? options.file : resolve(dir, basename(options.file));
  return normalizeProject(input, { file, dir, at });
}
