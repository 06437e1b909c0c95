import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ProcessSpec } from '../config/spec.js';
import { resolveSelectors } from '../core/selectors.js';

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
 */
export function resolveLogTargets(
  processes: readonly ProcessSpec[],
  selectors: readonly string[],
  logDir: string,
): LogTargets {
  if (selectors.length === 0)
    return { names: processes.map((process) => process.name), processes: undefined };
  const names = new Set<string>();
  const filter = new Set<string>();
  for (const selector of selectors) {
    const replica = /^(.+)\.(\d+)$/.exec(selector);
    const base = replica === null ? undefined : processes.find((process) => process.name === replica[1]);
    if (replica !== null && base !== undefined && !processes.some((process) => process.name === selector)) {
      const instance = Number(replica[2]);
      if (instance >= 1 && instance <= base.replicas) {
        names.add(base.name);
        filter.add(selector);
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
