import { join } from 'node:path';
import type { DependencySpec, ProcessSpec } from '../config/spec.js';
import { shQuote } from '../shell-quote.js';
import {
  argvOf,
  foremanVars,
  type Instance,
  probeArgv,
  probeLoss,
  resolvedArgv,
  timeSpan,
  withInstanceProbes,
} from './common.js';
import type { Vars } from './env.js';
import type { Notes } from './notes.js';
import type { ExportOptions } from './types.js';
import { type Entries, environmentWord, execLine, renderUnit, specifiers } from './unit-file.js';

export interface UnitContext {
  app: string;
  options: ExportOptions;
  notes: Notes;
  /** Unit names of each process, one per instance. */
  units: Map<string, string[]>;
  deps: Map<string, DependencySpec[]>;
  /** Env files (names in the output directory) each process reads. */
  envFiles: Map<string, string[]>;
  inline: Map<string, Vars>;
  header: string[];
  /** A cleanup's stop runs as long as ovrseer lets cleanups run. */
  shutdownTimeout: number;
}

const RESTART: Record<ProcessSpec['restart']['policy'], string> = {
  no: 'no',
  always: 'always',
  'on-failure': 'on-failure',
  // systemd never restarts a unit that was stopped on purpose: `always` is ovrseer's unless-stopped.
  'unless-stopped': 'always',
};

export function unitName(app: string, instance: Instance): string {
  const suffix = instance.index === null ? '' : `-${instance.index}`;
  return `${app}-${instance.process.name}${suffix}.service`;
}

/** `Requires=` fails the dependent when its dependency fails; `completed` accepts any exit (`Wants=`). */
function dependencyEntries(ctx: UnitContext, process: ProcessSpec): Entries {
  const after: string[] = [];
  const requires: string[] = [];
  const wants: string[] = [];
  for (const dependency of ctx.deps.get(process.name) ?? []) {
    const units = ctx.units.get(dependency.name) ?? [];
    after.push(...units);
    (dependency.condition === 'completed' ? wants : requires).push(...units);
    if (dependency.condition === 'healthy') {
      ctx.notes.process(
        process.name,
        `depends_on.${dependency.name}`,
        'systemd has no health checks: the unit waits for its dependency to be ready',
      );
    }
  }
  const entries: Entries = [];
  if (after.length > 0) entries.push(['After', after.join(' ')]);
  if (requires.length > 0) entries.push(['Requires', requires.join(' ')]);
  if (wants.length > 0) entries.push(['Wants', wants.join(' ')]);
  return entries;
}

/** The crash-loop breaker is systemd's start limit; without one, `max_retries` counts starts forever. */
function startLimit(ctx: UnitContext, process: ProcessSpec): Entries {
  const { crashLoop, maxRetries } = process.restart;
  if (process.type === 'cleanup') return [];
  if (crashLoop !== null) {
    if (maxRetries !== null) {
      ctx.notes.process(
        process.name,
        'restart.max_retries',
        'systemd has one start limit; it is taken from restart.crash_loop',
      );
    }
    return [
      ['StartLimitIntervalSec', timeSpan(crashLoop.window)],
      ['StartLimitBurst', String(crashLoop.maxCrashes)],
    ];
  }
  if (maxRetries !== null) {
    return [
      ['StartLimitIntervalSec', 'infinity'],
      ['StartLimitBurst', String(maxRetries + 1)],
    ];
  }
  return [['StartLimitIntervalSec', '0']];
}

/** A command line whose program is resolved to an absolute path where this machine knows it. */
function commandLine(ctx: UnitContext, process: ProcessSpec, argv: readonly string[], key: string): string {
  const missing = (program: string): void =>
    ctx.notes.process(
      process.name,
      key,
      `${program} is not on this PATH; systemd looks in its own (/usr/bin, /bin…)`,
    );
  return execLine(resolvedArgv(argv, ctx.options.path, missing));
}

/**
 * Readiness as `ExecStartPost=`: a loop that polls the probe. A unit is "started" only when it ends, so
 * dependents ordered `After=` it wait for the process to be ready, as under ovrseer. Each replica's
 * unit polls its own `$PORT`.
 */
function readyEntries(ctx: UnitContext, instance: Instance): Entries {
  const process = withInstanceProbes(instance);
  const entries: Entries = [];
  let timeout = 0;
  process.ready.forEach((ready, i) => {
    const argv = probeArgv(ready.probe, Math.max(ready.interval, 1000));
    const loss = probeLoss(ready.probe);
    if (loss !== null) ctx.notes.process(process.name, `ready[${i}]`, loss);
    if (argv === null) return;
    const wait = ready.initialDelay > 0 ? `sleep ${ready.initialDelay / 1000}; ` : '';
    const check = argv.map(shQuote).join(' ');
    const loop = `${wait}until ${check} >/dev/null 2>&1; do sleep ${ready.interval / 1000}; done`;
    entries.push(['ExecStartPost', execLine(['/bin/sh', '-c', loop])]);
    timeout = Math.max(timeout, ready.timeout);
  });
  if (timeout > 0) entries.push(['TimeoutStartSec', timeSpan(timeout)]);
  else if (process.type === 'task') {
    // A oneshot unit is "starting" for as long as the task runs; ovrseer gives a task all the time it needs.
    entries.push(['TimeoutStartSec', 'infinity']);
  }
  return entries;
}

function userEntries(ctx: UnitContext, process: ProcessSpec): Entries {
  if (process.user !== null) {
    return [
      ['User', String(process.user.uid)],
      ['Group', String(process.user.gid)],
    ];
  }
  return ctx.options.user === undefined ? [] : [['User', specifiers(ctx.options.user)]];
}

function environmentEntries(ctx: UnitContext, instance: Instance): Entries {
  const name = instance.process.name;
  const entries: Entries = (ctx.envFiles.get(name) ?? []).map((file) => [
    'EnvironmentFile',
    specifiers(join(ctx.options.outDir, file)),
  ]);
  const vars = { ...ctx.inline.get(name), ...foremanVars(instance) };
  const words = Object.entries(vars).map(([key, value]) => environmentWord(key, value));
  if (words.length > 0) entries.push(['Environment', words.join(' ')]);
  return entries;
}

function restartEntries(ctx: UnitContext, process: ProcessSpec): Entries {
  let policy = RESTART[process.restart.policy];
  if (process.type === 'task' && policy === 'always') {
    ctx.notes.process(
      process.name,
      'restart.policy',
      'a task (a oneshot unit) can be restarted on failure only',
    );
    policy = 'on-failure';
  }
  const entries: Entries = [['Restart', policy]];
  if (policy !== 'no') entries.push(['RestartSec', timeSpan(process.restart.delay)]);
  const success = process.restart.exitCodes.filter((code) => code !== 0);
  if (success.length > 0) entries.push(['SuccessExitStatus', success.join(' ')]);
  return entries;
}

/** `ExecStop=` runs first, then the signal, then SIGKILL at the timeout: ovrseer's stop sequence. */
function stopEntries(ctx: UnitContext, instance: Instance): Entries {
  const { process } = instance;
  const entries: Entries = [];
  if (process.stop.command !== null) {
    const argv = argvOf(process.stop.command, foremanVars(instance));
    entries.push(['ExecStop', commandLine(ctx, process, argv, 'stop.command')]);
  }
  entries.push(
    ['KillMode', 'mixed'],
    ['KillSignal', process.stop.signal],
    ['TimeoutStopSec', timeSpan(process.stop.timeout)],
  );
  return entries;
}

function limitEntries(process: ProcessSpec): Entries {
  const entries: Entries = [];
  if (process.limits.memory !== null) entries.push(['MemoryMax', String(process.limits.memory)]);
  if (process.limits.cpu !== null) entries.push(['CPUQuota', `${process.limits.cpu}%`]);
  return entries;
}

/** `<app>-<name>[-N].service` for a dependency, service or task. */
export function serviceUnit(ctx: UnitContext, instance: Instance): string {
  const { process } = instance;
  const task = process.type === 'task';
  const start = commandLine(ctx, process, argvOf(process.command, foremanVars(instance)), 'command');
  return renderUnit(ctx.header, {
    Unit: [
      ['Description', specifiers(`${ctx.app} ${instance.label}`)],
      ['PartOf', `${ctx.app}.target`],
      ...dependencyEntries(ctx, process),
      ...startLimit(ctx, process),
    ],
    Service: [
      ['Type', task ? 'oneshot' : 'exec'],
      ...(task ? ([['RemainAfterExit', 'yes']] as Entries) : []),
      ['WorkingDirectory', specifiers(process.cwd)],
      ...userEntries(ctx, process),
      ...environmentEntries(ctx, instance),
      ['ExecStart', start],
      ...readyEntries(ctx, instance),
      ...restartEntries(ctx, process),
      ...stopEntries(ctx, instance),
      ...limitEntries(process),
    ],
    Install: [['WantedBy', `${ctx.app}.target`]],
  });
}

/**
 * A cleanup process: a oneshot unit that does nothing on start and runs the command on stop. Ordered
 * after every other unit of the app, it is stopped last — after them, as ovrseer runs cleanups.
 */
export function cleanupUnit(ctx: UnitContext, instance: Instance, others: readonly string[]): string {
  const { process } = instance;
  const argv = argvOf(process.command, foremanVars(instance));
  return renderUnit(ctx.header, {
    Unit: [
      ['Description', specifiers(`${ctx.app} ${instance.label} (cleanup, runs on stop)`)],
      ['PartOf', `${ctx.app}.target`],
      ...(others.length > 0 ? ([['After', others.join(' ')]] as Entries) : []),
    ],
    Service: [
      ['Type', 'oneshot'],
      ['RemainAfterExit', 'yes'],
      ['WorkingDirectory', specifiers(process.cwd)],
      ...userEntries(ctx, process),
      ...environmentEntries(ctx, instance),
      ['ExecStart', '/bin/true'],
      ['ExecStop', commandLine(ctx, process, argv, 'command')],
      ['TimeoutStopSec', timeSpan(ctx.shutdownTimeout)],
      ...limitEntries(process),
    ],
    Install: [['WantedBy', `${ctx.app}.target`]],
  });
}
