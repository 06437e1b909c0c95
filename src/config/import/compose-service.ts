import type { CommandInput, DependencyInput, HealthInput } from '../input.js';
import type { RestartSpec } from '../spec.js';
import type { Path } from '../yaml-source.js';
import type { ComposeService } from './compose-schema.js';
import { envEntries, shellQuote, type Untranslated } from './source.js';
import type { ProcessFields } from './types.js';

const CONDITION_MAP = {
  service_started: 'started',
  service_healthy: 'healthy',
  service_completed_successfully: 'completed_successfully',
} as const;

export function composeDependsOn(s: ComposeService, path: Path, notes: Untranslated): DependencyInput[] {
  const deps = s.depends_on;
  if (deps === undefined) return [];
  const at = [...path, 'depends_on'];
  if (Array.isArray(deps)) {
    return deps.map((name, i) => ({ name, condition: 'started', path: [...at, i], key: false }));
  }
  return Object.entries(deps).map(([name, entry]) => {
    if (entry.restart)
      notes.add([...at, name, 'restart'], 'ovrseer does not restart dependents when a dependency restarts');
    if (entry.required === false)
      notes.add([...at, name, 'required'], 'every dependency is required in ovrseer');
    return {
      name,
      condition: CONDITION_MAP[entry.condition ?? 'service_started'],
      path: [...at, name],
      key: true,
    };
  });
}

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
      ...(policy.condition === undefined ? {} : { policy: names[policy.condition] }),
      ...(policy.delay === undefined ? {} : { delay: policy.delay }),
      ...(policy.max_attempts === undefined ? {} : { maxRetries: policy.max_attempts }),
    };
  }
  if (s.restart === undefined) return undefined;
  const [name, retries] = s.restart.split(':');
  if (name === 'no' || name === 'always' || name === 'unless-stopped') return { policy: name };
  if (name === 'on-failure') {
    const max = Number(retries);
    return retries !== undefined && Number.isInteger(max)
      ? { policy: 'on-failure', maxRetries: max }
      : { policy: 'on-failure' };
  }
  notes.add([...path, 'restart'], `unknown restart policy ${JSON.stringify(s.restart)}`);
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
    {},
    'not supported by ovrseer health checks',
  );
  return {
    probe: { kind: 'exec', command: container === null ? command : inContainer(command, container) },
    // compose's defaults, which differ from ovrseer's.
    interval: check.interval ?? 30_000,
    timeout: check.timeout ?? 30_000,
    retries: check.retries === undefined || check.retries === 0 ? 3 : check.retries,
    initialDelay: check.start_period ?? 0,
  };
}

export function composeCommand(s: ComposeService, mode: 'run' | 'init'): CommandInput | null {
  const parts = [s.entrypoint, s.command].filter(
    (part): part is string | string[] => part !== undefined && part !== null,
  );
  if (parts.length === 0 || s.command === undefined || s.command === null) return null;
  // In init mode a string keeps its ${VAR} for the shell; compose's `$$` (a literal `$`) becomes `$`.
  const literalDollars = (text: string) => (mode === 'init' ? text.replaceAll('$$', () => '$') : text);
  if (parts.every(Array.isArray)) return { kind: 'argv', argv: parts.flat() };
  const words = parts.map((part) =>
    Array.isArray(part) ? part.map(shellQuote).join(' ') : literalDollars(part),
  );
  return { kind: 'shell', script: words.join(' ') };
}

export function composeEnv(
  s: ComposeService,
  path: Path,
): Pick<ProcessFields, 'env' | 'envFile'> & { files: string[] } {
  const single = typeof s.env_file === 'string';
  const raw = s.env_file === undefined ? [] : Array.isArray(s.env_file) ? s.env_file : [s.env_file];
  const files = raw.map((entry) => (typeof entry === 'string' ? entry : entry.path));
  const at = (i: number): Path => (single ? [...path, 'env_file'] : [...path, 'env_file', i]);
  return { env: envEntries(s.environment), envFile: files.map((name, i) => ({ name, path: at(i) })), files };
}
