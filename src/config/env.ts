import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse as parseDotenv } from 'dotenv';
import { type ConfigIssue, errorMessage, isErrnoException } from '../errors.js';
import type { EnvFileInput, Locator } from './input.js';
import type { Path } from './yaml-source.js';

export type EnvVars = Record<string, string>;

/** Variables of a `.env` file, or `null` when the file does not exist. Other read errors throw. */
export function readEnvFile(path: string): EnvVars | null {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if (isErrnoException(error) && error.code === 'ENOENT') return null;
    throw error;
  }
  return parseDotenv(text);
}

/** `env_file: .env` or `env_file: [.env, .env.local]` at `at`; anything else is left to the schema. */
export function envFileRefs(value: unknown, at: Path): EnvFileInput[] {
  if (typeof value === 'string') return [{ name: value, path: at }];
  if (!Array.isArray(value)) return [];
  return value.flatMap((name, i) => (typeof name === 'string' ? [{ name, path: [...at, i] }] : []));
}

/**
 * Loads env files in order, later ones overriding earlier ones. Missing files are skipped: `env_file`
 * means "loaded if present", so a checked-in config can name a `.env` that only some machines have.
 */
export function loadEnvFiles(
  refs: readonly EnvFileInput[],
  dir: string,
  at: Locator,
): { vars: EnvVars; issues: ConfigIssue[] } {
  const vars: EnvVars = {};
  const issues: ConfigIssue[] = [];
  for (const ref of refs) {
    try {
      Object.assign(vars, readEnvFile(resolve(dir, ref.name)) ?? {});
    } catch (error) {
      issues.push(at(ref.path, `cannot read env file ${JSON.stringify(ref.name)}: ${errorMessage(error)}`));
    }
  }
  return { vars, issues };
}

export function envNameFile(dir: string, envName: string): string {
  return resolve(dir, `.env.${envName}`);
}

/**
 * `--env production` loads `.env.production` from the config's directory. Unlike `env_file`, the user
 * asked for this one by name on the command line, so a missing file is an error.
 */
export function loadEnvNameFile(
  envName: string,
  dir: string,
  configFile: string,
): { vars: EnvVars; issues: ConfigIssue[] } {
  const at = { file: configFile, line: null, column: null, path: '' };
  if (!/^[A-Za-z0-9_.-]+$/.test(envName)) {
    return {
      vars: {},
      issues: [{ ...at, message: `--env ${JSON.stringify(envName)}: use a plain name such as "production"` }],
    };
  }
  const file = envNameFile(dir, envName);
  try {
    const vars = readEnvFile(file);
    if (vars !== null) return { vars, issues: [] };
    return { vars: {}, issues: [{ ...at, message: `--env ${envName}: ${file} does not exist` }] };
  } catch (error) {
    return {
      vars: {},
      issues: [{ ...at, message: `--env ${envName}: cannot read ${file}: ${errorMessage(error)}` }],
    };
  }
}
