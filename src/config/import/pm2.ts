import { cpus } from 'node:os';
import { resolve } from 'node:path';
import { z } from 'zod';
import { ConfigError } from '../../errors.js';
import type { Locator, ProcessInput } from '../input.js';
import { envMapSchema, NAME_RE } from '../schema-common.js';
import type { Path } from '../yaml-source.js';
import { defaultName, pm2Command } from './pm2-command.js';
import { loadEcosystem } from './pm2-load.js';
import { pm2Restart, pm2Stop } from './pm2-policy.js';
import { type App, pm2Schemas } from './pm2-schema.js';
import { isRecord, parseSource, Untranslated } from './source.js';
import type { EnvironmentOverlay, ImportContext, Imported } from './types.js';

const HANDLED = [
  'name',
  'script',
  'args',
  'interpreter',
  'exec_interpreter',
  'interpreter_args',
  'node_args',
  'cwd',
  'env',
  'port',
  'instances',
  'instance_var',
  'increment_var',
  'append_env_to_name',
  'autostart',
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
const MONITORING = 'pm2.io monitoring: ovrseer has its own metrics (ovrseer ps, the API)';
const REASONS: Record<string, string> = {
  error_file: LOGS,
  out_file: LOGS,
  log_file: LOGS,
  log_date_format: LOGS,
  log_type: LOGS,
  disable_logs: LOGS,
  merge_logs: LOGS,
  combine_logs: LOGS,
  time: LOGS,
  pid_file: 'ovrseer keeps no pid files (ovrseer ps shows the pids)',
  wait_ready:
    'not supported: ovrseer gives a process no IPC channel (process.send is undefined), so the app is ready once started; use a ready: probe (log, http or tcp)',
  listen_timeout: 'not supported with wait_ready (see there); a ready: probe has its own timeout',
  shutdown_with_message: "not supported: pm2's IPC 'shutdown' message; the process gets SIGINT",
  source_map_support:
    'pm2 preloads source-map-support in its node wrapper: pass --enable-source-maps in node_args',
  disable_source_map_support: 'ovrseer runs node without a wrapper: no source-map-support to disable',
  vizion: 'pm2 reads git metadata for pm2 ls; ovrseer does not',
  post_update: 'runs on pm2 pull/update (git deployment), which ovrseer does not have',
  force: 'pm2 start --force runs an app twice; ovrseer names are unique',
  filter_env: 'not supported: the process inherits the whole environment of ovrseer',
  watch_options: 'chokidar options: ovrseer has its own watcher (watch: paths, ignore, debounce)',
  uid: 'not translated: set user: in ovrseer.yml (honoured when ovrseer runs as root)',
  gid: 'not translated: set user: in ovrseer.yml (honoured when ovrseer runs as root)',
  pmx: MONITORING,
  automation: MONITORING,
  trace: MONITORING,
  disable_trace: MONITORING,
  deep_monitoring: MONITORING,
  v8: MONITORING,
  event_loop_inspector: MONITORING,
  treekill: 'ovrseer always signals the whole process group (pm2 treekill: true); false is not supported',
  kill_retry_time: 'ovrseer waits for the exit itself, without polling',
  windowsHide: 'Windows only',
  execute_command: 'not supported',
  exec_mode:
    'cluster mode: the instances run as separate processes (no shared listening port, no pm2 reload); each sees NODE_APP_INSTANCE',
};

/** pm2 (lib/God.js): `max` and 0 are the CPU count, a negative number that many less, at least 1. */
function replicas(app: App, path: Path, notes: Untranslated, context: ImportContext, at: Locator): number {
  const { instances } = app;
  if (instances === undefined) return 1;
  const n = instances === 'max' ? 0 : Number(instances);
  if (!Number.isInteger(n)) {
    throw new ConfigError([
      at([...path, 'instances'], `expected a number or "max", got ${JSON.stringify(instances)}`),
    ]);
  }
  if (n > 0) return n;
  const count = Math.max(1, cpus().length + n);
  if (context.mode === 'init')
    notes.add(
      [...path, 'instances'],
      `${JSON.stringify(instances)} became ${count}, from the CPU count of this machine`,
    );
  return count;
}

interface AppList {
  key: 'apps' | 'pm2' | null;
  apps: App[];
  /** Where app `i` was written. */
  paths: Path[];
  processesPath: Path;
}

/** Where the apps are: `apps`, else `pm2`, else the whole value (lib/API.js `_startJson`). */
function appsOf(data: unknown, at: Locator): AppList {
  const list = (key: 'apps' | 'pm2', value: unknown): AppList => {
    const parsed = parseSource(z.looseObject({ [key]: pm2Schemas().appsSchema }), value, at)[key] as
      | App
      | App[];
    return Array.isArray(parsed)
      ? { key, apps: parsed, paths: parsed.map((_, i) => [key, i]), processesPath: [key] }
      : { key, apps: [parsed], paths: [[key]], processesPath: [key] };
  };
  if (isRecord(data) && data.apps !== undefined) return list('apps', data);
  if (isRecord(data) && data.pm2 !== undefined) return list('pm2', data);
  if (Array.isArray(data)) {
    const apps = parseSource(z.array(pm2Schemas().appSchema), data, at);
    return { key: null, apps, paths: apps.map((_, i) => [i]), processesPath: [] };
  }
  if (isRecord(data) && data.script !== undefined)
    return {
      key: null,
      apps: [parseSource(pm2Schemas().appSchema, data, at)],
      paths: [[]],
      processesPath: [],
    };
  throw new ConfigError([
    at([], 'expected module.exports = { apps: [{ name, script, … }] } (or one app: { script, … })'),
  ]);
}

/**
 * A pm2 ecosystem file (`ecosystem.config.js|cjs|mjs`, `.json`, `.yml`): each app becomes a process, run
 * as pm2 runs it; `env_<name>` blocks become environments (`--env <name>` applies one, as `pm2 start
 * --env <name>` does).
 */
export function importPm2(text: string, context: ImportContext): Imported {
  const { at, data } = loadEcosystem(text, context);
  const { key, apps, paths, processesPath } = appsOf(data, at);
  const notes = new Untranslated();
  if (key !== null)
    notes.rest(
      data,
      [],
      [key],
      { deploy: 'deployment is out of scope for ovrseer' },
      'not a pm2 key ovrseer knows',
    );
  const environments: Record<string, EnvironmentOverlay> = {};
  const processes: ProcessInput[] = [];
  const origins: Record<string, string> = {};
  apps.forEach((app, i) => {
    const path = paths[i] ?? [];
    const suffix = app.append_env_to_name && context.envName !== undefined ? `-${context.envName}` : '';
    const written = (app.name ?? defaultName(app.script)) + suffix;
    const name = NAME_RE.test(written) ? written : written.replace(/[^A-Za-z0-9_-]+/g, '-');
    if (name !== written)
      notes.add(
        [...path, 'name'],
        `renamed ${JSON.stringify(written)} to ${JSON.stringify(name)}: ovrseer names use letters, digits, "_" and "-"`,
      );
    if (app.append_env_to_name && context.mode === 'init')
      notes.add([...path, 'append_env_to_name'], 'the name gets "-<env>" only when imported with --env');
    // pm2 sets env.PORT from `port` (lib/Common.js prepareAppConf), before env_<name> is merged.
    let env: Record<string, string> = {
      ...app.env,
      ...(app.port === undefined ? {} : { PORT: String(app.port) }),
    };
    for (const [envKey, value] of Object.entries(app)) {
      if (!envKey.startsWith('env_')) continue;
      const envName = envKey.slice(4);
      const overlay = envMapSchema.safeParse(value);
      if (!overlay.success) {
        notes.add([...path, envKey], 'expected a map of variables');
        continue;
      }
      const byName = environments[envName]?.processes ?? {};
      byName[name] = { env: overlay.data };
      environments[envName] = { processes: byName };
      if (context.envName === envName) env = { ...env, ...overlay.data };
    }
    const envKeys = Object.keys(app).filter((k) => k.startsWith('env_'));
    notes.rest(app, path, [...HANDLED, ...envKeys], REASONS, 'not a pm2 key ovrseer knows');
    const cwd = app.cwd === undefined ? context.dir : resolve(context.dir, app.cwd);
    const run = pm2Command(
      { ...app, interpreter: app.interpreter ?? app.exec_interpreter },
      cwd,
      context.shell.PATH,
    );
    for (const note of run.notes) notes.add([...path, note.key], note.reason);
    if (
      app.exec_mode === undefined &&
      app.instances !== undefined &&
      run.command.kind === 'argv' &&
      run.command.argv[0] === 'node'
    )
      notes.add([...path, 'instances'], `pm2 runs node instances in cluster mode: ${REASONS.exec_mode}`);
    env = { ...env, ...run.env };
    const watch =
      app.watch === undefined || app.watch === false
        ? undefined
        : {
            ...(app.watch === true ? {} : { paths: app.watch }),
            // pm2's default ignore (lib/Watcher.js): dotfiles and node_modules.
            ignore: app.ignore_watch ?? ['**/.*', '**/.*/**', '**/node_modules/**'],
            debounce: app.watch_delay ?? 0,
          };
    // pm2 gives each instance NODE_APP_INSTANCE (instance_var) from 0, and increment_var the env's value + N.
    const instanceVars: Record<string, number> = { [app.instance_var ?? 'NODE_APP_INSTANCE']: 0 };
    if (app.increment_var !== undefined)
      instanceVars[app.increment_var] = Number(env[app.increment_var]) || 0;
    const cron = app.cron_restart === 0 || app.cron_restart === '0' ? undefined : app.cron_restart;
    processes.push({
      name,
      namePath: app.name === undefined ? [...path, 'script'] : [...path, 'name'],
      nameIsKey: false,
      command: run.command,
      ...(run.shell === undefined ? {} : { shell: run.shell }),
      restart: pm2Restart(app),
      stop: pm2Stop(app),
      ...(app.cwd === undefined ? {} : { cwd: app.cwd }),
      ...(Object.keys(env).length === 0 ? {} : { env }),
      replicas: replicas(app, path, notes, context, at),
      instanceVars,
      ...(app.autostart === false ? { disabled: true } : {}),
      ...(app.max_memory_restart === undefined ? {} : { limits: { memory: app.max_memory_restart } }),
      ...(watch === undefined ? {} : { watch }),
      ...(cron === undefined ? {} : { cronRestart: cron }),
      ...(app.namespace === undefined ? {} : { group: app.namespace }),
    });
    origins[name] = `pm2 app ${JSON.stringify(written)}`;
  });
  return {
    format: 'pm2',
    processes,
    processesPath,
    environments,
    notTranslated: notes.items,
    origins,
    at,
    // pm2-runtime exits 2 once no app is online (Runtime4Docker.js autoExitWorker), also when all ended well.
    exit: { stopOn: {}, codeFrom: null, idleCode: 2, source: "pm2-runtime's rule" },
  };
}
