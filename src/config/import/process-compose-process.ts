import type { ConfigIssue } from '../../errors.js';
import type { DependencyInput, EnvFileInput, ProcessInput } from '../input.js';
import type { DependencyCondition, RestartSpec } from '../spec.js';
import type { Path } from '../yaml-source.js';
import {
  checksOf,
  NO_LIMIT,
  type PcChecks,
  type PcShell,
  shellCommand,
  shellOf,
} from './process-compose-probes.js';
import type { PcProcess, PcProject } from './process-compose-schema.js';
import { type PcVars, renderTemplate } from './process-compose-vars.js';
import { envEntries, Untranslated } from './source.js';
import type { Imported } from './types.js';

export interface PcContext {
  project: PcProject;
  shell: PcShell;
  dir: string;
  notes: Untranslated;
  issues: ConfigIssue[];
  at: Imported['at'];
  checks: Record<string, PcChecks>;
}

/** `{{.VAR}}` in the fields process-compose renders (src/templater/templater.go, RenderProcess). */
function rendered(p: PcProcess, vars: PcVars, path: Path, c: PcContext): PcProcess | null {
  if (p.is_template_disabled) return p;
  let failed = false;
  const r = (value: string | undefined, at: Path): string | undefined => {
    if (value === undefined || failed) return value;
    const out = renderTemplate(value, vars);
    if ('text' in out) return out.text;
    failed = true;
    c.issues.push(c.at([...path, ...at], out.error));
    return value;
  };
  const probe = (name: 'readiness_probe' | 'liveness_probe') => {
    const pr = p[name];
    if (pr === undefined) return undefined;
    const http = pr.http_get;
    return {
      ...pr,
      ...(pr.exec
        ? { exec: { ...pr.exec, command: r(pr.exec.command, [name, 'exec', 'command']) ?? '' } }
        : {}),
      ...(http
        ? {
            http_get: {
              ...http,
              host: r(http.host, [name, 'http_get', 'host']),
              scheme: r(http.scheme, [name, 'http_get', 'scheme']),
              path: r(http.path, [name, 'http_get', 'path']),
              port: typeof http.port === 'string' ? r(http.port, [name, 'http_get', 'port']) : http.port,
            },
          }
        : {}),
    };
  };
  const out: PcProcess = {
    ...p,
    command: r(p.command, ['command']),
    working_dir: r(p.working_dir, ['working_dir']),
    readiness_probe: probe('readiness_probe'),
    liveness_probe: probe('liveness_probe'),
  };
  return failed ? null : out;
}

function restart(p: PcProcess): Partial<RestartSpec> {
  const a = p.availability ?? {};
  // Every restart waits the same backoff, at least 1 s; max_restarts 0 is no limit; nothing resets the
  // count and no crash-loop breaker stops it (src/app/process.go, isRestartable / getBackoff).
  const delay = Math.max(1000, a.backoff_seconds ?? 1000);
  return {
    policy: a.restart === 'always' ? 'always' : a.restart === 'on_failure' ? 'on-failure' : 'no',
    delay,
    backoff: 1,
    maxDelay: delay,
    maxRetries: a.max_restarts ? a.max_restarts : null,
    resetAfter: NO_LIMIT,
    crashLoop: null,
    ...(p.success_exit_codes === undefined ? {} : { exitCodes: [0, ...p.success_exit_codes] }),
  };
}

function dependencies(p: PcProcess, path: Path, c: PcContext): DependencyInput[] {
  const out: DependencyInput[] = [];
  for (const [dep, entry] of Object.entries(p.depends_on ?? {})) {
    const at = [...path, 'depends_on', dep];
    const target = c.project.processes[dep];
    if (target !== undefined && (target.replicas ?? 1) > 1) {
      // process-compose looks the name up among replicas named dep-0…, finds none and starts at once.
      c.notes.add(
        at,
        `process-compose does not wait for a process with replicas (${dep}-0, …): neither does ovrseer`,
      );
      continue;
    }
    const condition = entry.condition ?? 'process_started';
    let mapped: DependencyCondition | null;
    if (condition === 'process_healthy') mapped = c.checks[dep]?.healthy ?? null;
    else if (condition === 'process_log_ready') mapped = c.checks[dep]?.logReady ? 'ready' : null;
    else if (condition === 'process_completed') mapped = 'completed';
    else if (condition === 'process_completed_successfully') mapped = 'completed_successfully';
    else mapped = 'started';
    if (mapped === null && target !== undefined) {
      const needs = condition === 'process_healthy' ? 'a readiness_probe' : 'a ready_log_line';
      c.issues.push(
        c.at(
          [...at, 'condition'],
          `${condition} on '${dep}', which has no ${needs}: it could never hold (process-compose waits for '${dep}' to end, then skips this process); give '${dep}' ${needs} or use process_started`,
        ),
      );
      continue;
    }
    out.push({ name: dep, condition: mapped ?? 'started', path: at, key: true });
  }
  return out;
}

function envFiles(list: readonly string[] | undefined, path: Path): EnvFileInput[] {
  return (list ?? []).map((name, i) => ({ name, path: [...path, i], dialect: 'godotenv' }));
}

/** One process (or one replica of it): `name-N` with `PC_REPLICA_NUM=N`, as process-compose names them. */
export function replica(
  name: string,
  replicaName: string,
  num: number,
  p0: PcProcess,
  path: Path,
  c: PcContext,
): ProcessInput | null {
  const vars: PcVars = { ...c.project.vars, ...p0.vars, PC_REPLICA_NUM: num };
  const p = rendered(p0, vars, path, c);
  if (p === null) return null;
  let command: ProcessInput['command'];
  if (p.command !== undefined && p.command.trim() !== '') command = shellCommand(p.command, c.shell);
  else if (p.entrypoint !== undefined && p.entrypoint.length > 0)
    command = { kind: 'argv', argv: p.entrypoint };
  else {
    c.issues.push(c.at(path, `process '${name}' has no command`, { key: true }));
    return null;
  }
  const checks = checksOf(p, path, c.shell, c.dir, new Untranslated());
  const stopCommand = p.shutdown?.command;
  return {
    name: replicaName,
    namePath: path,
    nameIsKey: true,
    command,
    ...(shellOf(c.shell) === undefined ? {} : { shell: shellOf(c.shell) }),
    ...(p.working_dir === undefined ? {} : { cwd: p.working_dir }),
    envFile: [...envFiles(c.project.env_file, ['env_file']), ...envFiles(p.env_file, [...path, 'env_file'])],
    env: { ...envEntries(p.environment), PC_PROC_NAME: name, PC_REPLICA_NUM: String(num) },
    dependsOn: dependencies(p, path, c),
    ready: checks.ready,
    health: checks.health,
    restart: restart(p),
    stop: {
      ...(p.shutdown?.signal === undefined ? {} : { signal: p.shutdown.signal }),
      // With a command: 10 s for it, then SIGKILL. With the signal and no timeout_seconds,
      // process-compose waits for the process as long as it takes (src/app/process.go, stopProcess).
      timeout: p.shutdown?.timeout_seconds || (stopCommand === undefined ? NO_LIMIT : 10_000),
      // process-compose runs the command instead of the signal (src/app/process.go, doConfiguredStop).
      ...(stopCommand === undefined
        ? {}
        : { command: shellCommand(stopCommand, c.shell), commandOnly: true }),
    },
    ...(groupOf(p) === null ? {} : { group: groupOf(p) }),
    ...(p.disabled || p.is_foreground ? { disabled: true } : {}),
  };
}

function groupOf(p: PcProcess): string | null {
  const ns = (p.namespace ?? []).filter((n) => n !== 'default');
  return ns[0] ?? null;
}

export function processNotes(name: string, p: PcProcess, path: Path, c: PcContext): void {
  if (p.shutdown?.parent_only)
    c.notes.add([...path, 'shutdown', 'parent_only'], 'ovrseer always signals the whole process group');
  if (p.is_foreground)
    c.notes.add(
      [...path, 'is_foreground'],
      `not started by up, as in process-compose; ovrseer start ${name} runs it without a terminal (ovrseer attach ${name})`,
    );
  if ((p.namespace ?? []).length > 1)
    c.notes.add([...path, 'namespace'], `a process has one group in ovrseer: ${groupOf(p) ?? 'default'}`);
  if (p.is_daemon)
    c.issues.push(
      c.at(
        [...path, 'is_daemon'],
        `'${name}' forks a daemon and exits; ovrseer follows the processes it starts and cannot follow one that leaves (process-compose waits for shutdown.command). Run it in the foreground (e.g. nginx -g 'daemon off;') and remove is_daemon`,
      ),
    );
}
