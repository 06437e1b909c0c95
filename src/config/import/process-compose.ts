import { ConfigError, type ConfigIssue } from '../../errors.js';
import type { CommandInput, DependencyInput, HealthInput, ProcessInput, ReadyInput } from '../input.js';
import type { DependencyCondition, RestartSpec } from '../spec.js';
import type { Path } from '../yaml-source.js';
import {
  PC_PROBE_DEFAULTS,
  type PcProbe,
  type PcProcess,
  pcProjectSchema,
  probeOf,
} from './process-compose-schema.js';
import { envEntries, isRecord, parseSource, readYamlSource, Untranslated } from './source.js';
import type { ImportContext, Imported } from './types.js';

const HANDLED = [
  'command',
  'entrypoint',
  'working_dir',
  'environment',
  'depends_on',
  'availability',
  'readiness_probe',
  'liveness_probe',
  'ready_log_line',
  'shutdown',
  'replicas',
  'disabled',
  'namespace',
];
const REASONS: Record<string, string> = {
  log_location: 'ovrseer keeps the logs itself (ovrseer logs; files under .ovrseer/logs)',
  log_configuration: 'ovrseer keeps the logs itself (log: in ovrseer.yml)',
  is_daemon: 'ovrseer follows the process it starts: run the daemon in the foreground',
  description: 'no ovrseer equivalent (write it as a comment)',
  vars: 'template variables are not supported: write the values in',
  is_tty: 'processes get pipes, not a terminal (ovrseer attach)',
  is_foreground: 'use ovrseer attach NAME',
  disable_ansi_colors: 'ovrseer strips colours where they do not belong (files, search)',
};
const TOP_HANDLED = ['version', 'environment', 'processes'];
const TOP_REASONS: Record<string, string> = {
  log_location: REASONS.log_location ?? '',
  log_level: 'ovrseer has its own log (.ovrseer/ovrseer.log)',
  shell: 'commands run in /bin/sh (set shell: per process in ovrseer.yml)',
  vars: REASONS.vars ?? '',
  is_strict: 'ovrseer always refuses unknown keys',
};

const CONDITIONS: Record<string, DependencyCondition> = {
  process_started: 'started',
  // process-compose's "healthy" is its readiness probe passing.
  process_healthy: 'ready',
  process_completed: 'completed',
  process_completed_successfully: 'completed_successfully',
  process_log_ready: 'ready',
};

function keepVerbatim(path: Path): boolean {
  if (path[0] === 'environment') return true;
  if (path[0] !== 'processes') return false;
  const [, , field, sub, subsub] = path;
  if (field === 'environment' || field === 'command') return true;
  if (field === 'shutdown') return sub === 'command';
  return (
    (field === 'readiness_probe' || field === 'liveness_probe') && sub === 'exec' && subsub === 'command'
  );
}

function ready(p: PcProcess, path: Path, notes: Untranslated): ReadyInput[] {
  const out: ReadyInput[] = [];
  if (p.ready_log_line !== undefined) {
    const pattern = p.ready_log_line.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    out.push({ probe: { kind: 'log', pattern, flags: '', notFoundMeansHealthy: false } });
  }
  const probe = p.readiness_probe;
  const kind = probe && probeOf(probe);
  if (probe && kind) {
    const failures = probe.failure_threshold || PC_PROBE_DEFAULTS.failures;
    const period = probe.period_seconds || PC_PROBE_DEFAULTS.period;
    // process-compose gives up after failure_threshold failed checks; so does this timeout, roughly.
    out.push({
      probe: kind,
      interval: period,
      initialDelay: probe.initial_delay_seconds ?? 0,
      timeout:
        (probe.initial_delay_seconds ?? 0) +
        period * failures +
        (probe.timeout_seconds || PC_PROBE_DEFAULTS.timeout),
    });
    probeNotes(probe, [...path, 'readiness_probe'], notes);
  }
  return out;
}

function probeNotes(probe: PcProbe, path: Path, notes: Untranslated): void {
  if ((probe.success_threshold ?? 1) > 1)
    notes.add([...path, 'success_threshold'], 'one success is enough in ovrseer');
  if (probe.exec?.working_dir !== undefined)
    notes.add([...path, 'exec', 'working_dir'], "probes run in the process's cwd");
  if (!probe.exec && !probe.http_get) notes.add(path, 'only exec and http_get probes are translated');
}

function health(p: PcProcess, path: Path, notes: Untranslated): HealthInput | undefined {
  const probe = p.liveness_probe;
  const kind = probe && probeOf(probe);
  if (!probe || !kind) return undefined;
  probeNotes(probe, [...path, 'liveness_probe'], notes);
  return {
    probe: kind,
    interval: probe.period_seconds || PC_PROBE_DEFAULTS.period,
    timeout: probe.timeout_seconds || PC_PROBE_DEFAULTS.timeout,
    retries: probe.failure_threshold || PC_PROBE_DEFAULTS.failures,
    initialDelay: probe.initial_delay_seconds ?? 0,
    onFailure: 'restart',
  };
}

function restart(p: PcProcess, path: Path, notes: Untranslated): Partial<RestartSpec> | undefined {
  const a = p.availability;
  if (a === undefined) return undefined;
  if (a.exit_on_end) notes.add([...path, 'availability', 'exit_on_end'], 'use ovrseer up --abort-on-exit');
  if (a.restart === 'exit_on_failure')
    notes.add(
      [...path, 'availability', 'restart'],
      'exit_on_failure: use ovrseer up --abort-on-exit (restart: no here)',
    );
  const policy =
    a.restart === 'always'
      ? 'always'
      : a.restart === 'on_failure' || a.restart === 'on-failure'
        ? 'on-failure'
        : 'no';
  return {
    policy,
    // process-compose waits the same time before every restart; 0 restarts means no limit.
    ...(a.backoff_seconds === undefined ? {} : { delay: a.backoff_seconds, backoff: 1 }),
    ...(a.max_restarts === undefined ? {} : { maxRetries: a.max_restarts === 0 ? null : a.max_restarts }),
  };
}

function command(p: PcProcess): CommandInput | null {
  if (p.entrypoint !== undefined && p.entrypoint.length > 0) {
    // entrypoint is the program and its arguments; command, if any, is one more argument.
    return { kind: 'argv', argv: [...p.entrypoint, ...(p.command === undefined ? [] : [p.command])] };
  }
  return p.command === undefined || p.command.trim() === '' ? null : { kind: 'shell', script: p.command };
}

/** A process-compose.yaml: processes, their conditions, probes, restart and shutdown settings. */
export function importProcessCompose(text: string, context: ImportContext): Imported {
  const { at, data } = readYamlSource(text, context, { interpolate: true, keep: keepVerbatim });
  const project = parseSource(pcProjectSchema, data, at);
  const notes = new Untranslated();
  notes.rest(data, [], TOP_HANDLED, TOP_REASONS, 'not supported by ovrseer');
  const rawProcesses = isRecord(data) && isRecord(data.processes) ? data.processes : {};
  const issues: ConfigIssue[] = [];
  const processes: ProcessInput[] = [];
  const origins: Record<string, string> = {};
  for (const [name, p] of Object.entries(project.processes)) {
    const path = ['processes', name];
    notes.rest(rawProcesses[name], path, HANDLED, REASONS, 'not supported by ovrseer');
    const cmd = command(p);
    if (cmd === null) {
      issues.push(at(path, `process '${name}' has no command`, { key: true }));
      continue;
    }
    if (p.shutdown?.parent_only)
      notes.add([...path, 'shutdown', 'parent_only'], 'ovrseer always stops the whole process group');
    const dependsOn: DependencyInput[] = Object.entries(p.depends_on ?? {}).map(([dep, entry]) => ({
      name: dep,
      condition: CONDITIONS[entry.condition ?? 'process_started'] ?? 'started',
      path: [...path, 'depends_on', dep],
      key: true,
    }));
    const replicas = p.replicas;
    processes.push({
      name,
      namePath: path,
      nameIsKey: true,
      command: cmd,
      ...(p.working_dir === undefined ? {} : { cwd: p.working_dir }),
      env: envEntries(p.environment),
      dependsOn,
      ready: ready(p, path, notes),
      health: health(p, path, notes),
      restart: restart(p, path, notes),
      stop: {
        ...(p.shutdown?.signal === undefined ? {} : { signal: p.shutdown.signal }),
        ...(p.shutdown?.timeout_seconds === undefined ? {} : { timeout: p.shutdown.timeout_seconds }),
        ...(p.shutdown?.command === undefined
          ? {}
          : { command: { kind: 'shell', script: p.shutdown.command } }),
      },
      ...(p.namespace === undefined || p.namespace === 'default' ? {} : { group: p.namespace }),
      ...(replicas === undefined ? {} : replicas === 0 ? { disabled: true } : { replicas }),
      ...(p.disabled ? { disabled: true } : {}),
    });
    origins[name] = `process-compose process '${name}'`;
  }
  if (issues.length > 0) throw new ConfigError(issues);
  const env = envEntries(project.environment);
  return {
    format: 'process-compose',
    ...(Object.keys(env).length > 0 ? { env } : {}),
    processes,
    processesPath: ['processes'],
    environments: {},
    notTranslated: notes.items,
    origins,
    at,
  };
}
