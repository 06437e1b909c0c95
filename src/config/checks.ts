import type { ConfigIssue } from '../errors.js';
import type { DependencyInput, Locator, ProcessInput, ProjectInput } from './input.js';
import { MAX_NAME_LENGTH, NAME_RE, NAME_RULE, RESERVED_NAMES } from './schema-common.js';
import { didYouMean } from './suggest.js';
import type { Path } from './yaml-source.js';

/** What is wrong with a process name, or `null`. */
export function nameProblem(name: string): string | null {
  if (!NAME_RE.test(name)) return `invalid process name '${name}': ${NAME_RULE}`;
  if (RESERVED_NAMES.has(name))
    return `'${name}' cannot name a process: it is the target keyword for every process (ovrseer stop ${name}); rename it`;
  if (name.length > MAX_NAME_LENGTH) {
    return (
      `the process name '${name.slice(0, 24)}…' is ${name.length} characters long, more than ` +
      `${MAX_NAME_LENGTH}: its log file (logs/<name>.log and rotated logs/<name>.log.N.gz) must fit ` +
      'the 255-byte limit of a file name; shorten it'
    );
  }
  return null;
}

function checkNames(processes: readonly ProcessInput[], at: Locator): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const seen = new Map<string, ProcessInput>();
  for (const p of processes) {
    const problem = nameProblem(p.name);
    if (problem !== null) issues.push(at(p.namePath, problem, { key: p.nameIsKey }));
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

interface CycleFrame {
  name: string;
  via: DependencyInput | null;
  /** Index of the next dependency to look at. */
  next: number;
}

/**
 * Each dependency cycle once, starting from its first process in file order: `a -> b -> a`. A depth-first
 * search with its own stack, not recursion: a chain of thousands of processes must not overflow the call
 * stack.
 */
function checkCycles(
  processes: readonly ProcessInput[],
  byName: ReadonlyMap<string, ProcessInput>,
  at: Locator,
): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const order = new Map(processes.map((p, i) => [p.name, i]));
  const done = new Set<string>();
  // Position of each process on the stack while it is there ("active").
  const onStack = new Map<string, number>();
  const stack: CycleFrame[] = [];
  const reported = new Set<string>();
  const report = (start: number, dep: DependencyInput): void => {
    const edges = [...stack.slice(start + 1).map((frame) => frame.via), dep];
    const members = stack.slice(start).map((frame) => frame.name);
    const first = members.reduce((a, b) => ((order.get(a) ?? 0) <= (order.get(b) ?? 0) ? a : b));
    const shift = members.indexOf(first);
    const rotated = [...members.slice(shift), ...members.slice(0, shift)];
    const id = [...rotated].sort().join('\0');
    const edge = edges[shift];
    if (reported.has(id) || !edge) return;
    reported.add(id);
    issues.push(at(edge.path, `dependency cycle: ${[...rotated, first].join(' -> ')}`, { key: edge.key }));
  };
  const push = (name: string, via: DependencyInput | null): void => {
    onStack.set(name, stack.length);
    stack.push({ name, via, next: 0 });
  };
  for (const root of processes) {
    if (done.has(root.name) || onStack.has(root.name)) continue;
    push(root.name, null);
    while (stack.length > 0) {
      const frame = stack[stack.length - 1] as CycleFrame;
      const deps = byName.get(frame.name)?.dependsOn ?? [];
      const dep = deps[frame.next];
      if (dep === undefined) {
        stack.pop();
        onStack.delete(frame.name);
        done.add(frame.name);
        continue;
      }
      frame.next += 1;
      if (dep.name === frame.name || !byName.has(dep.name)) continue; // reported elsewhere
      const start = onStack.get(dep.name);
      if (start !== undefined) report(start, dep);
      else if (!done.has(dep.name)) push(dep.name, dep);
    }
  }
  return issues;
}

function checkCount(input: ProjectInput, maxProcesses: number, at: Locator): ConfigIssue[] {
  if (input.processes.length === 0) {
    return [at(input.processesPath, 'no processes defined', { key: true })];
  }
  const count = input.processes.reduce((sum, p) => sum + (p.replicas ?? 1), 0);
  return count <= maxProcesses ? [] : [tooManyIssue(count, maxProcesses, input.processesPath, at, true)];
}

export function tooManyIssue(
  count: number,
  maxProcesses: number,
  path: Path,
  at: Locator,
  replicas: boolean,
): ConfigIssue {
  const message =
    `${count} processes${replicas ? ' (counting replicas)' : ''} exceed settings.limits.max_processes (${maxProcesses}); ` +
    `raise it with settings: { limits: { max_processes: ${count} } } if this is intended`;
  return at(path, message, { key: true });
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
    ...checkExitRule(input, byName, at),
  ];
}

/** `exit:` names processes: each must exist (a typo would make the rule never fire). */
function checkExitRule(
  input: ProjectInput,
  byName: ReadonlyMap<string, ProcessInput>,
  at: Locator,
): ConfigIssue[] {
  if (input.exit === undefined) return [];
  const names = [...byName.keys()];
  const unknown = (name: string) => `unknown process '${name}'${didYouMean(name, names)}`;
  const issues = Object.keys(input.exit.stopOn)
    .filter((name) => !byName.has(name))
    .map((name) => at(['exit', 'stop_on', name], unknown(name), { key: true }));
  const from = input.exit.codeFrom;
  if (from !== null && !byName.has(from)) issues.push(at(['exit', 'code_from'], unknown(from)));
  return issues;
}
