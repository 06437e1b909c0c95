import { describe, expect, it } from 'vitest';
import type { DependencySpec, ProcessSpec } from '../../../src/config/spec.js';
import {
  buildDependencyGraph,
  dependencyClosure,
  effectiveDependencies,
  stopBatches,
  stopLevels,
} from '../../../src/core/graph.js';
import { dep, depsMap, typed } from './spec-builder.js';

function namesOf(deps: Map<string, DependencySpec[]>): Record<string, string[]> {
  return Object.fromEntries([...deps].map(([name, list]) => [name, list.map((d) => d.name)]));
}

/** Finds a cycle in a dependency map, or null. */
function findCycle(deps: ReadonlyMap<string, readonly DependencySpec[]>): string[] | null {
  const state = new Map<string, 'active' | 'done'>();
  const path: string[] = [];
  const visit = (name: string): string[] | null => {
    state.set(name, 'active');
    path.push(name);
    for (const d of deps.get(name) ?? []) {
      if (state.get(d.name) === 'active') return [...path.slice(path.indexOf(d.name)), d.name];
      if (!state.has(d.name)) {
        const found = visit(d.name);
        if (found !== null) return found;
      }
    }
    path.pop();
    state.set(name, 'done');
    return null;
  };
  for (const name of deps.keys()) {
    if (!state.has(name)) {
      const found = visit(name);
      if (found !== null) return found;
    }
  }
  return null;
}

describe('effectiveDependencies', () => {
  it('makes services and tasks without depends_on wait for every dependency to be ready', () => {
    const processes = [
      typed('db', 'dependency'),
      typed('cache', 'dependency'),
      typed('api', 'service'),
      typed('migrate', 'task'),
    ];
    const deps = effectiveDependencies(processes);
    expect(deps.get('api')).toEqual([dep('db', 'ready'), dep('cache', 'ready')]);
    expect(deps.get('migrate')).toEqual([dep('db', 'ready'), dep('cache', 'ready')]);
  });

  it('gives dependency processes only their explicit depends_on (no tier edges among themselves)', () => {
    const processes = [
      typed('db', 'dependency'),
      typed('cache', 'dependency', [dep('db', 'started')]),
      typed('api', 'service'),
    ];
    const deps = effectiveDependencies(processes);
    expect(deps.get('db')).toEqual([]);
    expect(deps.get('cache')).toEqual([dep('db', 'started')]);
  });

  it('replaces the tier rule with an explicit depends_on', () => {
    const processes = [
      typed('db', 'dependency'),
      typed('cache', 'dependency'),
      typed('api', 'service', [dep('db', 'healthy')]),
      typed('worker', 'service', [dep('api', 'started')]),
    ];
    const deps = effectiveDependencies(processes);
    expect(deps.get('api')).toEqual([dep('db', 'healthy')]);
    expect(deps.get('worker')).toEqual([dep('api', 'started')]);
  });

  it('gives cleanup processes no implicit dependencies', () => {
    const processes = [typed('db', 'dependency'), typed('teardown', 'cleanup')];
    expect(effectiveDependencies(processes).get('teardown')).toEqual([]);
  });

  it('ignores disabled dependency processes in the tier rule', () => {
    const processes = [
      typed('db', 'dependency'),
      typed('legacy-db', 'dependency', [], { disabled: true }),
      typed('api', 'service'),
    ];
    expect(namesOf(effectiveDependencies(processes)).api).toEqual(['db']);
  });

  it('gives everyone nothing implicit when there is no dependency process', () => {
    const processes = [typed('api', 'service'), typed('job', 'task'), typed('web', 'service', ['api'])];
    expect(namesOf(effectiveDependencies(processes))).toEqual({ api: [], job: [], web: ['api'] });
  });

  it('has an entry for every process, in config order', () => {
    const processes = [typed('b', 'service'), typed('a', 'dependency'), typed('c', 'cleanup')];
    expect([...effectiveDependencies(processes).keys()]).toEqual(['b', 'a', 'c']);
  });

  it('adds no implicit edge towards a dependency that itself waits for the process', () => {
    const processes = [
      typed('db', 'dependency'),
      typed('proxy', 'dependency', ['api']),
      typed('api', 'service'),
    ];
    const deps = effectiveDependencies(processes);
    expect(namesOf(deps).api).toEqual(['db']);
    expect(findCycle(deps)).toBeNull();
  });

  it('adds no implicit edge that would close a transitive cycle through explicit edges', () => {
    const processes = [
      typed('gateway', 'dependency', ['seed']),
      typed('seed', 'task', ['loader']),
      typed('loader', 'service'),
      typed('db', 'dependency'),
    ];
    const deps = effectiveDependencies(processes);
    // loader -> gateway would close loader -> gateway -> seed -> loader.
    expect(namesOf(deps).loader).toEqual(['db']);
    expect(findCycle(deps)).toBeNull();
  });

  it('adds no set of implicit edges that together form a cycle', () => {
    // d1 waits for s1 and d2 for s2 (explicitly); s1 and s2 declare nothing. Each implicit edge is
    // harmless alone, but s1 -> d2 and s2 -> d1 together close d1 -> s1 -> d2 -> s2 -> d1, and config
    // validation only looks for cycles among explicit edges, so the engine would wait forever.
    const processes = [
      typed('d1', 'dependency', ['s1']),
      typed('d2', 'dependency', ['s2']),
      typed('s1', 'service'),
      typed('s2', 'service'),
    ];
    const deps = effectiveDependencies(processes);
    expect(findCycle(deps)).toBeNull();
  });
});

describe('dependencyClosure', () => {
  const deps = depsMap({ web: ['api'], api: ['db', 'cache'], db: [], cache: [], worker: ['db'], lone: [] });

  it('contains the named processes and everything they depend on, transitively', () => {
    expect([...dependencyClosure(['web'], deps)].sort()).toEqual(['api', 'cache', 'db', 'web']);
  });

  it('does not pull in dependents or unrelated processes', () => {
    expect([...dependencyClosure(['api'], deps)].sort()).toEqual(['api', 'cache', 'db']);
    expect([...dependencyClosure(['db'], deps)]).toEqual(['db']);
  });

  it('unions several names', () => {
    expect([...dependencyClosure(['worker', 'lone'], deps)].sort()).toEqual(['db', 'lone', 'worker']);
  });

  it('is empty for no names and terminates on a (hand-built) cycle', () => {
    expect(dependencyClosure([], deps).size).toBe(0);
    const cyclic = depsMap({ a: ['b'], b: ['a'] });
    expect([...dependencyClosure(['a'], cyclic)].sort()).toEqual(['a', 'b']);
  });

  it('accepts any iterable', () => {
    expect(dependencyClosure(new Set(['api']), deps).has('db')).toBe(true);
  });
});

describe('stopLevels', () => {
  const levels = (entries: Record<string, readonly string[]>): Record<string, number> =>
    Object.fromEntries(stopLevels(depsMap(entries)));

  it('chain: dependents stop before what they depend on', () => {
    expect(levels({ a: ['b'], b: ['c'], c: [] })).toEqual({ a: 0, b: 1, c: 2 });
  });

  it('rhombus a->b, a->c, b->d, c->d', () => {
    expect(levels({ a: ['b', 'c'], b: ['d'], c: ['d'], d: [] })).toEqual({ a: 0, b: 1, c: 1, d: 2 });
  });

  it('one-for-many: several processes depend on one', () => {
    expect(levels({ a: ['d'], b: ['d'], c: ['d'], d: [] })).toEqual({ a: 0, b: 0, c: 0, d: 1 });
  });

  it('many-for-one: one process depends on several', () => {
    expect(levels({ a: ['b', 'c', 'd'], b: [], c: [], d: [] })).toEqual({ a: 0, b: 1, c: 1, d: 1 });
  });

  it('takes the longest path from a dependent (a->b->c and a->c puts c after b)', () => {
    expect(levels({ a: ['b', 'c'], b: ['c'], c: [] })).toEqual({ a: 0, b: 1, c: 2 });
  });

  it('puts independent processes at level 0', () => {
    expect(levels({ x: [], y: [] })).toEqual({ x: 0, y: 0 });
  });

  it('terminates on a hand-built cycle', () => {
    const result = levels({ a: ['b'], b: ['a'] });
    expect(Object.keys(result).sort()).toEqual(['a', 'b']);
  });

  it('every dependency stops strictly after each of its dependents', () => {
    const deps = depsMap({
      web: ['api', 'assets'],
      api: ['db', 'cache', 'queue'],
      worker: ['queue', 'db'],
      assets: [],
      db: [],
      cache: ['db'],
      queue: [],
    });
    const result = stopLevels(deps);
    for (const [name, list] of deps) {
      for (const d of list) expect(result.get(d.name) ?? -1).toBeGreaterThan(result.get(name) ?? -1);
    }
  });
});

describe('stopBatches', () => {
  interface Item {
    name: string;
    priority: number;
  }
  const item = (name: string, priority = 0): Item => ({ name, priority });
  const batchNames = (items: Item[], entries: Record<string, readonly string[]>): string[][] =>
    stopBatches(
      items,
      (i) => i.name,
      (i) => i.priority,
      stopLevels(depsMap(entries)),
    ).map((batch) => batch.map((i) => i.name));

  it('chain: one batch per level, dependents first', () => {
    expect(batchNames([item('c'), item('b'), item('a')], { a: ['b'], b: ['c'], c: [] })).toEqual([
      ['a'],
      ['b'],
      ['c'],
    ]);
  });

  it('rhombus: the two middle processes stop together', () => {
    const entries = { a: ['b', 'c'], b: ['d'], c: ['d'], d: [] };
    expect(batchNames([item('a'), item('b'), item('c'), item('d')], entries)).toEqual([
      ['a'],
      ['b', 'c'],
      ['d'],
    ]);
  });

  it('one-for-many and many-for-one', () => {
    expect(
      batchNames([item('d'), item('a'), item('b'), item('c')], { a: ['d'], b: ['d'], c: ['d'], d: [] }),
    ).toEqual([['a', 'b', 'c'], ['d']]);
    expect(
      batchNames([item('d'), item('c'), item('b'), item('a')], { a: ['b', 'c', 'd'], b: [], c: [], d: [] }),
    ).toEqual([['a'], ['d', 'c', 'b']]);
  });

  it('within a level, lower priority stops first and higher priority later', () => {
    const entries = { web: [], api: [], metrics: [], logger: [] };
    const items = [item('logger', 10), item('web', 0), item('metrics', 5), item('api', 0)];
    expect(batchNames(items, entries)).toEqual([['web', 'api'], ['metrics'], ['logger']]);
  });

  it('handles negative priorities', () => {
    const items = [item('a', 0), item('b', -5)];
    expect(batchNames(items, { a: [], b: [] })).toEqual([['b'], ['a']]);
  });

  it('the dependency level wins over priority', () => {
    const entries = { api: ['db'], db: [] };
    // api has a high priority but still stops before db, which it depends on.
    expect(batchNames([item('db', -100), item('api', 100)], entries)).toEqual([['api'], ['db']]);
  });

  it('keeps several items of the same process (replicas) in one batch, in input order', () => {
    const items = [item('worker'), item('worker'), item('db'), item('worker')];
    const batches = stopBatches(
      items,
      (i) => i.name,
      (i) => i.priority,
      stopLevels(depsMap({ worker: ['db'], db: [] })),
    );
    expect(batches).toEqual([[items[0], items[1], items[3]], [items[2]]]);
  });

  it('treats items without a level as level 0', () => {
    expect(batchNames([item('x'), item('a')], { a: ['b'], b: [] })).toEqual([['x', 'a']]);
  });

  it('returns no batches for no items', () => {
    expect(stopBatches([], String, () => 0, new Map())).toEqual([]);
  });
});

describe('buildDependencyGraph', () => {
  const processes: ProcessSpec[] = [
    typed('db', 'dependency', [], { group: 'infra', tags: ['storage'] }),
    typed('cache', 'dependency', [], { group: 'infra' }),
    typed('api', 'service', [], { tags: ['backend', 'http'] }),
    typed('web', 'service', [dep('api', 'started')]),
    typed('teardown', 'cleanup'),
  ];

  it('lists every process name as a node, and each with its type, group, tags and conditions', () => {
    const graph = buildDependencyGraph(processes);
    expect(graph.nodes).toEqual(['db', 'cache', 'api', 'web', 'teardown']);
    expect(graph.processes).toEqual([
      { name: 'db', type: 'dependency', group: 'infra', tags: ['storage'], dependsOn: [] },
      { name: 'cache', type: 'dependency', group: 'infra', tags: [], dependsOn: [] },
      {
        name: 'api',
        type: 'service',
        group: null,
        tags: ['backend', 'http'],
        dependsOn: [
          { name: 'db', condition: 'ready', implicit: true },
          { name: 'cache', condition: 'ready', implicit: true },
        ],
      },
      {
        name: 'web',
        type: 'service',
        group: null,
        tags: [],
        dependsOn: [{ name: 'api', condition: 'started', implicit: false }],
      },
      { name: 'teardown', type: 'cleanup', group: null, tags: [], dependsOn: [] },
    ]);
  });

  it('has an edge "from depends on to" for every effective dependency, explicit and implicit', () => {
    const graph = buildDependencyGraph(processes);
    expect(graph.edges).toEqual([
      ['api', 'db'],
      ['api', 'cache'],
      ['web', 'api'],
    ]);
  });

  it('is empty for no processes', () => {
    expect(buildDependencyGraph([])).toEqual({ nodes: [], edges: [], processes: [] });
  });
});

describe('deep chains', () => {
  it('stop levels of a 50,000-deep chain are computed without recursion', () => {
    const specs = Array.from({ length: 50_000 }, (_, i) =>
      i + 1 < 50_000
        ? { name: `p${i}`, dependsOn: [{ name: `p${i + 1}`, condition: 'ready' as const }] }
        : { name: `p${i}`, dependsOn: [] },
    );
    // The deepest first: walking from it goes through the whole chain of dependents at once.
    const levels = stopLevels(new Map(specs.reverse().map((s) => [s.name, s.dependsOn])));
    expect(levels.get('p0')).toBe(0);
    expect(levels.get('p49999')).toBe(49_999);
  });
});
