import { resolve } from 'node:path';
import type { CommandInput, HealthInput, ProbeInput, ReadyInput } from '../input.js';
import type { DependencyCondition } from '../spec.js';
import type { Path } from '../yaml-source.js';
import type { PcProbe, PcProcess } from './process-compose-schema.js';
import { shellQuote, type Untranslated } from './source.js';

/** process-compose's shell: `shell_command shell_argument COMMAND` (src/command/command.go). */
export interface PcShell {
  command: string;
  argument: string;
}

/**
 * A script as process-compose runs it: `[shell, arg, script]`. With `-c` it is ovrseer's own shell form,
 * the process's `shell:` being the shell (`shellOf`).
 */
export function shellCommand(script: string, shell: PcShell): CommandInput {
  return shell.argument === '-c'
    ? { kind: 'shell', script }
    : { kind: 'argv', argv: [shell.command, shell.argument, script] };
}

/** The `shell:` of every process: the shell that runs its `-c` scripts (command, probes, stop). */
export function shellOf(shell: PcShell): string | undefined {
  return shell.argument === '-c' ? shell.command : undefined;
}

/** process-compose's probe defaults (src/health/probe.go): every 10 s, 1 s to answer, 3 failures. */
export const PC_PROBE_DEFAULTS = { period: 10_000, timeout: 1_000, failures: 3 } as const;

/** `ready_log_line` waits as long as the process runs (the longest timer Node can set). */
export const NO_LIMIT = 2_147_483_647;

function probeOf(probe: PcProbe, shell: PcShell, dir: string): ProbeInput | null {
  if (probe.exec) {
    const wd = probe.exec.working_dir;
    // The process's working dir is the default in both tools; another one is a `cd` first.
    const script =
      wd === undefined ? probe.exec.command : `cd ${shellQuote(resolve(dir, wd))} && ${probe.exec.command}`;
    return { kind: 'exec', command: shellCommand(script, shell) };
  }
  const http = probe.http_get;
  if (http === undefined) return null;
  const port = http.port === undefined || http.port === '' || http.port === 0 ? '' : `:${http.port}`;
  const code = http.status_code ?? 200;
  return {
    kind: 'http',
    url: `${http.scheme || 'http'}://${http.host || '127.0.0.1'}${port}${http.path || '/'}`,
    method: 'GET',
    headers: {},
    status: { min: code, max: code },
  };
}

/** A probe polled forever: `failure_threshold` failures in a row end the run (src/app/process.go). */
function polled(probe: PcProbe, kind: ProbeInput): HealthInput {
  return {
    probe: kind,
    interval: probe.period_seconds || PC_PROBE_DEFAULTS.period,
    timeout: probe.timeout_seconds || PC_PROBE_DEFAULTS.timeout,
    retries: probe.failure_threshold || PC_PROBE_DEFAULTS.failures,
    initialDelay: probe.initial_delay_seconds ?? 0,
    onFailure: 'restart',
  };
}

export interface PcChecks {
  ready: ReadyInput[];
  health: HealthInput | null;
  /** What `process_healthy` on this process waits for; `null` when it has no readiness probe. */
  healthy: DependencyCondition | null;
  logReady: boolean;
}

/**
 * Both of process-compose's probes poll for as long as the process runs, and `failure_threshold`
 * failures in a row stop it, to be restarted by its `availability` (src/app/process.go,
 * onReadinessCheckEnd / onLivenessCheckEnd; src/app/probe_restart_test.go). ovrseer's liveness check
 * (`health`) does exactly that, so a readiness probe becomes it, and `process_healthy` waits for
 * `healthy`. With a liveness probe as well, the liveness probe is the health check and the readiness
 * probe a ready check: it then fails the process once, instead of restarting it (noted).
 */
export function checksOf(
  p: PcProcess,
  path: Path,
  shell: PcShell,
  dir: string,
  notes: Untranslated,
): PcChecks {
  const ready: ReadyInput[] = [];
  if (p.ready_log_line !== undefined) {
    const pattern = p.ready_log_line.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    ready.push({
      probe: { kind: 'log', pattern, flags: '', notFoundMeansHealthy: false },
      interval: 250,
      timeout: NO_LIMIT,
      initialDelay: 0,
    });
  }
  const readiness = p.readiness_probe;
  const liveness = p.liveness_probe;
  const readyKind = readiness && probeOf(readiness, shell, dir);
  const liveKind = liveness && probeOf(liveness, shell, dir);
  for (const [name, probe, kind] of [
    ['readiness_probe', readiness, readyKind],
    ['liveness_probe', liveness, liveKind],
  ] as const) {
    if (probe === undefined) continue;
    if (!kind) notes.add([...path, name], 'only exec and http_get probes are translated');
    if ((probe.success_threshold ?? 1) > 1)
      notes.add(
        [...path, name, 'success_threshold'],
        'process-compose reads it but one success is enough there too (src/health/health_checks.go)',
      );
  }
  let health: HealthInput | null = null;
  let healthy: DependencyCondition | null = null;
  if (readiness && readyKind && liveness && liveKind) {
    const failures = readiness.failure_threshold || PC_PROBE_DEFAULTS.failures;
    const period = readiness.period_seconds || PC_PROBE_DEFAULTS.period;
    const initialDelay = readiness.initial_delay_seconds ?? 0;
    ready.push({
      probe: readyKind,
      interval: period,
      initialDelay,
      timeout: initialDelay + period * failures + (readiness.timeout_seconds || PC_PROBE_DEFAULTS.timeout),
    });
    notes.add(
      [...path, 'readiness_probe'],
      'with a liveness_probe too, failing readiness fails the process once (process-compose restarts it) and is not checked again once passed',
    );
    health = polled(liveness, liveKind);
    healthy = 'ready';
  } else if (readiness && readyKind) {
    health = polled(readiness, readyKind);
    healthy = 'healthy';
  } else if (liveness && liveKind) {
    health = polled(liveness, liveKind);
  }
  return { ready, health, healthy, logReady: p.ready_log_line !== undefined };
}
