import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ProcessSpec } from '../config/spec.js';
import { type InstanceRef, resolveSelectors, selectInstances } from '../core/selectors.js';

export interface LogTargets {
  /** Process names whose files to read. */
  names: string[];
  /** For `LogQuery.processes`: names, and instance ids where a replica was named; `undefined` = all. */
  processes: string[] | undefined;
}

/**
 * Resolves `ovrseer logs` arguments: `name`, `name.N` (one replica), `group:G`, `tag:T`, `all`. A name
 * no longer in the config is accepted while its log file exists, so old logs stay readable. Unknown
 * names fail with the selector error (exit 2), which suggests the closest name.
 *
 * @param live the instances a running supervisor has now: a replica is checked against them (after
 *   `scale web=3`, `web.3` exists whatever the config says). Without one, against the config's replicas.
 */
export function resolveLogTargets(
  processes: readonly ProcessSpec[],
  selectors: readonly string[],
  logDir: string,
  live?: readonly InstanceRef[],
): LogTargets {
  if (selectors.length === 0)
    return { names: processes.map((process) => process.name), processes: undefined };
  const names = new Set<string>();
  const filter = new Set<string>();
  for (const selector of selectors) {
    const replica = /^(.+)\.(\d+)$/.exec(selector);
    const base = replica === null ? undefined : processes.find((process) => process.name === replica[1]);
    if (replica !== null && base !== undefined && !processes.some((process) => process.name === selector)) {
      if (live !== undefined) {
        // Throws, naming the instances that exist, when this one does not.
        for (const instance of selectInstances(processes, live, [selector])) filter.add(instance.id);
        names.add(base.name);
        continue;
      }
      const instance = Number(replica[2]);
      if (instance >= 1 && instance <= base.replicas) {
        names.add(base.name);
        // `api.1` of a one-instance process: its lines carry `api`.
        filter.add(base.replicas === 1 ? base.name : selector);
        continue;
      }
    }
    const known = selector.includes(':') || selector === 'all' || processes.some((p) => p.name === selector);
    if (!known && existsSync(join(logDir, `${selector}.log`))) {
      names.add(selector);
      filter.add(selector);
      continue;
    }
    for (const process of resolveSelectors(processes, [selector])) {
      names.add(process.name);
      filter.add(process.name);
    }
  }
  return { names: [...names], processes: [...filter] };
}
