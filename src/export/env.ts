import type { ProcessSpec } from '../config/spec.js';
import { isSecretKey } from '../reports/redact.js';
import type { ExportFile } from './types.js';

export type Vars = Record<string, string>;

/**
 * Where each variable goes. `shared` holds what every process has with the same value (the project's
 * `env` and env files, as a rule): targets with env files write it once. The rest is each process's
 * own; its secret-looking keys (the crash reports' rule) are kept apart, so that they can go to a file
 * only its owner can read instead of a unit file or manifest that anyone can.
 */
export interface EnvLayout {
  shared: Vars;
  own: Map<string, { plain: Vars; secret: Vars }>;
}

/** A process's variables less those ovrseer sets over them at spawn (`PS`, and `PORT` with a port). */
export function configuredEnv(process: ProcessSpec): Vars {
  const { PS: _ps, ...rest } = process.env;
  if (process.port === null) return rest;
  const { PORT: _port, ...withoutPort } = rest;
  return withoutPort;
}

export function envLayout(processes: readonly ProcessSpec[]): EnvLayout {
  const envs = processes.map((process) => ({ name: process.name, env: configuredEnv(process) }));
  const [first, ...rest] = envs;
  const shared: Vars = {};
  if (first !== undefined && rest.length > 0) {
    for (const [key, value] of Object.entries(first.env)) {
      if (rest.every((other) => other.env[key] === value)) shared[key] = value;
    }
  }
  const own = new Map<string, { plain: Vars; secret: Vars }>();
  for (const { name, env } of envs) {
    const entry = { plain: {} as Vars, secret: {} as Vars };
    for (const [key, value] of Object.entries(env)) {
      if (key in shared) continue;
      (isSecretKey(key) ? entry.secret : entry.plain)[key] = value;
    }
    own.set(name, entry);
  }
  return { shared, own };
}

/** How a target writes an env file, and which variables it can hold. */
export interface EnvFileFormat {
  fits(key: string, value: string): boolean;
  line(key: string, value: string): string;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const PLAIN = /^[\w@%+=:,./-]+$/;

/**
 * docker compose (`env_file:`) and dotenv (ovrseer, reading the export back): single-quoted values are
 * literal in both, but neither has a way to put a single quote or a newline inside one.
 */
export const DOTENV_FORMAT: EnvFileFormat = {
  fits: (key, value) => NAME.test(key) && !/['\n\r]/.test(value),
  line: (key, value) => (PLAIN.test(value) ? `${key}=${value}` : `${key}='${value}'`),
};

/**
 * systemd's `EnvironmentFile=`: single quotes are literal and may span lines; double quotes take
 * backslash escapes for `"`, `\`, `` ` `` and `$`. Every value fits.
 */
export const SYSTEMD_FORMAT: EnvFileFormat = {
  fits: (key) => NAME.test(key),
  line: (key, value) => {
    if (PLAIN.test(value)) return `${key}=${value}`;
    if (!value.includes("'")) return `${key}='${value}'`;
    return `${key}="${value.replace(/["\\`$]/g, '\\$&')}"`;
  },
};

export function envFileText(vars: Readonly<Vars>, header: string, format: EnvFileFormat): string {
  const lines = Object.entries(vars).map(([key, value]) => format.line(key, value));
  return `# ${header}\n${lines.join('\n')}\n`;
}

/**
 * The env files of a target that has them (systemd, compose): `<app>.env` for what all share, and
 * `<app>-<name>.env` for a process's own secrets; the rest, and what the format cannot hold, is inline.
 */
export interface EnvFilePlan {
  shared: Vars;
  secret: Map<string, Vars>;
  inline: Map<string, Vars>;
}

export function planEnvFiles(layout: EnvLayout, format: EnvFileFormat): EnvFilePlan {
  const split = (vars: Readonly<Vars>): { file: Vars; inline: Vars } => {
    const file: Vars = {};
    const inline: Vars = {};
    for (const [key, value] of Object.entries(vars)) (format.fits(key, value) ? file : inline)[key] = value;
    return { file, inline };
  };
  const shared = split(layout.shared);
  const secret = new Map<string, Vars>();
  const inline = new Map<string, Vars>();
  for (const [name, own] of layout.own) {
    const secrets = split(own.secret);
    secret.set(name, secrets.file);
    inline.set(name, { ...shared.inline, ...own.plain, ...secrets.inline });
  }
  return { shared: shared.file, secret, inline };
}

export interface EnvFiles {
  files: ExportFile[];
  /** The env files (names in the output directory) each process reads, in order. */
  refs: Map<string, string[]>;
  inline: Map<string, Vars>;
}

/** Env files are 0600: they may hold secrets, and unit files and compose files are read by anyone. */
export function envFiles(processes: readonly ProcessSpec[], app: string, format: EnvFileFormat): EnvFiles {
  const plan = planEnvFiles(envLayout(processes), format);
  const files: ExportFile[] = [];
  const refs = new Map<string, string[]>();
  const shared = `${app}.env`;
  const hasShared = Object.keys(plan.shared).length > 0;
  if (hasShared) {
    files.push({
      name: shared,
      content: envFileText(plan.shared, `${app}: shared by every process`, format),
      mode: 0o600,
    });
  }
  for (const process of processes) {
    const names = hasShared ? [shared] : [];
    const own = plan.secret.get(process.name) ?? {};
    if (Object.keys(own).length > 0) {
      const name = `${app}-${process.name}.env`;
      files.push({
        name,
        content: envFileText(own, `${app} ${process.name}: its secrets`, format),
        mode: 0o600,
      });
      names.push(name);
    }
    refs.set(process.name, names);
  }
  return { files, refs, inline: plan.inline };
}
