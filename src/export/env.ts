import type { ProcessSpec } from '../config/spec.js';
import { isSecretKey } from '../reports/redact.js';

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

/**
 * Whether a value reads back the same from an env file in systemd (`EnvironmentFile=`), docker compose
 * (`env_file:`) and dotenv (ovrseer): single-quoted values are literal in all three, but none of them
 * has a way to put a single quote or a newline inside one.
 */
export function fitsEnvFile(key: string, value: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) && !/['\n\r]/.test(value);
}

export function envFileLine(key: string, value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? `${key}=${value}` : `${key}='${value}'`;
}

export function envFileText(vars: Readonly<Vars>, header: string): string {
  const lines = Object.entries(vars).map(([key, value]) => envFileLine(key, value));
  return `# ${header}\n${lines.join('\n')}\n`;
}

/** Splits variables into those an env file can hold and those that must stay inline. */
export function splitForFile(vars: Readonly<Vars>): { file: Vars; inline: Vars } {
  const file: Vars = {};
  const inline: Vars = {};
  for (const [key, value] of Object.entries(vars)) (fitsEnvFile(key, value) ? file : inline)[key] = value;
  return { file, inline };
}

/**
 * The env files of a target that has them (systemd, compose): `<app>.env` for what all share, and
 * `<app>-<name>.env` for a process's own secrets; everything else is inline, in `inline` per process.
 */
export interface EnvFilePlan {
  shared: Vars;
  secret: Map<string, Vars>;
  inline: Map<string, Vars>;
}

export function planEnvFiles(layout: EnvLayout): EnvFilePlan {
  const shared = splitForFile(layout.shared);
  const secret = new Map<string, Vars>();
  const inline = new Map<string, Vars>();
  for (const [name, own] of layout.own) {
    const secrets = splitForFile(own.secret);
    secret.set(name, secrets.file);
    inline.set(name, { ...shared.inline, ...own.plain, ...secrets.inline });
  }
  return { shared: shared.file, secret, inline };
}
