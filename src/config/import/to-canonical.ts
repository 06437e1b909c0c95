/*
 * The other way round: an importer's input written back as canonical ovrseer.yml data, for `ovrseer
 * init`. Values come out as a person would write them ("5s", "512MB", `restart: always`), defaults left out.
 */
import { DEFAULT_SHELL, HTTP_PROBE_DEFAULTS } from '../defaults.js';
import type {
  CommandInput,
  EnvFileInput,
  HealthInput,
  ProbeInput,
  ProcessInput,
  ReadyInput,
} from '../input.js';
import type { RestartSpec } from '../spec.js';

type Data = Record<string, unknown>;

export function formatDuration(ms: number): string | number {
  for (const [unit, factor] of [
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1000],
  ] as const) {
    if (ms >= factor && ms % factor === 0) return `${ms / factor}${unit}`;
  }
  return ms === 0 ? 0 : `${ms}ms`;
}

export function formatSize(bytes: number): string | number {
  for (const [unit, factor] of [
    ['GB', 1024 ** 3],
    ['MB', 1024 ** 2],
    ['KB', 1024],
  ] as const) {
    if (bytes >= factor && bytes % factor === 0) return `${bytes / factor}${unit}`;
  }
  return bytes;
}

/**
 * An env file as ovrseer.yml writes it: its name, or `{path, required, format}` when it is required or
 * read by another tool's rules (a Procfile's `.env` by foreman's), so that `up` reads it the same way.
 */
export function envFileData(
  ref: Pick<EnvFileInput, 'name' | 'required' | 'dialect' | 'interpolationOnly'>,
): string | Data {
  const dialect = ref.dialect === 'ovrseer' ? undefined : ref.dialect;
  if (!ref.required && dialect === undefined && !ref.interpolationOnly) return ref.name;
  return compact({
    path: ref.name,
    required: ref.required ? true : undefined,
    format: dialect,
    interpolation_only: ref.interpolationOnly ? true : undefined,
  });
}

/** Keeps only the entries that are set. */
function compact(data: Data): Data {
  return Object.fromEntries(Object.entries(data).filter(([, value]) => value !== undefined));
}

const duration = (ms: number | undefined) => (ms === undefined ? undefined : formatDuration(ms));

function command(input: CommandInput): string | string[] {
  return input.kind === 'argv' ? [...input.argv] : input.script;
}

function probe(input: ProbeInput): Data {
  switch (input.kind) {
    case 'log':
      return { log: input.flags === '' ? input.pattern : { pattern: input.pattern, flags: input.flags } };
    case 'http': {
      const { min, max } = input.status;
      const plain =
        input.method === HTTP_PROBE_DEFAULTS.method &&
        Object.keys(input.headers).length === 0 &&
        min === HTTP_PROBE_DEFAULTS.status.min &&
        max === HTTP_PROBE_DEFAULTS.status.max;
      if (plain) return { http: input.url };
      const status = min === max ? min : `${min}-${max}`;
      const headers = Object.keys(input.headers).length > 0 ? input.headers : undefined;
      return {
        http: compact({
          url: input.url,
          method: input.method === 'GET' ? undefined : input.method,
          headers,
          status,
        }),
      };
    }
    case 'tcp':
      return { tcp: `${input.host.includes(':') ? `[${input.host}]` : input.host}:${input.port}` };
    case 'exec':
      return { exec: command(input.command) };
    case 'notify':
      return { notify: true };
  }
}

function ready(input: ReadyInput): Data {
  return compact({
    ...probe(input.probe),
    interval: duration(input.interval),
    timeout: duration(input.timeout),
    initial_delay: input.initialDelay ? duration(input.initialDelay) : undefined,
  });
}

function health(input: HealthInput): Data {
  const notFound = input.probe.kind === 'log' && input.probe.notFoundMeansHealthy ? true : undefined;
  return compact({
    ...probe(input.probe),
    interval: duration(input.interval),
    timeout: duration(input.timeout),
    retries: input.retries,
    on_failure: input.onFailure,
    initial_delay: input.initialDelay ? duration(input.initialDelay) : undefined,
    not_found_means_healthy: notFound,
  });
}

function restart(input: Partial<RestartSpec>): unknown {
  const rest = compact({
    max_retries: input.maxRetries,
    delay: duration(input.delay),
    backoff: input.backoff,
    max_delay: duration(input.maxDelay),
    min_uptime: duration(input.minUptime),
    reset_after: duration(input.resetAfter),
    exit_codes: input.exitCodes,
    crash_loop:
      input.crashLoop === undefined
        ? undefined
        : input.crashLoop === null
          ? false
          : compact({
              max_crashes: input.crashLoop.maxCrashes,
              window: formatDuration(input.crashLoop.window),
              shorter_than:
                input.crashLoop.shorterThan === undefined
                  ? undefined
                  : formatDuration(input.crashLoop.shorterThan),
              window_from: input.crashLoop.windowFrom === 'first-start' ? 'first_start' : undefined,
            }),
  });
  if (Object.keys(rest).length === 0) return input.policy;
  return compact({ policy: input.policy, ...rest });
}

function stop(input: NonNullable<ProcessInput['stop']>): Data | undefined {
  const out = compact({
    signal: input.signal,
    timeout: duration(input.timeout),
    command: input.command ? command(input.command) : undefined,
    command_only: input.commandOnly === true ? true : undefined,
  });
  return Object.keys(out).length > 0 ? out : undefined;
}

function dependsOn(input: NonNullable<ProcessInput['dependsOn']>): unknown {
  if (input.length === 0) return undefined;
  if (input.every((dep) => dep.condition === 'ready' && dep.restart !== true))
    return input.map((dep) => dep.name);
  return Object.fromEntries(
    input.map((dep) => [
      dep.name,
      dep.restart === true ? { condition: dep.condition, restart: true } : { condition: dep.condition },
    ]),
  );
}

function watch(input: ProcessInput['watch']): unknown {
  if (input === undefined || input === false || input === true) return input;
  const out = compact({ paths: input.paths, ignore: input.ignore, debounce: duration(input.debounce) });
  return Object.keys(out).length === 0 ? true : out;
}

function limits(input: ProcessInput['limits']): Data | undefined {
  if (input === undefined) return undefined;
  const out = compact({
    memory: input.memory === null || input.memory === undefined ? undefined : formatSize(input.memory),
    cpu: input.cpu ?? undefined,
  });
  return Object.keys(out).length > 0 ? out : undefined;
}

/** One process as canonical data: type, command, where, env, then policies; defaults left out. */
export function processData(p: ProcessInput): Data {
  const nonEmpty = <T extends object>(value: T | undefined) =>
    value !== undefined && Object.keys(value).length > 0 ? value : undefined;
  return compact({
    type: p.type === 'service' ? undefined : p.type,
    command: command(p.command),
    shell: p.shell === DEFAULT_SHELL ? undefined : p.shell,
    cwd: p.cwd === '.' ? undefined : p.cwd,
    env_file: p.envFile && p.envFile.length > 0 ? p.envFile.map(envFileData) : undefined,
    env: nonEmpty(p.env),
    depends_on: p.dependsOn && dependsOn(p.dependsOn),
    port: p.port ?? undefined,
    replicas: p.replicas === 1 ? undefined : p.replicas,
    ready: p.ready && p.ready.length > 0 ? p.ready.map(ready) : undefined,
    health: p.health ? health(p.health) : undefined,
    restart:
      p.restart && Object.values(p.restart).some((v) => v !== undefined) ? restart(p.restart) : undefined,
    stop: p.stop && stop(p.stop),
    group: p.group ?? undefined,
    tags: p.tags && p.tags.length > 0 ? p.tags : undefined,
    priority: p.priority || undefined,
    user: p.user ? `${p.user.uid}:${p.user.gid}` : undefined,
    limits: limits(p.limits),
    watch: watch(p.watch),
    cron_restart: p.cronRestart ?? undefined,
    instance_vars: nonEmpty(p.instanceVars),
    disabled: p.disabled || undefined,
  });
}
