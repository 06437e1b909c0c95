import { basename } from 'node:path';
import type { ProcessType, ProjectSpec } from './spec.js';

const TYPE_ORDER: readonly ProcessType[] = ['dependency', 'service', 'task', 'cleanup'];

// "cleanup" stays singular ("2 cleanup"), like "2 dependency checks" would read oddly as "cleanups".
const PLURALS: Record<string, string> = {
  process: 'processes',
  dependency: 'dependencies',
  service: 'services',
  task: 'tasks',
  cleanup: 'cleanup',
  instance: 'instances',
};

function count(n: number, word: string): string {
  return `${n} ${n === 1 ? word : (PLURALS[word] ?? `${word}s`)}`;
}

/** One line for `validate` and `up`: `shop: 4 processes (1 dependency, 2 services, 1 cleanup) from ovrseer.yml`. */
export function summarizeProject(spec: ProjectSpec): string {
  const byType = new Map<ProcessType, number>();
  for (const p of spec.processes) byType.set(p.type, (byType.get(p.type) ?? 0) + 1);
  const parts = TYPE_ORDER.flatMap((type) => {
    const n = byType.get(type) ?? 0;
    return n === 0 ? [] : [count(n, type)];
  });
  const instances = spec.processes.reduce((sum, p) => sum + p.replicas, 0);
  if (instances > spec.processes.length) parts.push(count(instances, 'instance'));
  const source = spec.file === null ? '' : ` from ${basename(spec.file)}`;
  return `${spec.name}: ${count(spec.processes.length, 'process')} (${parts.join(', ')})${source}`;
}
