import type { CommandInput, EnvFileInput, HealthInput } from '../input.js';
import type { RestartSpec } from '../spec.js';
import { MAX_DURATION_MS } from '../units.js';
import type { Path } from '../yaml-source.js';
import type { ComposeService } from './compose-schema.js';
import { envEntries, shellQuote, type Untranslated } from './source.js';
import type { ImportContext, ProcessFields } from './types.js';

/** `"8080:80"`, `"127.0.0.1:8080:80/tcp"`, `3000`, `{target, published}` → host and container ports. */
export function parsePort(entry: NonNullable<ComposeService['ports']>[number]): {
  host?: string;
  target: string;
  spec: string;
} {
  if (typeof entry === 'object') {
    const host = entry.published === undefined ? undefined : String(entry.published);
    const prefix = entry.host_ip === undefined ? '' : `${entry.host_ip}:`;
    const spec = `${prefix}${host === undefined ? '' : `${host}:`}${entry.target}${entry.protocol ? `/${entry.protocol}` : ''}`;
    return host === undefined
      ? { target: String(entry.target), spec }
      : { host, target: String(entry.target), spec };
  }
  const spec = String(entry);
  const parts = spec.replace(/\/\w+$/, '').split(':');
  const target = parts[parts.length - 1] ?? spec;
  const host = parts.length >= 2 ? parts[parts.length - 2] : undefined;
  return host === undefined || host === '' ? { target, spec } : { host, target, spec };
}

/**
 * The first port as a number when it is a single port (not a range): the published one, or for a
 * process on this machine the container port when nothing is published.
 */
export function firstPort(ports: ComposeService['ports'], publishedOnly: boolean): number | undefined {
  const first = ports?.[0];
  if (first === undefined) return undefined;
  const { host, target } = parsePort(first);
  const port = Number(publishedOnly ? host : (host ?? target));
  return Number.isInteger(port) && port >= 1 && port <= 65535 ? port : undefined;
}

/**
 * Docker's restart manager (moby `restartmanager`): 100 ms before the first restart, doubled each time up
 * to a minute, back to 100 ms after a run of 10 s; `on-failure:N` counts every restart of the container,
 * never given back; no crash-loop breaker.
 */
const DOCKER_RESTART = {
  delay: 100,
  backoff: 2,
  maxDelay: 60_000,
  minUptime: 10_000,
  resetAfter: MAX_DURATION_MS,
  crashLoop: null,
} as const;

export function composeRestart(
  s: ComposeService,
  path: Path,
  notes: Untranslated,
): Partial<RestartSpec> | undefined {
  const policy = s.deploy?.restart_policy;
  if (policy !== undefined) {
    if ('window' in policy)
      notes.add(
        [...path, 'deploy', 'restart_policy', 'window'],
        'the crash-loop breaker (restart.crash_loop) plays this part',
      );
    const names = { none: 'no', 'on-failure': 'on-failure', any: 'always' } as const;
    return {
      ...DOCKER_RESTART,
      ...(policy.condition === undefined ? {} : { policy: names[policy.condition] }),
      ...(policy.delay === undefined ? {} : { delay: policy.delay, backoff: 1 }),
      ...(policy.max_attempts === undefined ? {} : { maxRetries: policy.max_attempts }),
    };
  }
  if (s.restart === undefined) return undefined;
  const [name, retries, ...extra] = s.restart.split(':');
  if (
    extra.length === 0 &&
    retries === undefined &&
    (name === 'no' || name === 'always' || name === 'unless-stopped')
  )
    return { ...DOCKER_RESTART, policy: name };
  if (extra.length === 0 && name === 'on-failure') {
    const max = Number(retries);
    if (retries === undefined) return { ...DOCKER_RESTART, policy: 'on-failure' };
    // docker: 0 (or nothing) means no limit.
    if (/^\d+$/.test(retries))
      return { ...DOCKER_RESTART, policy: 'on-failure', ...(max > 0 ? { maxRetries: max } : {}) };
  }
  notes.add(
    [...path, 'restart'],
    `unknown restart policy ${JSON.stringify(s.restart)}: expected no, always, on-failure[:N] or unless-stopped`,
  );
  return undefined;
}

/** A healthcheck's test as a command: `["CMD", …]` exec'd, `["CMD-SHELL", "…"]` or a string by the shell. */
function testCommand(test: string | string[]): CommandInput | null {
  if (typeof test === 'string') return { kind: 'shell', script: test };
  const [kind, ...rest] = test;
  if (kind === 'CMD' && rest.length > 0) return { kind: 'argv', argv: rest };
  if (kind === 'CMD-SHELL' && rest.length > 0) return { kind: 'shell', script: rest.join(' ') };
  return null;
}

/** For an image service, the test runs inside its container. */
function inContainer(command: CommandInput, container: string): CommandInput {
  const inner =
    command.kind === 'argv' ? command.argv.map(shellQuote).join(' ') : `sh -c ${shellQuote(command.script)}`;
  return { kind: 'shell', script: `docker exec ${shellQuote(container)} ${inner}` };
}

/**
 * Docker's health check: the first check `interval` after the start, then every `interval`; `retries`
 * failures in a row make it unhealthy, one success healthy. Docker does not restart an unhealthy
 * container, so neither does ovrseer (`on_failure: none`). Failures during `start_period` do not count:
 * ovrseer starts checking when it ends (docker checks every `start_interval` during it, so a service can
 * be healthy sooner there).
 */
export function composeHealth(
  s: ComposeService,
  path: Path,
  container: string | null,
  notes: Untranslated,
): HealthInput | undefined {
  const check = s.healthcheck;
  if (check === undefined || check.disable === true || check.test === undefined) return undefined;
  const command = testCommand(check.test);
  if (command === null) return undefined; // ["NONE"]: the image's check is turned off
  notes.rest(
    check,
    [...path, 'healthcheck'],
    ['test', 'interval', 'timeout', 'retries', 'start_period', 'disable'],
    {
      start_interval:
        'different: ovrseer makes no checks during start_period; the first is when it ends (docker checks every start_interval during it)',
    },
    'not supported by ovrseer health checks',
  );
  const interval = check.interval === undefined || check.interval === 0 ? 30_000 : check.interval;
  const startPeriod = check.start_period ?? 0;
  return {
    probe: { kind: 'exec', command: container === null ? command : inContainer(command, container) },
    // compose's defaults, which differ from ovrseer's.
    interval,
    timeout: check.timeout === undefined || check.timeout === 0 ? 30_000 : check.timeout,
    retries: check.retries === undefined || check.retries === 0 ? 3 : check.retries,
    initialDelay: startPeriod > 0 ? startPeriod : interval,
    onFailure: 'none',
  };
}

/**
 * An environment value kept for ovrseer.yml (init): compose makes an unset `${VAR}` or `$VAR` blank,
 * with a warning, where ovrseer.yml makes it an error; `${VAR-}` says compose's meaning in both.
 */
export function unsetIsBlank(value: string): string {
  return value.replace(
    /\$(?:\$|\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))/g,
    (match, braced, plain) => {
      const name = (braced ?? plain) as string | undefined;
      return name === undefined ? match : `\${${name}-}`;
    },
  );
}

/**
 * `environment` (a list or a map): an entry without a value takes the variable from the shell, then the
 * project's `.env`, and is absent when neither has it (compose-go `Resolve`). In `init` mode such an
 * entry is left out: the process inherits it from the shell at run time.
 */
export function composeEnvironment(
  value: ComposeService['environment'],
  context: ImportContext,
): Record<string, string> {
  const env = envEntries(value);
  const bare = Array.isArray(value)
    ? value.filter((entry) => !entry.includes('='))
    : Object.entries(value ?? {}).flatMap(([key, item]) => (item === null ? [key] : []));
  if (context.mode === 'init') {
    for (const [key, item] of Object.entries(env)) env[key] = unsetIsBlank(item);
    return env;
  }
  for (const name of bare) {
    const inherited = context.vars[name];
    if (inherited !== undefined) env[name] = inherited;
  }
  return env;
}

/**
 * `env_file`: a path, a list of paths, or `{path, required, format}`. A file is required unless
 * `required: false` (compose's default); `format: raw` takes values as written.
 */
export function composeEnv(
  s: ComposeService,
  path: Path,
  context: ImportContext,
): Pick<ProcessFields, 'env' | 'envFile'> & { files: string[] } {
  const single = typeof s.env_file === 'string';
  const raw = s.env_file === undefined ? [] : Array.isArray(s.env_file) ? s.env_file : [s.env_file];
  const at = (i: number): Path => (single ? [...path, 'env_file'] : [...path, 'env_file', i]);
  const envFile: EnvFileInput[] = raw.map((entry, i) =>
    typeof entry === 'string'
      ? { name: entry, path: at(i), required: true, dialect: 'compose' }
      : {
          name: entry.path,
          path: at(i),
          required: entry.required ?? true,
          dialect: entry.format === 'raw' ? 'compose-raw' : 'compose',
        },
  );
  return {
    env: composeEnvironment(s.environment, context),
    envFile,
    files: envFile.map((file) => file.name),
  };
}
