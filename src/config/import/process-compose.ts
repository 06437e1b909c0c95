import { parse as parseYamlPlain } from 'yaml';
import { ConfigError, type ConfigIssue } from '../../errors.js';
import type { ProcessInput } from '../input.js';
import type { ExitTrigger } from '../spec.js';
import type { Path } from '../yaml-source.js';
import { checksOf, type PcShell } from './process-compose-probes.js';
import { type PcContext, processNotes, replica } from './process-compose-process.js';
import { type PcProject, processComposeSchemas } from './process-compose-schema.js';
import { extendProcesses, runEnvCmds } from './process-compose-vars.js';
import { envEntries, isRecord, parseSource, readYamlSource, Untranslated } from './source.js';
import type { ImportContext, Imported } from './types.js';

const HANDLED = [
  'command',
  'entrypoint',
  'working_dir',
  'environment',
  'env_file',
  'vars',
  'extends',
  'depends_on',
  'availability',
  'readiness_probe',
  'liveness_probe',
  'ready_log_line',
  'shutdown',
  'replicas',
  'disabled',
  'is_foreground',
  'is_daemon',
  'is_template_disabled',
  'namespace',
  'success_exit_codes',
];
const REASONS: Record<string, string> = {
  log_location: 'ovrseer keeps the logs itself (ovrseer logs; files under .ovrseer/logs)',
  log_configuration: 'ovrseer keeps the logs itself (log: in ovrseer.yml)',
  description: 'no ovrseer equivalent (write it as a comment)',
  is_tty: 'processes get pipes, not a terminal (ovrseer attach)',
  is_interactive: 'processes get pipes, not a terminal (ovrseer attach)',
  is_elevated: 'ovrseer does not run sudo for a process (user: in ovrseer.yml when run as root)',
  is_dotenv_disabled: 'every process gets the .env variables in ovrseer',
  disable_ansi_colors: 'ovrseer strips colours where they do not belong (files, search)',
  launch_timeout_seconds: 'only for is_daemon, which ovrseer refuses',
};
const TOP_HANDLED = [
  'version',
  'environment',
  'env_file',
  'vars',
  'env_cmds',
  'shell',
  'is_strict',
  'disable_env_expansion',
  'processes',
];
const TOP_REASONS: Record<string, string> = {
  log_location: REASONS.log_location ?? '',
  log_configuration: REASONS.log_configuration ?? '',
  log_level: 'ovrseer has its own log (.ovrseer/ovrseer.log)',
  log_length: 'ovrseer keeps settings.log_buffer_lines lines per process',
  log_format: 'ovrseer has its own log format',
  ordered_shutdown:
    'ovrseer always stops dependents before their dependencies (ordered_shutdown: true); without it process-compose stops all at once',
  is_tui_disabled: 'ovrseer up shows the TUI on a terminal unless --no-tui',
  extends: 'ovrseer reads one file: merge the extended file into this one',
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

/** `disable_env_expansion: true` turns off `${VAR}` in the file, so it is read before interpolating. */
function expansionDisabled(text: string): boolean {
  try {
    const doc: unknown = parseYamlPlain(text);
    return isRecord(doc) && doc.disable_env_expansion === true;
  } catch {
    return false; // readYamlSource reports the syntax error with its position.
  }
}

/** A process-compose.yaml, with the behaviour process-compose gives it (docs/compat/process-compose.md). */
export function importProcessCompose(text: string, context: ImportContext): Imported {
  const { at, data } = readYamlSource(text, context, {
    interpolate: !expansionDisabled(text),
    keep: keepVerbatim,
  });
  const rawProcesses = isRecord(data) && isRecord(data.processes) ? data.processes : {};
  const extended = extendProcesses(rawProcesses);
  if ('error' in extended)
    throw new ConfigError([at(['processes', extended.name, 'extends'], extended.error)]);
  const merged = isRecord(data) ? { ...data, processes: extended.processes } : data;
  const project = parseSource(processComposeSchemas().pcProjectSchema, merged, at);
  const notes = new Untranslated();
  const issues: ConfigIssue[] = [];
  const strict = project.is_strict === true;
  const unknown = new Untranslated();
  notes.rest(data, [], TOP_HANDLED, TOP_REASONS, '');
  unknown.rest(data, [], [...TOP_HANDLED, ...Object.keys(TOP_REASONS)], {}, 'not a process-compose key');
  const shell: PcShell = project.shell
    ? { command: project.shell.shell_command, argument: project.shell.shell_argument ?? '-c' }
    : { command: context.shell.COMPOSE_SHELL || 'bash', argument: '-c' };
  const c: PcContext = { project, shell, dir: context.dir, notes, issues, at, checks: {} };
  for (const [name, p] of Object.entries(project.processes)) {
    c.checks[name] = checksOf(p, ['processes', name], shell, context.dir, notes);
  }
  const processes: ProcessInput[] = [];
  const origins: Record<string, string> = {};
  const stopOn: Record<string, ExitTrigger[]> = {};
  for (const [name, p] of Object.entries(project.processes)) {
    const path = ['processes', name];
    const known = [...HANDLED, ...Object.keys(REASONS)];
    notes.rest(extended.processes[name], path, HANDLED, REASONS, '');
    unknown.rest(extended.processes[name], path, known, {}, 'not a process-compose key');
    processNotes(name, p, path, c);
    const count = p.replicas ?? 1;
    const width = 1 + Math.floor(Math.log10(Math.max(count, 1)));
    const triggers: ExitTrigger[] = [
      ...(p.availability?.exit_on_end ? (['end'] as const) : []),
      ...(p.availability?.restart === 'exit_on_failure' ? (['failure'] as const) : []),
      ...(p.availability?.exit_on_skipped ? (['skipped'] as const) : []),
    ];
    for (let num = 0; num < count; num++) {
      const replicaName = count > 1 ? `${name}-${String(num).padStart(width, '0')}` : name;
      const input = replica(name, replicaName, num, p, path, c);
      if (input === null) continue;
      processes.push(input);
      origins[replicaName] = `process-compose process '${name}'${count > 1 ? ` (replica ${num})` : ''}`;
      if (triggers.length > 0) stopOn[replicaName] = triggers;
    }
  }
  if (strict)
    for (const item of unknown.items)
      issues.push(at(item.key.split('.'), `${item.key}: unknown key (is_strict: true)`));
  else for (const item of unknown.items) notes.addKey(item.key, item.reason);
  if (issues.length > 0) throw new ConfigError(issues);
  const env = { ...envEntries(project.environment), ...envCmdVars(project, context, notes) };
  return {
    format: 'process-compose',
    ...(Object.keys(env).length > 0 ? { env } : {}),
    processes,
    processesPath: ['processes'],
    environments: {},
    notTranslated: notes.items.filter((item) => item.reason !== ''),
    origins,
    at,
    ...(Object.keys(stopOn).length > 0 ? { exit: { stopOn, codeFrom: null } } : {}),
  };
}

/** `env_cmds` are run when `up` loads the file; `init` does not freeze their output into ovrseer.yml. */
function envCmdVars(project: PcProject, context: ImportContext, notes: Untranslated): Record<string, string> {
  const cmds = project.env_cmds ?? {};
  if (Object.keys(cmds).length === 0) return {};
  if (context.mode === 'init') {
    for (const name of Object.keys(cmds))
      notes.add(
        ['env_cmds', name],
        'ovrseer.yml has no variable computed by a command: run ovrseer up -f with the process-compose file, or set it in env:',
      );
    return {};
  }
  const { vars, failed } = runEnvCmds(cmds, context.shell, context.dir);
  for (const [name, why] of Object.entries(failed))
    notes.add(['env_cmds', name], `the command failed (${why}): ${name} is not set, as in process-compose`);
  return vars;
}
