import type { ProcessSpec, ProjectSpec } from '../config/spec.js';
import { stopBatches, stopLevels } from '../core/graph.js';
import { appName, dependenciesOf, exportHeader, seconds } from './common.js';
import { configuredEnv } from './env.js';
import { noteEngineOnly, noteProject, noteRestart, noteSelectors } from './losses.js';
import { Notes } from './notes.js';
import { commandLine, environmentLine, percent, stopSignal } from './supervisord-program.js';
import type { ExportOptions, ExportResult } from './types.js';

const TARGET = 'supervisord';
const DEFAULT_LOG_DIR = '/var/log/supervisor';
/** supervisord has no "forever": a count no restart storm reaches. */
const UNLIMITED = 1_000_000;

/**
 * Start order as priorities: supervisord starts the lowest first and stops the highest first. ovrseer's
 * stop batches (dependents before dependencies, then `priority` ascending) are numbered so that the first
 * to stop gets the highest number.
 */
function priorities(spec: ProjectSpec): Map<string, number> {
  const levels = stopLevels(dependenciesOf(spec));
  const running = spec.processes.filter((process) => process.type !== 'cleanup');
  const batches = stopBatches(
    running,
    (p) => p.name,
    (p) => p.priority,
    levels,
  );
  const result = new Map<string, number>();
  batches.forEach((batch, i) => {
    for (const process of batch) result.set(process.name, (batches.length - i) * 10);
  });
  for (const process of spec.processes) {
    if (process.type === 'cleanup') result.set(process.name, (batches.length + 1) * 10);
  }
  return result;
}

const AUTORESTART: Record<ProcessSpec['restart']['policy'], string> = {
  no: 'false',
  always: 'true',
  'unless-stopped': 'true',
  'on-failure': 'unexpected',
};

/**
 * `startretries` counts failed starts in a row (exits before `startsecs`): ovrseer's crash-loop breaker
 * (`max_crashes` short runs in a row, the first start included).
 */
function startRetries(process: ProcessSpec, notes: Notes): number {
  const { crashLoop, maxRetries } = process.restart;
  if (crashLoop !== null) {
    if (maxRetries !== null && process.restart.policy !== 'no') {
      notes.process(
        process.name,
        'restart.max_retries',
        'supervisord limits failed starts only (from crash_loop)',
      );
    }
    return Math.max(0, crashLoop.maxCrashes - 1);
  }
  return maxRetries ?? UNLIMITED;
}

function noteLosses(process: ProcessSpec, notes: Notes, deps: ProcessSpec['dependsOn']): void {
  const { name } = process;
  for (const dependency of deps) {
    if (dependency.condition === 'started') continue;
    notes.process(
      name,
      `depends_on.${dependency.name}`,
      `supervisord starts ${dependency.name} first (priority) but does not wait until it is ${dependency.condition.replace('_', ' ')}`,
    );
  }
  for (const i of process.ready.keys())
    notes.process(name, `ready[${i}]`, 'supervisord has no readiness checks');
  if (process.health !== null) notes.process(name, 'health', 'supervisord has no health checks');
  if (process.stop.command !== null) notes.process(name, 'stop.command', 'supervisord only sends stopsignal');
  if (process.limits.memory !== null) notes.process(name, 'limits.memory', 'supervisord has no memory limit');
  if (process.limits.cpu !== null) notes.process(name, 'limits.cpu', 'supervisord has no CPU limit');
  if (process.type === 'cleanup') {
    notes.process(
      name,
      'type',
      'supervisord has no shutdown hook: the program does not start by itself; start it after stopping the rest',
    );
  }
  noteEngineOnly(notes, process, TARGET);
  noteSelectors(notes, { ...process, priority: 0 }, TARGET);
  noteRestart(notes, process, {
    delay: 'supervisord restarts at once',
    backoff: 'supervisord restarts at once',
    max_delay: 'supervisord restarts at once',
    crash_loop: 'supervisord counts failed starts in a row, in any length of time',
    reset_after: 'supervisord only counts starts that fail within startsecs (min_uptime)',
  });
}

type Line = [key: string, value: string | number];

function program(
  process: ProcessSpec,
  ctx: { app: string; options: ExportOptions; notes: Notes; priority: number },
): string {
  const { notes, options } = ctx;
  const replicas = process.replicas > 1;
  const task = process.type === 'task' || process.type === 'cleanup';
  const environment = environmentLine(process, configuredEnv(process), notes);
  const user = process.user !== null ? String(process.user.uid) : options.user;
  const logName = `${ctx.app}-${process.name}${replicas ? '-%(process_num)d' : ''}.log`;
  const copies: Line[] = [
    ['numprocs', process.replicas],
    ['numprocs_start', 1],
    ['process_name', '%(program_name)s-%(process_num)d'],
  ];
  const log: Line[] = process.log.file
    ? [
        ['stdout_logfile', `${percent(options.logDir ?? DEFAULT_LOG_DIR)}/${logName}`],
        ['stdout_logfile_maxbytes', process.log.maxSize],
        ['stdout_logfile_backups', process.log.keep],
      ]
    : [['stdout_logfile', 'AUTO']];
  const lines: Line[] = [
    ['command', commandLine(process, options.path, notes)],
    ['directory', percent(process.cwd)],
    ...(environment === '' ? [] : ([['environment', environment]] as Line[])),
    ...(replicas ? copies : []),
    ['autostart', process.disabled || process.type === 'cleanup' ? 'false' : 'true'],
    ['autorestart', process.type === 'cleanup' ? 'false' : AUTORESTART[process.restart.policy]],
    ['exitcodes', process.restart.exitCodes.join(',')],
    // A task may finish at once; a long-running process must stay up min_uptime to count as started.
    ['startsecs', task ? 0 : seconds(process.restart.minUptime)],
    ['startretries', startRetries(process, notes)],
    ['stopsignal', stopSignal(process, notes)],
    ['stopwaitsecs', seconds(process.stop.timeout)],
    // ovrseer stops the whole process group, and so does supervisord with these.
    ['stopasgroup', 'true'],
    ['killasgroup', 'true'],
    ['priority', ctx.priority],
    ...(user === undefined ? [] : ([['user', percent(user)]] as Line[])),
    // One log per process, both streams, as ovrseer keeps it.
    ['redirect_stderr', 'true'],
    ...log,
  ];
  return [`[program:${process.name}]`, ...lines.map(([key, value]) => `${key}=${value}`)].join('\n');
}

/** One `<app>.conf` for `/etc/supervisor/conf.d/`: a `[program:x]` per process in a `[group:<app>]`. */
export function exportSupervisord(spec: ProjectSpec, options: ExportOptions): ExportResult {
  const app = appName(spec, options.app);
  const notes = new Notes();
  noteProject(notes, spec, TARGET);
  const order = priorities(spec);
  const deps = dependenciesOf(spec);
  const sections = spec.processes.map((process) => {
    noteLosses(process, notes, deps.get(process.name) ?? []);
    return program(process, { app, options, notes, priority: order.get(process.name) ?? 999 });
  });
  const group = `[group:${app}]\nprograms=${spec.processes.map((p) => p.name).join(',')}`;
  const header = `; ${exportHeader(spec)}\n; supervisorctl names the programs ${app}:<name> (${app}:<name>-N for replicas).`;
  const conf = `${header}\n\n${[...sections, group].join('\n\n')}\n`;
  return {
    format: 'supervisord',
    // Not world-readable: the environment lines may hold secrets.
    files: [{ name: `${app}.conf`, content: conf, mode: 0o600 }],
    notTranslated: notes.ordered(spec.processes),
    next: [
      `sudo cp ${options.outDir}/${app}.conf /etc/supervisor/conf.d/`,
      `sudo supervisorctl reread && sudo supervisorctl update && sudo supervisorctl start ${app}:*`,
    ],
  };
}
