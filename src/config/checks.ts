import type { ConfigIssue } from '../errors.js';
import type { DependencyInput, Locator, ProcessInput, ProjectInput } from './input.js';
import { NAME_RE, NAME_RULE } from './schema-common.js';
import { didYouMean } from './suggest.js';

function checkNames(processes: readonly ProcessInput[], at: Locator): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const seen = new Map<string, ProcessInput>();
  for (const p of processes) {
    if (!NAME_RE.test(p.name))
      issues.push(at(p.namePath, `invalid process name '${p.name}': ${NAME_RULE}`, { key: p.nameIsKey }));
    const first = seen.get(p.name);
    if (first) {
      const line = at(first.namePath, '', { key: first.nameIsKey }).line;
      const where = line === null ? '' : ` (first defined on line ${line})`;
      issues.push(at(p.namePath, `duplicate process name '${p.name}'${where}`, { key: p.nameIsKey }));
    } else seen.set(p.name, p);
  }
  return issues;
}

function checkDependencies(byName: ReadonlyMap<string, ProcessInput>, at: Locator): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const names = [...byName.keys()];
  for (const p of byName.values()) {
    for (const dep of p.dependsOn ?? []) {
      const target = byName.get(dep.name);
      const where = { key: dep.key };
      if (dep.name === p.name) issues.push(at(dep.path, `'${p.name}' cannot depend on itself`, where));
      else if (target === undefined)
        issues.push(at(dep.path, `unknown process '${dep.name}'${didYouMean(dep.name, names)}`, where));
      else if (target.type === 'cleanup') {
        const why =
          'cleanup processes run at shutdown, after the others have stopped, so nothing can wait for them';
        issues.push(at(dep.path, `'${p.name}' depends on cleanup process '${dep.name}': ${why}`, where));
      }
    }
  }
  return issues;
}

/** Each dependency cycle once, starting from its first process in file order: `a -> b -> a`. */
function checkCycles(
  processes: readonly ProcessInput[],
  byName: ReadonlyMap<string, ProcessInput>,
  at: Locator,
): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const order = new Map(processes.map((p, i) => [p.name, i]));
  const state = new Map<string, 'active' | 'done'>();
  const stack: Array<{ name: string; via: DependencyInput | null }> = [];
  const reported = new Set<string>();
  const visit = (name: string, via: DependencyInput | null): void => {
    state.set(name, 'active');
    stack.push({ name, via });
    for (const dep of byName.get(name)?.dependsOn ?? []) {
      if (dep.name === name || !byName.has(dep.name)) continue; // reported elsewhere
      if (state.get(dep.name) === 'active') {
        const start = stack.findIndex((frame) => frame.name === dep.name);
        const edges = [...stack.slice(start + 1).map((frame) => frame.via), dep];
        const members = stack.slice(start).map((frame) => frame.name);
        const first = members.reduce((a, b) => ((order.get(a) ?? 0) <= (order.get(b) ?? 0) ? a : b));
        const shift = members.indexOf(first);
        const rotated = [...members.slice(shift), ...members.slice(0, shift)];
        const id = [...rotated].sort().join('\0');
        const edge = edges[shift];
        if (!reported.has(id) && edge) {
          reported.add(id);
          issues.push(
            at(edge.path, `dependency cycle: ${[...rotated, first].join(' -> ')}`, { key: edge.key }),
          );
        }
      } else if (!state.has(dep.name)) visit(dep.name, dep);
    }
    stack.pop();
    state.set(name, 'done');
  };
  for (const p of processes) if (!state.has(p.name)) visit(p.name, null);
  return issues;
}

function checkCount(input: ProjectInput, maxProcesses: number, at: Locator): ConfigIssue[] {
  if (input.processes.length === 0) {
    return [at(input.processesPath, 'no processes defined', { key: true })];
  }
  const count = input.processes.reduce((sum, p) => sum + (p.replicas ?? 1), 0);
  if (count <= maxProcesses) return [];
  const message =
    `${count} processes (counting replicas) exceed settings.limits.max_processes (${maxProcesses}); ` +
    `raise it with settings: { limits: { max_processes: ${count} } } if this is intended`;
  return [at(input.processesPath, message, { key: true })];
}

/** Problems between processes, found once every process is valid on its own. */
export function checkProject(input: ProjectInput, maxProcesses: number, at: Locator): ConfigIssue[] {
  const byName = new Map<string, ProcessInput>();
  for (const p of input.processes) if (!byName.has(p.name)) byName.set(p.name, p);
  return [
    ...checkCount(input, maxProcesses, at),
    ...checkNames(input.processes, at),
    ...checkDependencies(byName, at),
    ...checkCycles(input.processes, byName, at),
  ];
}
