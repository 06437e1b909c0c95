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
