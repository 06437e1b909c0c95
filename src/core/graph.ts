import type { DependencySpec, ProcessSpec } from '../config/spec.js';

/**
 * The seed's `{nodes, edges}` (edges read "from depends on to": `["api", "db"]`), plus each process's
 * details with the condition of every edge and whether it comes from the tier rule.
 */
export interface DependencyGraph {
  nodes: string[];
  edges: [string, string][];
  processes: {
    name: string;
    type: ProcessSpec['type'];
    group: string | null;
    tags: string[];
    dependsOn: { name: string; condition: DependencySpec['condition']; implicit: boolean }[];
  }[];
}

/**
 * The dependencies the engine waits for: the configured `depends_on`, plus the tier rule of the core
 * package — a service or task that declares no dependencies waits for every `dependency` process to be
 * ready. (An explicit `depends_on` replaces the tier rule for that process.) Cleanup processes run on
 * shutdown and never gate anything.
 */
export function effectiveDependencies(processes: readonly ProcessSpec[]): Map<string, DependencySpec[]> {
  const tier = processes.filter((spec) => spec.type === 'dependency' && !spec.disabled);
  // Starts as the explicit graph; implicit edges are added one by one, each checked against the graph
  // so far, so that no combination of them can close a cycle.
  const result = new Map<string, DependencySpec[]>(processes.map((spec) => [spec.name, [...spec.dependsOn]]));
  for (const spec of processes) {
    if (spec.dependsOn.length > 0 || spec.type === 'dependency' || spec.type === 'cleanup') continue;
    const implicit = result.get(spec.name) ?? [];
    for (const dependency of tier) {
      if (dependsTransitively(result, dependency.name, spec.name)) continue;
      implicit.push({ name: dependency.name, condition: 'ready' });
    }
    result.set(spec.name, implicit);
  }
  return result;
}

function dependsTransitively(
  deps: ReadonlyMap<string, readonly DependencySpec[]>,
  from: string,
  target: string,
): boolean {
  const seen = new Set<string>();
  const stack = [from];
  while (stack.length > 0) {
    const name = stack.pop() as string;
    if (name === target) return true;
    if (seen.has(name)) continue;
    seen.add(name);
    for (const dependency of deps.get(name) ?? []) stack.push(dependency.name);
  }
  return false;
}

/** The named processes plus everything they depend on, transitively. */
export function dependencyClosure(
  names: Iterable<string>,
  deps: ReadonlyMap<string, readonly DependencySpec[]>,
): Set<string> {
  const closure = new Set<string>();
  const stack = [...names];
  while (stack.length > 0) {
    const name = stack.pop() as string;
    if (closure.has(name)) continue;
    closure.add(name);
    for (const dependency of deps.get(name) ?? []) stack.push(dependency.name);
  }
  return closure;
}

/**
 * Stop level of each process: 0 for those nothing depends on, otherwise one more than the highest
 * level among its dependents — so stopping level by level stops dependents before their dependencies.
 */
export function stopLevels(deps: ReadonlyMap<string, readonly DependencySpec[]>): Map<string, number> {
  const dependents = new Map<string, string[]>();
  for (const [name, list] of deps) {
    for (const dependency of list) {
      const entry = dependents.get(dependency.name) ?? [];
      entry.push(name);
      dependents.set(dependency.name, entry);
    }
  }
  const levels = new Map<string, number>();
  // Depth first with its own stack, not recursion: a chain of thousands of processes must not overflow
  // the call stack. A process still on the stack counts as level 0: config validation rejects cycles, so
  // that only keeps a hand-built spec from looping forever.
  const onStack = new Set<string>();
  for (const root of deps.keys()) {
    if (levels.has(root)) continue;
    const stack = [{ name: root, next: 0, level: 0 }];
    onStack.add(root);
    while (stack.length > 0) {
      const frame = stack[stack.length - 1] as (typeof stack)[number];
      const dependent = (dependents.get(frame.name) ?? [])[frame.next];
      if (dependent === undefined) {
        stack.pop();
        onStack.delete(frame.name);
        levels.set(frame.name, frame.level);
        const parent = stack[stack.length - 1];
        if (parent !== undefined) parent.level = Math.max(parent.level, frame.level + 1);
        continue;
      }
      frame.next += 1;
      const known = levels.get(dependent);
      if (known !== undefined) frame.level = Math.max(frame.level, known + 1);
      else if (onStack.has(dependent)) frame.level = Math.max(frame.level, 1);
      else {
        onStack.add(dependent);
        stack.push({ name: dependent, next: 0, level: 0 });
      }
    }
  }
  return levels;
}

/**
 * Groups items into batches to stop one after another: by stop level, then by `priority` ascending
 * within a level (higher priority stops later).
 */
export function stopBatches<T>(
  items: readonly T[],
  nameOf: (item: T) => string,
  priorityOf: (item: T) => number,
  levels: ReadonlyMap<string, number>,
): T[][] {
  const keyed = new Map<string, { level: number; priority: number; items: T[] }>();
  for (const item of items) {
    const level = levels.get(nameOf(item)) ?? 0;
    const priority = priorityOf(item);
    const key = `${level}:${priority}`;
    const batch = keyed.get(key) ?? { level, priority, items: [] };
    batch.items.push(item);
    keyed.set(key, batch);
  }
  return [...keyed.values()]
    .sort((a, b) => a.level - b.level || a.priority - b.priority)
    .map((batch) => batch.items);
}

export function buildDependencyGraph(processes: readonly ProcessSpec[]): DependencyGraph {
  const effective = effectiveDependencies(processes);
  const details = processes.map((spec) => ({
    name: spec.name,
    type: spec.type,
    group: spec.group,
    tags: spec.tags,
    dependsOn: (effective.get(spec.name) ?? []).map((dependency) => ({
      name: dependency.name,
      condition: dependency.condition,
      implicit: spec.dependsOn.length === 0,
    })),
  }));
  return {
    nodes: processes.map((spec) => spec.name),
    edges: details.flatMap((detail) =>
      detail.dependsOn.map((dependency) => [detail.name, dependency.name] as [string, string]),
    ),
    processes: details,
  };
}
