import { accessSync, constants } from 'node:fs';
import { basename, join } from 'node:path';
import type { CommandSpec, ProbeSpec, ProcessSpec, ProjectSpec } from '../config/spec.js';
import { commandArgv, withInstanceVariables } from '../core/command.js';
import { effectiveDependencies } from '../core/graph.js';
import { probeForInstance } from '../core/probes/instance-probe.js';
import { shQuote } from '../shell-quote.js';

/** The first line of every file: where it came from, and that it is generated. */
export function exportHeader(spec: ProjectSpec): string {
  const source = spec.file === null ? 'a project spec' : basename(spec.file);
  return `Exported by ovrseer from ${source}: change that file and export again rather than editing this one.`;
}

/** One running copy of a process: `index` is `null` for a process without replicas. */
export interface Instance {
  process: ProcessSpec;
  index: number | null;
  /** `web` or `web.2`, as ovrseer names it (and as `PS` says). */
  label: string;
}

export function instancesOf(process: ProcessSpec): Instance[] {
  if (process.replicas <= 1) return [{ process, index: null, label: process.name }];
  return Array.from({ length: process.replicas }, (_, i) => ({
    process,
    index: i + 1,
    label: `${process.name}.${i + 1}`,
  }));
}

/** The process as one instance: a container image runs every replica alike, under the process's name. */
export function wholeProcess(process: ProcessSpec): Instance {
  return { process, index: null, label: process.name };
}

/** Letters, digits, `_` and `-`: safe in unit, program, file and service names. */
export function safeName(text: string): string {
  const cleaned = text.replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '');
  return cleaned === '' ? 'app' : cleaned;
}

export function appName(spec: ProjectSpec, option: string | undefined): string {
  return safeName(option ?? spec.name);
}

/**
 * What ovrseer adds to every instance's environment (launch.ts): `PS`, `PORT` (+1 per replica)
 * when a port is configured, and `instance_vars`. Containers give each replica its own network, so they pass `samePort`.
 */
export function foremanVars(instance: Instance, samePort = false): Record<string, string> {
  const { process, index } = instance;
  const vars: Record<string, string> = { PS: instance.label };
  if (process.port !== null) vars.PORT = String(process.port + (samePort ? 0 : (index ?? 1) - 1));
  for (const [name, base] of Object.entries(process.instanceVars))
    vars[name] = String(base + (index ?? 1) - 1);
  return vars;
}

/**
 * The argv to run. An argv command has no shell to expand `$PORT` and `$PS`; ovrseer expands them when it
 * spawns, so the export does it now (a shell command expands them itself, from its environment).
 */
export function argvOf(command: CommandSpec, vars: Readonly<Record<string, string>>): string[] {
  return commandArgv(withInstanceVariables(command, vars));
}

/**
 * The process with its probes as this instance runs them under ovrseer (`probeForInstance`): its own
 * `$PORT` and `$PS`, so no replica is checked on another one's port.
 */
export function withInstanceProbes(instance: Instance, samePort = false): ProcessSpec {
  const { process } = instance;
  const env = { ...process.env, ...foremanVars(instance, samePort) };
  return {
    ...process,
    ready: process.ready.map((ready) => ({ ...ready, probe: probeForInstance(ready.probe, env) })),
    health:
      process.health === null
        ? null
        : { ...process.health, probe: probeForInstance(process.health.probe, env) },
  };
}

/** A probe still holding `$PORT` after `withInstanceProbes`: the process sets no PORT of its own. */
export function hasUnknownPort(probe: ProbeSpec): boolean {
  if (probe.kind === 'http') return !URL.canParse(probe.url);
  return probe.kind === 'tcp' && typeof probe.port === 'string';
}

/**
 * An init system does not search the user's `$PATH` (nvm, ~/.local/bin): a bare program name is
 * resolved now, where it is known to work. `null` when it is not found.
 */
export function resolveProgram(program: string, searchPath: string): string | null {
  if (program.includes('/')) return program;
  for (const dir of searchPath.split(':')) {
    if (dir === '') continue;
    const candidate = join(dir, program);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch (error) {
      // Not in this directory (or not executable): the search goes on, as a shell's would.
      if (!(error instanceof Error)) throw error;
    }
  }
  return null;
}

/** `argv` with its program resolved (see `resolveProgram`); `missing` hears of a program not found. */
export function resolvedArgv(
  argv: readonly string[],
  searchPath: string | undefined,
  missing: (program: string) => void,
): string[] {
  const [program = '', ...rest] = argv;
  const found = resolveProgram(program, searchPath ?? process.env.PATH ?? '');
  if (found === null) missing(program);
  return [found ?? program, ...rest];
}

/** Whole seconds, rounded up: targets that count in seconds must never allow less than ovrseer does. */
export function seconds(ms: number): number {
  return Math.ceil(ms / 1000);
}

/** `10s`, `1500ms`, `2m`: read by systemd (time spans) and docker compose (Go durations) alike. */
export function timeSpan(ms: number): string {
  if (ms % 60_000 === 0 && ms > 0) return `${ms / 60_000}m`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${Math.round(ms)}ms`;
}

/**
 * A probe as a command that exits 0 when it passes, for targets that only run commands (compose
 * healthchecks, systemd's readiness wait). Plain HTTP and TCP checks use bash's /dev/tcp, head and awk,
 * which every Debian-based image and systemd host has (curl and nc are often missing, as in the
 * node:*-slim images); HTTPS needs curl. `null` for a log probe (no target can watch a log line), and
 * for one whose `$PORT` is unknown.
 */
export function probeArgv(probe: ProbeSpec, timeoutMs: number): string[] | null {
  if (hasUnknownPort(probe)) return null;
  const limit = String(Math.max(1, seconds(timeoutMs)));
  switch (probe.kind) {
    case 'http': {
      const url = new URL(probe.url);
      if (url.protocol === 'https:') {
        const method =
          probe.method === 'GET' ? [] : probe.method === 'HEAD' ? ['--head'] : ['-X', probe.method];
        const headers = Object.entries(probe.headers).flatMap(([key, value]) => ['-H', `${key}: ${value}`]);
        return ['curl', '-fsS', '-o', '/dev/null', '--max-time', limit, ...method, ...headers, probe.url];
      }
      const lines = [
        `${probe.method} ${url.pathname}${url.search} HTTP/1.0`,
        `Host: ${url.host}`,
        ...Object.entries(probe.headers).map(([key, value]) => `${key}: ${value}`),
        ...(probe.method === 'POST' ? ['Content-Length: 0'] : []),
        '',
      ];
      const request = `printf '%s\\r\\n' ${lines.map(shQuote).join(' ')} >&3`;
      const status = `awk '{ exit !($2 >= ${probe.status.min} && $2 <= ${probe.status.max}) }'`;
      const script = `exec 3<>/dev/tcp/${url.hostname}/${url.port || '80'} && ${request} && head -n 1 <&3 | ${status}`;
      return ['timeout', limit, 'bash', '-c', script];
    }
    case 'tcp':
      return ['timeout', limit, 'bash', '-c', `: </dev/tcp/${probe.host}/${probe.port}`];
    case 'exec':
      return commandArgv(probe.command);
    case 'log':
    case 'notify':
      return null;
  }
}

/** Why a probe did not translate, or `null` when `probeArgv` covers it fully. */
export function probeLoss(probe: ProbeSpec): string | null {
  if (probe.kind === 'log') return 'a log-line check needs ovrseer reading the output; no equivalent';
  if (probe.kind === 'notify')
    return "sd_notify readiness: systemd's Type=notify is its equivalent, other targets have none";
  if (hasUnknownPort(probe)) return 'it uses $PORT, which this process does not set: give it a "port:"';
  const https = probe.kind === 'http' && probe.url.startsWith('https:');
  if (https && (probe.status.min !== 200 || probe.status.max !== 399)) {
    return `status ${probe.status.min}-${probe.status.max}: the check passes on 200-399 (curl -f)`;
  }
  return null;
}

/** The dependencies ovrseer waits for, the tier rule included, made explicit for targets without it. */
export function dependenciesOf(spec: ProjectSpec): Map<string, ProcessSpec['dependsOn']> {
  return effectiveDependencies(spec.processes);
}

export function byName(spec: ProjectSpec): Map<string, ProcessSpec> {
  return new Map(spec.processes.map((process) => [process.name, process]));
}

export function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
