import { loadProject } from '../../config/load.js';
import { buildDependencyGraph, type DependencyGraph } from '../../core/graph.js';

export interface GraphOptions {
  file?: string;
  env?: string;
  json?: boolean;
  dot?: boolean;
  cwd?: string;
  out?: NodeJS.WritableStream;
}

/** `ovrseer graph`: the dependency graph as a tree (default), JSON, or Graphviz dot. */
export function runGraph(options: GraphOptions): number {
  const spec = loadProject({
    cwd: options.cwd ?? process.cwd(),
    ...(options.file === undefined ? {} : { file: options.file }),
    ...(options.env === undefined ? {} : { envName: options.env }),
  });
  const graph = buildDependencyGraph(spec.processes);
  const out = options.out ?? process.stdout;
  if (options.json) out.write(`${JSON.stringify(graph)}\n`);
  else if (options.dot) out.write(toDot(spec.name, graph));
  else out.write(toTree(graph));
  return 0;
}

/**
 * Each process nothing depends on is a root; below it, what it depends on. A subtree already printed
 * is referred to instead of repeated.
 */
export function toTree(graph: DependencyGraph): string {
  const byName = new Map(graph.processes.map((process) => [process.name, process]));
  const dependedOn = new Set(graph.edges.map(([, to]) => to));
  const lines: string[] = [];
  const printed = new Set<string>();
  const walk = (name: string, prefix: string, isLast: boolean, label: string, depth: number): void => {
    const process = byName.get(name);
    const branch = depth === 0 ? '' : isLast ? '└─ ' : '├─ ';
    const type = process !== undefined && process.type !== 'service' ? ` [${process.type}]` : '';
    const seen = printed.has(name) && (process?.dependsOn.length ?? 0) > 0;
    lines.push(`${prefix}${branch}${name}${type}${label}${seen ? ' (see above)' : ''}`);
    if (seen || process === undefined) return;
    printed.add(name);
    const childPrefix = depth === 0 ? '' : `${prefix}${isLast ? '   ' : '│  '}`;
    process.dependsOn.forEach((dependency, index) => {
      const how = ` (${dependency.condition}${dependency.implicit ? ', tier rule' : ''})`;
      walk(dependency.name, childPrefix, index === process.dependsOn.length - 1, how, depth + 1);
    });
  };
  for (const process of graph.processes) {
    if (!dependedOn.has(process.name)) walk(process.name, '', true, '', 0);
  }
  return `${lines.join('\n')}\n`;
}

function toDot(project: string, graph: DependencyGraph): string {
  const quote = (text: string): string => JSON.stringify(text);
  const lines = [`digraph ${quote(project)} {`, '  rankdir=LR;'];
  for (const process of graph.processes) {
    const shape = process.type === 'dependency' ? 'cylinder' : process.type === 'cleanup' ? 'note' : 'box';
    lines.push(`  ${quote(process.name)} [shape=${shape}];`);
    for (const dependency of process.dependsOn) {
      const style = dependency.implicit ? ', style=dashed' : '';
      lines.push(
        `  ${quote(process.name)} -> ${quote(dependency.name)} [label=${quote(dependency.condition)}${style}];`,
      );
    }
  }
  lines.push('}');
  return `${lines.join('\n')}\n`;
}
