import { existsSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { ConfigError, type ConfigIssue, errorMessage, isErrnoException } from '../errors.js';
import { parseEnvText } from './dotenv.js';
import type { EnvFileInput, Locator } from './input.js';
import type { Path } from './yaml-source.js';

export type EnvVars = Record<string, string>;

/**
 * The rules an env file is read by: those of the tool whose config is run. `ovrseer` (dotenv's),
 * `foreman` and `honcho` (a Procfile's `.env`), `compose` (compose's own syntax, with `${VAR}`
 * interpolation), `compose-raw` (compose's `format: raw`: values taken as written), `godotenv`
 * (process-compose).
 */
export type EnvDialect = 'ovrseer' | 'foreman' | 'honcho' | 'compose' | 'compose-raw' | 'godotenv';
export type ShellEnv = Readonly<Record<string, string | undefined>>;

/** Read options of one env file. */
export interface EnvFileRead {
  /** @default 'ovrseer' */
  dialect?: EnvDialect;
  /** The shell's variables, for `${VAR}` in compose and godotenv files. @default {} */
  shell?: ShellEnv;
  /** Lines the dialect skips (foreman, honcho) are added here as warnings. */
  warnings?: ConfigIssue[];
  /** The name shown in problems. @default the path */
  display?: string;
}

/**
 * Variables of an env file, or `null` when the file does not exist. Other read errors throw; a line
 * the dialect refuses throws a `ConfigError` at that line of the env file. `ovrseer` is dotenv's
 * format; the others are the rules of the tool whose config names the file (src/config/dotenv.ts).
 */
export function readEnvFile(path: string, options: EnvFileRead = {}): EnvVars | null {
  let text: string;
  try {
    // Checked before reading: `env_file: /dev/zero` or a FIFO would never finish, a huge file fill memory.
    const stats = statSync(path);
    if (!stats.isFile()) throw new Error('not a regular file (a directory, device or pipe)');
    if (stats.size > MAX_ENV_FILE_BYTES)
      throw new Error(`${stats.size} bytes, more than the ${MAX_ENV_FILE_BYTES} (1MB) an env file may hold`);
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if (isErrnoException(error) && error.code === 'ENOENT') return null;
    throw error;
  }
  const dialect = options.dialect ?? 'ovrseer';
  const parsed = parseEnvText(text, dialect, options.shell ?? {});
  const file = options.display ?? path;
  const issue = (line: number, message: string): ConfigIssue => ({
    file,
    line,
    column: null,
    path: '',
    message,
  });
  if (parsed.errors.length > 0) {
    throw new ConfigError(parsed.errors.map((e) => issue(e.line, `${e.message} (read by ${dialect} rules)`)));
  }
  options.warnings?.push(...parsed.ignored.map((e) => issue(e.line, e.message)));
  for (const [key, value] of Object.entries(parsed.vars)) {
    if (`${key}${value}`.includes('\0'))
      throw new Error(`${key} holds a NUL byte (\\0), which no environment variable can carry`);
  }
  return parsed.vars;
}

/** Env files are read whole into every process's environment. */
export const MAX_ENV_FILE_BYTES = 1024 * 1024;

/**
 * An env file outside the project directory is read (docker compose allows absolute paths), but said
 * out loud: `env_file: /etc/shadow` would otherwise hand a system file to every process in silence.
 */
function outsideWarning(ref: EnvFileInput, dir: string, at: Locator): ConfigIssue | null {
  const path = resolve(dir, ref.name);
  const rel = relative(dir, path);
  if (rel !== '' && !rel.startsWith('..') && !isAbsolute(rel)) return null;
  return at(
    ref.path,
    `env file ${JSON.stringify(ref.name)} is outside the project directory ${dir}: its variables are read and given to the processes`,
  );
}

/**
 * `env_file: .env`, `[.env, .env.local]` or entries `{path, required, format}` at `at`, read before the
 * schema (interpolation needs their variables); what is not one of these is left to the schema.
 */
export function envFileRefs(value: unknown, at: Path): EnvFileInput[] {
  if (!Array.isArray(value)) return envFileRef(value, at);
  return value.flatMap((entry, i) => envFileRef(entry, [...at, i]));
}

const FORMAT_DIALECTS: Readonly<Record<string, EnvDialect>> = {
  ovrseer: 'ovrseer',
  foreman: 'foreman',
  honcho: 'honcho',
  compose: 'compose',
  'compose-raw': 'compose-raw',
  raw: 'compose-raw',
  godotenv: 'godotenv',
};

function envFileRef(entry: unknown, path: Path): EnvFileInput[] {
  if (typeof entry === 'string') return [{ name: entry, path }];
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) return [];
  const {
    path: name,
    required,
    format,
    interpolation_only: interpolationOnly,
  } = entry as Record<string, unknown>;
  if (typeof name !== 'string' || name === '') return [];
  const dialect = typeof format === 'string' ? FORMAT_DIALECTS[format] : undefined;
  return [
    {
      name,
      path,
      ...(typeof required === 'boolean' ? { required } : {}),
      ...(dialect === undefined ? {} : { dialect }),
      ...(interpolationOnly === true ? { interpolationOnly } : {}),
    },
  ];
}

/**
 * Loads env files in order, later ones overriding earlier ones. A missing file is skipped unless it is
 * `required`: `env_file` means "loaded if present", so a checked-in config can name a `.env` that only
 * some machines have. Each file is read by its `dialect`; `shell` feeds compose's `${VAR}`.
 */
export function loadEnvFiles(
  refs: readonly EnvFileInput[],
  dir: string,
  at: Locator,
  shell: ShellEnv = {},
): { vars: EnvVars; issues: ConfigIssue[]; warnings: ConfigIssue[]; found: string[] } {
  const vars: EnvVars = {};
  const issues: ConfigIssue[] = [];
  const warnings: ConfigIssue[] = [];
  const found: string[] = [];
  for (const ref of refs) {
    const path = resolve(dir, ref.name);
    try {
      const read = readEnvFile(path, {
        ...(ref.dialect === undefined ? {} : { dialect: ref.dialect }),
        shell,
        warnings,
        display: ref.name,
      });
      if (read !== null) {
        found.push(ref.name);
        const warning = outsideWarning(ref, dir, at);
        if (warning !== null) warnings.push(warning);
      } else if (ref.required === true) {
        issues.push(
          at(ref.path, `env file ${JSON.stringify(ref.name)} is required but ${path} does not exist`),
        );
      }
      Object.assign(vars, read ?? {});
    } catch (error) {
      if (error instanceof ConfigError) issues.push(...error.issues);
      else
        issues.push(at(ref.path, `cannot read env file ${JSON.stringify(ref.name)}: ${errorMessage(error)}`));
    }
  }
  return { vars, issues, warnings, found };
}

/** The shell environment wins over env files (unless `env_override`): drop what it already sets. */
export function withoutShellVars(vars: EnvVars, shell: ShellEnv): EnvVars {
  return Object.fromEntries(Object.entries(vars).filter(([key]) => shell[key] === undefined));
}

export function envNameFile(dir: string, envName: string): string {
  return resolve(dir, `.env.${envName}`);
}

/** `--env NAME` reads these from the config's directory, in this order (later wins). */
export function envCascade(envName: string): string[] {
  return ['.env', `.env.${envName}`, '.env.local', `.env.${envName}.local`];
}

export interface EnvName {
  name: string;
  /** How the user chose it, for messages: `--env production` or `OVRSEER_ENV=production`. */
  label: string;
}

/** `--env NAME`, else `OVRSEER_ENV` from the shell; `undefined` when neither is set. */
export function resolveEnvName(envName: string | undefined, shell: ShellEnv): EnvName | undefined {
  if (envName !== undefined) return { name: envName, label: `--env ${envName}` };
  const fromShell = shell.OVRSEER_ENV;
  if (fromShell === undefined || fromShell === '') return undefined;
  return { name: fromShell, label: `OVRSEER_ENV=${fromShell}` };
}

export interface EnvLayers {
  /** Display name of the config, for problems that have no position in it. */
  file: string;
  dir: string;
  /** Where `-e` paths are resolved (the directory the command runs in). */
  cwd: string;
  /** The config's own project-level env files, loaded if present, with their positions. */
  configRefs?: readonly EnvFileInput[];
  at: Locator;
  envName?: EnvName;
  /** `-e a.env,b.env`: named on the command line, so each must exist. */
  envFiles?: readonly string[];
  /** How the `--env` cascade and `-e` files are read: the format's own rules. @default 'ovrseer' */
  dialect?: EnvDialect;
  /** For `${VAR}` in compose and godotenv files. @default {} */
  shell?: ShellEnv;
}

/**
 * Project-level env files, later wins: the config's `env_file` list, then with an environment `.env`,
 * `.env.NAME`, `.env.local`, `.env.NAME.local` (each if present), then `-e` files. A file named twice is
 * read at its first place only, so `env_file: [.env]` does not let `.env` override `.env.NAME` later.
 */
export function loadEnvLayers(request: EnvLayers): {
  /** For `${VAR}` in the config: every layer. */
  vars: EnvVars;
  /** For the processes: every layer but the `interpolation_only` files (compose's project `.env`). */
  processVars: EnvVars;
  issues: ConfigIssue[];
  warnings: ConfigIssue[];
} {
  const issues: ConfigIssue[] = [];
  const nameIssue = request.envName && envNameIssue(request.envName, request.file);
  if (nameIssue) return { vars: {}, processVars: {}, issues: [nameIssue], warnings: [] };
  const seen = new Set<string>();
  const firstTime = (path: string): boolean => {
    if (seen.has(path)) return false;
    seen.add(path);
    return true;
  };
  const refs = (request.configRefs ?? []).filter((ref) => firstTime(resolve(request.dir, ref.name)));
  const forInterpolation = refs.filter((ref) => ref.interpolationOnly === true);
  const interpolationOnly = loadEnvFiles(forInterpolation, request.dir, request.at, request.shell);
  const loaded = loadEnvFiles(
    refs.filter((ref) => ref.interpolationOnly !== true),
    request.dir,
    request.at,
    request.shell,
  );
  issues.push(...interpolationOnly.issues, ...loaded.issues);
  loaded.warnings.push(...interpolationOnly.warnings);
  const vars = loaded.vars;
  const read: EnvFileRead = {
    ...(request.dialect === undefined ? {} : { dialect: request.dialect }),
    shell: request.shell ?? {},
    warnings: loaded.warnings,
  };
  const optional = request.envName ? envCascade(request.envName.name) : [];
  for (const name of optional) {
    const path = resolve(request.dir, name);
    if (firstTime(path)) Object.assign(vars, readLayer(path, name, request.file, issues, read) ?? {});
  }
  for (const name of request.envFiles ?? []) {
    const path = resolve(request.cwd, name);
    if (!firstTime(path)) continue;
    const found = readLayer(path, name, request.file, issues, read);
    if (found === null) issues.push(plainIssue(request.file, `-e ${name}: ${path} does not exist`));
    Object.assign(vars, found ?? {});
  }
  return {
    vars: { ...interpolationOnly.vars, ...vars },
    processVars: vars,
    issues,
    warnings: loaded.warnings,
  };
}

function readLayer(
  path: string,
  name: string,
  file: string,
  issues: ConfigIssue[],
  options: EnvFileRead,
): EnvVars | null {
  try {
    return readEnvFile(path, { ...options, display: name });
  } catch (error) {
    if (error instanceof ConfigError) {
      issues.push(...error.issues);
      return null;
    }
    issues.push(plainIssue(file, `cannot read env file ${JSON.stringify(name)}: ${errorMessage(error)}`));
    return null;
  }
}

function plainIssue(file: string, message: string): ConfigIssue {
  return { file, line: null, column: null, path: '', message };
}

function envNameIssue(envName: EnvName, file: string): ConfigIssue | null {
  if (/^[A-Za-z0-9_-][A-Za-z0-9_.-]*$/.test(envName.name) && !envName.name.includes('..')) return null;
  return plainIssue(
    file,
    `${envName.label.replace(envName.name, JSON.stringify(envName.name))}: use a plain name such as "production"`,
  );
}

/**
 * An environment must exist somewhere, so that a typo (`--env prodution`) is an error rather than a
 * quiet run without the production settings: a `.env.NAME` or `.env.NAME.local` file, or an entry in
 * the config's own environments (`known`).
 */
export function unknownEnvironmentIssue(
  envName: EnvName,
  dir: string,
  file: string,
  known: readonly string[] | null,
): ConfigIssue | null {
  const { name } = envName;
  const invalid = envNameIssue(envName, file);
  if (invalid) return invalid;
  if (known?.includes(name)) return null;
  if (existsSync(envNameFile(dir, name)) || existsSync(resolve(dir, `.env.${name}.local`))) return null;
  const where = known === null ? '' : `, and no environments.${name} in ${file}`;
  const choices = known !== null && known.length > 0 ? ` (environments: ${known.join(', ')})` : '';
  return plainIssue(
    file,
    `${envName.label}: no .env.${name} or .env.${name}.local in ${dir}${where}${choices}`,
  );
}
