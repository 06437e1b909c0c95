import type { ProcessSpec } from '../config/spec.js';
import { closest } from '../config/suggest.js';
import { OvrseerError } from '../errors.js';

/**
 * Resolves target selectors to processes: `name`, `name.N` (a replica: resolves to its process),
 * `group:G`, `tag:T`, `all`. An unknown name or an empty group/tag is an error naming what exists.
 */
export function resolveSelectors(
  processes: readonly ProcessSpec[],
  selectors: readonly string[],
): ProcessSpec[] {
  const chosen = new Set<string>();
  for (const selector of selectors) {
    for (const process of resolveOne(processes, selector)) chosen.add(process.name);
  }
  return processes.filter((process) => chosen.has(process.name));
}

export interface SelectOptions {
  /**
   * Selecting what to start or restart: `all`, `group:G` and `tag:T` leave out disabled processes
   * (`disabled: true`, compose services of an inactive profile), which start only when named, as
   * process-compose and compose start them.
   * @default false
   */
  toStart?: boolean;
}

/** An instance as selection sees it: its id (`api`, `worker.2`) and its process's name. */
export interface InstanceRef {
  readonly id: string;
  readonly name: string;
}

/**
 * Resolves target selectors to the instances that exist now — a running project's, after any scaling
 * — rather than to the replicas the config asks for: `name` (every instance of it), `name.N` (that
 * instance; `name.1` also names the single instance of a one-instance process), `group:G`, `tag:T`,
 * `all`. Returns each instance once, in the order of `instances`. A replica that does not exist is an
 * error listing the ones that do.
 */
export function selectInstances<T extends InstanceRef>(
  processes: readonly ProcessSpec[],
  instances: readonly T[],
  selectors: readonly string[],
  options: SelectOptions = {},
): T[] {
  const chosen = new Set<string>();
  for (const selector of selectors) {
    for (const id of instanceIds(processes, instances, selector, options.toStart === true)) chosen.add(id);
  }
  return instances.filter((instance) => chosen.has(instance.id));
}

function instanceIds(
  processes: readonly ProcessSpec[],
  instances: readonly InstanceRef[],
  selector: string,
  toStart: boolean,
): string[] {
  const exact = instances.find((instance) => instance.id === selector);
  if (exact !== undefined && !processes.some((process) => process.name === selector)) return [exact.id];
  const replica = /^(.+)\.(\d+)$/.exec(selector);
  const base =
    replica === null || processes.some((process) => process.name === selector)
      ? undefined
      : processes.find((process) => process.name === replica[1]);
  if (base === undefined || replica === null) {
    const names = new Set(
      resolveOne(processes, selector)
        .filter((process) => !toStart || !process.disabled || process.name === selector)
        .map((process) => process.name),
    );
    return instances.filter((instance) => names.has(instance.name)).map((instance) => instance.id);
  }
  const own = instances.filter((instance) => instance.name === base.name);
  const only = own.length === 1 ? own[0] : undefined;
  if (only !== undefined && only.id === base.name && replica[2] === '1') return [only.id];
  const ids = own.map((instance) => instance.id);
  throw unknown(
    `unknown process "${selector}"`,
    own.length === 0
      ? `${base.name} has no instances now (scaled to 0)`
      : `${base.name} has ${own.length === 1 ? '1 instance' : `${own.length} instances`} now: ${ids.join(', ')}`,
  );
}

function resolveOne(processes: readonly ProcessSpec[], selector: string): ProcessSpec[] {
  if (selector === 'all') return processes.filter((process) => process.type !== 'cleanup');
  if (selector.startsWith('group:')) {
    const group = selector.slice('group:'.length);
    const found = processes.filter((process) => process.group === group);
    if (found.length === 0) throw unknown(`no process is in group "${group}"`, groupsOf(processes, 'group'));
    return found;
  }
  if (selector.startsWith('tag:')) {
    const tag = selector.slice('tag:'.length);
    const found = processes.filter((process) => process.tags.includes(tag));
    if (found.length === 0) throw unknown(`no process has tag "${tag}"`, groupsOf(processes, 'tag'));
    return found;
  }
  const exact = processes.find((process) => process.name === selector);
  if (exact !== undefined) return [exact];
  const replica = /^(.+)\.(\d+)$/.exec(selector);
  const base = replica === null ? undefined : processes.find((process) => process.name === replica[1]);
  if (
    base !== undefined &&
    replica !== null &&
    Number(replica[2]) >= 1 &&
    Number(replica[2]) <= base.replicas
  ) {
    return [base];
  }
  const names = processes.map((process) => process.name);
  const suggestion = closest(selector, names);
  throw unknown(
    `unknown process "${selector}"${suggestion === null ? '' : ` (did you mean "${suggestion}"?)`}`,
    `known processes: ${names.join(', ')}`,
  );
}

function groupsOf(processes: readonly ProcessSpec[], kind: 'group' | 'tag'): string {
  const values = new Set(
    processes.flatMap((process) =>
      kind === 'group' ? (process.group === null ? [] : [process.group]) : process.tags,
    ),
  );
  return values.size === 0 ? `no ${kind}s are configured` : `known ${kind}s: ${[...values].join(', ')}`;
}

function unknown(message: string, hint: string): OvrseerError {
  return new OvrseerError('OVRSEER_UNKNOWN_PROCESS', `${message}; ${hint}`);
}
