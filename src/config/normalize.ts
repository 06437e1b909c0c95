import { basename, resolve } from 'node:path';
import { ConfigError, type ConfigIssue } from '../errors.js';
import { checkProject } from './checks.js';
import {
  DEFAULT_SHELL,
  HEALTH_DEFAULTS,
  LIMITS_DEFAULT_CPU_ACTION,
  LOG_DEFAULTS,
  READY_DEFAULTS,
  RESTART_DEFAULTS,
  SETTINGS_DEFAULTS,
  STOP_DEFAULT_SIGNAL,
  WATCH_DEFAULT_DEBOUNCE,
} from './defaults.js';
import { loadEnvFiles, withoutShellVars } from './env.js';
import type {
  CommandInput,
  Locator,
  ProbeInput,
  ProcessInput,
  ProjectInput,
  SettingsInput,
} from './input.js';
import { checkProbePorts } from './probe-ports.js';
import { toAdoptSpec } from './schema-adopt.js';
import type { CommandSpec, ProbeSpec, ProcessSpec, ProjectSpec, SettingsSpec, WatchSpec } from './spec.js';

export interface NormalizeContext {
  /** Absolute path of the config file, or `null` for a spec built in code. */
  file: string | null;
  /** Relative paths (cwd, env files, state_dir, watch paths) are resolved against it. */
  dir: string;
  at: Locator;
}

/** Drops `undefined` fields so that spreading over defaults keeps the defaults. */
function defined<T extends object>(value: T | undefined): Partial<T> {
  if (value === undefined) return {};
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function command(input: CommandInput, shell: string): CommandSpec {
  return input.kind === 'argv'
    ? { kind: 'argv', argv: [...input.argv] }
    : { kind: 'shell', script: input.script, shell: input.shell ?? shell };
}

function probe(input: ProbeInput, shell: string): ProbeSpec {
  return input.kind === 'exec' ? { kind: 'exec', command: command(input.command, shell) } : input;
}

export function normalizeSettings(input: SettingsInput | undefined, dir: string): SettingsSpec {
  const d = SETTINGS_DEFAULTS;
  const api = { ...d.api, ...defined(input?.api) };
  return {
    shutdownTimeout: input?.shutdownTimeout ?? d.shutdownTimeout,
    stateDir: resolve(dir, input?.stateDir ?? d.stateDir),
    logBufferLines: input?.logBufferLines ?? d.logBufferLines,
    metricsInterval: input?.metricsInterval ?? d.metricsInterval,
    limits: { ...d.limits, ...defined(input?.limits) },
    reports: { ...d.reports, ...defined(input?.reports) },
    // `token: ${OVRSEER_TOKEN}` with the variable unset interpolates to "": that is no token, not an empty one.
    api: {
      ...api,
      token: api.token === '' ? null : api.token,
      tls: api.tls === null ? null : { cert: resolve(dir, api.tls.cert), key: resolve(dir, api.tls.key) },
    },
  };
}

function watch(input: ProcessInput['watch'], cwd: string): WatchSpec | null {
  if (input === undefined || input === false) return null;
  const options = input === true ? {} : input;
  return {
    paths: (options.paths ?? ['.']).map((path) => resolve(cwd, path)),
    ignore: options.ignore ?? [],
    debounce: options.debounce ?? WATCH_DEFAULT_DEBOUNCE,
  };
}

/**
 * The key path of the first string holding a NUL byte, or `null`. The YAML loader refuses them where they
 * are written; this catches those that come from imported files and env files.
 */
function nulPath(value: unknown): string | null {
  const stack: Array<[unknown, string]> = [[value, '']];
  while (stack.length > 0) {
    const [item, path] = stack.pop() as [unknown, string];
    if (typeof item === 'string') {
      if (item.includes('\0')) return path;
    } else if (typeof item === 'object' && item !== null) {
      for (const [key, child] of Object.entries(item)) {
        if (key.includes('\0')) return path;
        stack.push([child, path === '' ? key : `${path}.${key}`]);
      }
    }
  }
  return null;
}

function processSpec(
  p: ProcessInput,
  project: ProjectInput,
  settings: SettingsSpec,
  ctx: NormalizeContext,
  issues: ConfigIssue[],
  warnings: ConfigIssue[],
): ProcessSpec {
  const shell = p.shell ?? DEFAULT_SHELL;
  const cwd = resolve(ctx.dir, p.cwd ?? '.');
  const envFiles = loadEnvFiles(p.envFile ?? [], ctx.dir, ctx.at, project.shellEnv ?? {});
  issues.push(...envFiles.issues);
  warnings.push(...envFiles.warnings);
  const processFileEnv = project.envOverride
    ? envFiles.vars
    : withoutShellVars(envFiles.vars, project.shellEnv ?? {});
  const env = { ...project.fileEnv, ...project.env, ...processFileEnv, ...p.env };
  issues.push(...checkProbePorts(p, env, project.shellEnv ?? {}, ctx.at));
  const spec: ProcessSpec = {
    name: p.name,
    type: p.type ?? 'service',
    command: command(p.command, shell),
    cwd,
    env,
    dependsOn: (p.dependsOn ?? []).map(({ name, condition, restart }) =>
      restart === true ? { name, condition, restart } : { name, condition },
    ),
    ready: (p.ready ?? []).map((r) => ({ ...READY_DEFAULTS, ...defined(r), probe: probe(r.probe, shell) })),
    health: p.health
      ? { ...HEALTH_DEFAULTS, ...defined(p.health), probe: probe(p.health.probe, shell) }
      : null,
    restart: { ...RESTART_DEFAULTS, exitCodes: [...RESTART_DEFAULTS.exitCodes], ...defined(p.restart) },
    stop: {
      signal: p.stop?.signal ?? STOP_DEFAULT_SIGNAL,
      timeout: p.stop?.timeout ?? settings.shutdownTimeout,
      command: p.stop?.command ? command(p.stop.command, shell) : null,
      commandOnly: p.stop?.commandOnly ?? false,
    },
    group: p.group ?? null,
    tags: p.tags ?? [],
    priority: p.priority ?? 0,
    replicas: p.replicas ?? 1,
    port: p.port ?? null,
    user: p.user ?? null,
    limits: {
      memory: p.limits?.memory ?? null,
      cpu: p.limits?.cpu ?? null,
      cpuAction: p.limits?.cpuAction ?? LIMITS_DEFAULT_CPU_ACTION,
      // Only when given: a spec without OS limits stays as it was before they existed.
      ...(p.limits?.os !== undefined && p.limits.os.length > 0 ? { os: p.limits.os } : {}),
    },
    watch: watch(p.watch, cwd),
    cronRestart: p.cronRestart ?? null,
    instanceVars: p.instanceVars ?? {},
    log: { ...LOG_DEFAULTS, ...defined(p.log) },
    disabled: p.disabled ?? false,
    adopt: adoptSpec(p, ctx, issues),
    // Absent unless written, so a spec built without it (and the fixtures) needs no such key.
    ...(p.ipc === undefined ? {} : { ipc: p.ipc }),
  };
  // JSON escapes NUL as \u0000: one native pass finds whether the slower walk that names the key is needed.
  const nul = JSON.stringify(spec).includes('\\u0000') ? nulPath(spec) : null;
  if (nul !== null) {
    const message = `${p.name}: ${nul} holds a NUL byte (\\0), which no command, path or environment variable can carry`;
    issues.push(ctx.at(p.namePath, message, { key: p.nameIsKey }));
  }
  return spec;
}

/** `adopt:` with its pidfile resolved against the config's folder; one instance only. */
function adoptSpec(p: ProcessInput, ctx: NormalizeContext, issues: ConfigIssue[]): ProcessSpec['adopt'] {
  if (p.adopt === undefined || p.adopt === null) return null;
  if ((p.replicas ?? 1) > 1) {
    const message = `${p.name}: adopt takes over one running process; remove "adopt" or set replicas to 1 (it is ${p.replicas})`;
    issues.push(ctx.at([...p.namePath, 'adopt'], message, { key: true }));
  }
  return toAdoptSpec(p.adopt, (path) => resolve(ctx.dir, path));
}

/**
 * Fills every default and resolves every relative path, then checks what only the whole project can
 * show (dependencies, cycles, the process limit). All problems are reported together.
 */
export function normalizeProject(input: ProjectInput, ctx: NormalizeContext): ProjectSpec {
  const settings = normalizeSettings(input.settings, ctx.dir);
  const issues: ConfigIssue[] = [];
  const warnings: ConfigIssue[] = [...(input.warnings ?? [])];
  const processes = input.processes.map((p) => processSpec(p, input, settings, ctx, issues, warnings));
  issues.push(...checkProject(input, settings.limits.maxProcesses, ctx.at));
  if (issues.length > 0) throw new ConfigError(issues);
  const plugins = (input.plugins ?? []).map((plugin) => ({
    // A built-in is named; anything that looks like a path is resolved against the config's folder.
    module: /^[./]/.test(plugin.module) ? resolve(ctx.dir, plugin.module) : plugin.module,
    options: plugin.options ?? {},
  }));
  return {
    name: input.name ?? basename(ctx.dir),
    file: ctx.file,
    dir: ctx.dir,
    processes,
    settings,
    plugins,
    ...(input.exit === undefined ? {} : { exit: input.exit }),
    ...(warnings.length === 0 ? {} : { warnings }),
  };
}
