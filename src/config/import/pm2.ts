import { availableParallelism } from 'node:os';
import { basename, extname } from 'node:path';
import { ConfigError } from '../../errors.js';
import type { CommandInput, Locator, ProcessInput } from '../input.js';
import { envMapSchema, NAME_RE } from '../schema-common.js';
import type { RestartSpec } from '../spec.js';
import type { Path } from '../yaml-source.js';
import { loadEcosystem } from './pm2-load.js';
import { type App, ecosystemSchema } from './pm2-schema.js';
import { parseSource, Untranslated } from './source.js';
import type { EnvironmentOverlay, ImportContext, Imported } from './types.js';

const HANDLED = [
  'name',
  'script',
  'args',
  'interpreter',
  'interpreter_args',
  'node_args',
  'cwd',
  'env',
  'instances',
  'exec_mode',
  'autorestart',
  'max_restarts',
  'min_uptime',
  'restart_delay',
  'exp_backoff_restart_delay',
  'max_memory_restart',
  'watch',
  'ignore_watch',
  'watch_delay',
  'cron_restart',
  'kill_timeout',
  'stop_exit_codes',
  'namespace',
];
const LOGS = 'ovrseer keeps the logs itself (ovrseer logs; files under .ovrseer/logs)';
const REASONS: Record<string, string> = {
  error_file: LOGS,
  out_file: LOGS,
  log_file: LOGS,
  log_date_format: LOGS,
  merge_logs: LOGS,
  combine_logs: LOGS,
  time: LOGS,
  pid_file: 'ovrseer keeps no pid files (ovrseer ps shows the pids)',
  wait_ready: "process.send('ready') is pm2's IPC: use a ready: probe (log, http or tcp)",
  listen_timeout: "process.send('ready') is pm2's IPC: use a ready: probe with a timeout",
  shutdown_with_message: "pm2's IPC: processes get a signal (stop.signal)",
  increment_var: 'replicas get PORT + N − 1 (set port:) and PS=name.N',
  instance_var: 'replicas get PS=name.N',
  treekill: 'ovrseer always stops the whole process tree',
  source_map_support: 'pass --enable-source-maps in node_args',
};

/** pm2's interpreters by extension; anything else runs as a program. */
const INTERPRETERS: Record<string, string> = {
  '.js': 'node',
  '.cjs': 'node',
  '.mjs': 'node',
  '.sh': 'bash',
  '.py': 'python3',
  '.rb': 'ruby',
  '.php': 'php',
  '.pl': 'perl',
  '.ts': 'ts-node',
  '.tsx': 'ts-node',
};

function command(app: App): CommandInput {
  const args = app.args ?? [];
  const interpreter = app.interpreter ?? INTERPRETERS[extname(app.script)] ?? 'none';
  if (interpreter === 'none') {
    // `script: "npm run dev"` with no args: pm2 users write whole command lines here.
    if (args.length === 0 && /\s/.test(app.script.trim()))
      return { kind: 'shell', script: app.script.trim() };
    return { kind: 'argv', argv: [app.script, ...args] };
  }
  const interpreterArgs = app.interpreter_args ?? app.node_args ?? [];
  return { kind: 'argv', argv: [interpreter, ...interpreterArgs, app.script, ...args] };
}

function replicas(
  app: App,
  path: Path,
  notes: Untranslated,
  context: ImportContext,
  at: Locator,
): number | undefined {
  const { instances } = app;
  if (instances === undefined) return undefined;
  const n = Number(instances === 'max' ? 0 : instances);
  if (!Number.isInteger(n)) {
    throw new ConfigError([
      at([...path, 'instances'], `expected a number or "max", got ${JSON.stringify(instances)}`),
    ]);
  }
  if (n > 0) return n;
  // pm2: 0 and "max" mean one per CPU, -1 one less.
  const cpus = Math.max(1, availableParallelism() + n);
  if (context.mode === 'init') {
    notes.add(
      [...path, 'instances'],
      `${JSON.stringify(instances)} became ${cpus}, the CPU count of this machine${n < 0 ? ` ${n}` : ''}`,
    );
  }
  return cpus;
}

/** pm2's default `min_uptime`. */
const PM2_MIN_UPTIME_MS = 1000;

function restart(app: App): Partial<RestartSpec> {
  const policy = app.autorestart === false ? 'no' : app.stop_exit_codes ? 'on-failure' : 'always';
  const backoff = app.exp_backoff_restart_delay;
  return {
    policy,
    ...(app.stop_exit_codes === undefined ? {} : { exitCodes: app.stop_exit_codes }),
    ...(app.max_restarts === undefined ? {} : { maxRetries: app.max_restarts }),
    ...(app.min_uptime === undefined ? {} : { minUptime: app.min_uptime }),
    // pm2's max_restarts counts only "unstable" restarts, runs shorter than min_uptime (1 s by default):
    // a run that lasted min_uptime gives the budget back.
    resetAfter: app.min_uptime ?? PM2_MIN_UPTIME_MS,
    ...(app.restart_delay === undefined ? {} : { delay: app.restart_delay, backoff: 1 }),
    // pm2 grows the delay by 1.5 each time, up to 15 s.
    ...(backoff === undefined ? {} : { delay: backoff, backoff: 1.5, maxDelay: 15_000 }),
  };
}

/**
 * A pm2 ecosystem file (`ecosystem.config.js|cjs|mjs|json`): each app becomes a process; `env_<name>`
 * blocks become environments (`--env <name>` applies one, as `pm2 start --env <name>` does).
 */
export function importPm2(text: string, context: ImportContext): Imported {
  const { at, data } = loadEcosystem(text, context);
  const parsed = parseSource(ecosystemSchema, data, at);
  const apps = Array.isArray(parsed) ? parsed : parsed.apps;
  const notes = new Untranslated();
  if (!Array.isArray(parsed))
    notes.rest(
      data,
      [],
      ['apps'],
      { deploy: 'deployment is out of scope for ovrseer' },
      'not a pm2 key ovrseer knows',
    );
  const prefix: Path = Array.isArray(parsed) ? [] : ['apps'];
  const environments: Record<string, EnvironmentOverlay> = {};
  const processes: ProcessInput[] = [];
  const origins: Record<string, string> = {};
  apps.forEach((app, i) => {
    const path = [...prefix, i];
    const written = app.name ?? basename(app.script, extname(app.script));
    const name = NAME_RE.test(written) ? written : written.replace(/[^A-Za-z0-9_-]+/g, '-');
    if (name !== written)
      notes.add(
        [...path, 'name'],
        `renamed ${JSON.stringify(written)} to ${JSON.stringify(name)}: ovrseer names use letters, digits, "_" and "-"`,
      );
    let env = app.env;
    for (const [key, value] of Object.entries(app)) {
      if (!key.startsWith('env_')) continue;
      const envName = key.slice(4);
      const overlay = envMapSchema.safeParse(value);
      if (!overlay.success) {
        notes.add([...path, key], 'expected a map of variables');
        continue;
      }
      const processes = environments[envName]?.processes ?? {};
      processes[name] = { env: overlay.data };
      environments[envName] = { processes };
      if (context.envName === envName) env = { ...env, ...overlay.data };
    }
    const envKeys = Object.keys(app).filter((key) => key.startsWith('env_'));
    notes.rest(app, path, [...HANDLED, ...envKeys], REASONS, 'not a pm2 key ovrseer knows');
    if (app.exec_mode === 'cluster')
      notes.add(
        [...path, 'exec_mode'],
        'cluster mode: instances run as separate processes, each with its own PORT (port + N − 1) if port: is set',
      );
    const watch =
      app.watch === undefined || app.watch === false
        ? undefined
        : {
            ...(app.watch === true ? {} : { paths: app.watch }),
            ...(app.ignore_watch === undefined ? {} : { ignore: app.ignore_watch }),
            ...(app.watch_delay === undefined ? {} : { debounce: app.watch_delay }),
          };
    const instances = replicas(app, path, notes, context, at);
    processes.push({
      name,
      namePath: app.name === undefined ? [...path, 'script'] : [...path, 'name'],
      nameIsKey: false,
      command: command(app),
      restart: restart(app),
      ...(app.cwd === undefined ? {} : { cwd: app.cwd }),
      ...(env === undefined ? {} : { env }),
      ...(instances === undefined ? {} : { replicas: instances }),
      ...(app.max_memory_restart === undefined ? {} : { limits: { memory: app.max_memory_restart } }),
      ...(watch === undefined ? {} : { watch }),
      ...(app.cron_restart === undefined ? {} : { cronRestart: app.cron_restart }),
      ...(app.kill_timeout === undefined ? {} : { stop: { timeout: app.kill_timeout } }),
      ...(app.namespace === undefined ? {} : { group: app.namespace }),
    });
    origins[name] = `pm2 app ${JSON.stringify(written)}`;
  });
  return {
    format: 'pm2',
    processes,
    processesPath: prefix,
    environments,
    notTranslated: notes.items,
    origins,
    at,
  };
}
