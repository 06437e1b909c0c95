// biome-ignore-all lint/suspicious/noTemplateCurlyInString: generated configs contain ${VAR} references
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { parseProjectText } from '../../src/config/load.js';
import type { ProjectSpec } from '../../src/config/spec.js';
import { ConfigError } from '../../src/errors.js';
import { random as prng } from '../helpers/batches.js';
import { killStrayClis, runCli, startCli } from '../helpers/cli.js';
import { killMarked, markedPids } from '../helpers/processes.js';
import { type TempProject, tempProject } from '../helpers/project.js';

/*
 * Seeded fuzzing of the config loader (issue 16): valid fragments mutated into wrong types, huge and odd
 * durations, unicode and NUL, deep chains, cycles, duplicate keys, anchors, several documents and binary
 * junk. Every config must load or be refused with a ConfigError (exit 2), quickly and in our words; a
 * sample goes through the real CLI, and a sample of those that validate is started and stopped.
 */

const SEED = 0x16c0_ffee;
const COUNT = 320;
const CLI_SAMPLE = 30;
const UP_SAMPLE = 10;

type Rand = () => number;

/** Runs `task` over `items`, `size` at a time: the CLI's start-up is most of each run. */
async function inBatches<T>(
  items: readonly T[],
  size: number,
  task: (item: T) => Promise<void>,
): Promise<void> {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(task));
}
const int = (rand: Rand, min: number, max: number) => min + Math.floor(rand() * (max - min + 1));
const pick = <T>(rand: Rand, items: readonly T[]): T => items[Math.floor(rand() * items.length)] as T;

const FRAGMENTS = [
  '{ command: sleep 600 }',
  '{ command: [sleep, "600"], restart: { policy: on-failure, max_retries: 3, delay: 1s } }',
  '{ command: sleep 600, ready: { exec: "true", timeout: 10s }, stop: { timeout: 2s } }',
  '{ command: sleep 600, type: dependency }',
  '{ command: sleep 600, env: { A: "1", B: 2, C: true }, tags: [x, y], group: g }',
  '{ command: sleep 600, health: { exec: "true", interval: 5s, retries: 2 } }',
  '{ command: sleep 600, log: { max_size: 1MB, keep: 2 }, priority: 3 }',
  '{ command: sleep 600, replicas: 2 }',
  '{ command: sleep 600, stop: { signal: TERM, timeout: 1s } }',
];
const DURATIONS = [
  '600h',
  '1000000h',
  '2147483647',
  '2147483648',
  '0',
  '-1s',
  '1e309',
  '0.0001ms',
  '5 s',
  '.5s',
  '24d',
  'NaN',
  '"1h"',
  '1.5',
];
const WRONG = [
  '[]',
  '{}',
  'true',
  '-1',
  '1.5',
  '"x"',
  'null',
  '~',
  '999999999999999999999',
  '[[1]]',
  '"\\0"',
];
const ODD = [
  'é',
  '\\0',
  '\\u202e',
  '😀',
  '\\uffff',
  '\\ud800',
  '\\t',
  ' ',
  ',',
  ':',
  '#',
  '${X}',
  '$${Y}',
  '${',
];
const DURATION_KEYS = ['timeout', 'delay', 'interval', 'max_delay', 'min_uptime'];
const TYPED_KEYS = [
  'command',
  'env',
  'tags',
  'group',
  'replicas',
  'priority',
  'restart',
  'stop',
  'ready',
  'health',
  'log',
  'type',
  'depends_on',
];

function baseConfig(rand: Rand): string[] {
  const rows: string[] = [];
  if (rand() < 0.3)
    rows.push(
      `settings: { shutdown_timeout: ${pick(rand, ['2s', '5s', '1000'])}, metrics_interval: ${pick(rand, ['1s', '500ms'])} }`,
    );
  if (rand() < 0.2) rows.push('env: { SHARED: "yes" }');
  rows.push('processes:');
  const n = int(rand, 1, 5);
  for (let i = 0; i < n; i++) {
    let body = pick(rand, FRAGMENTS);
    if (i > 0 && rand() < 0.3) body = body.replace(/ }$/, `, depends_on: [p${int(rand, 0, i - 1)}] }`);
    rows.push(`  p${i}: ${body}`);
  }
  return rows;
}

type Mutation = (rows: string[], rand: Rand) => string[];

const replaceIn = (rows: string[], rand: Rand, re: RegExp, value: (match: string) => string): string[] => {
  const candidates = rows.map((row, i) => (re.test(row) ? i : -1)).filter((i) => i >= 0);
  if (candidates.length === 0) return rows;
  const at = pick(rand, candidates);
  return rows.map((row, i) => (i === at ? row.replace(re, value) : row));
};

const chain = (rand: Rand, cycle: boolean, raise: boolean): string[] => {
  const n = int(rand, 150, 800);
  const rows = raise ? [`settings: { limits: { max_processes: ${n} } }`] : [];
  rows.push('processes:');
  for (let i = 0; i < n; i++) {
    const dep = i < n - 1 ? `p${i + 1}` : cycle ? `p${int(rand, 0, n - 2)}` : null;
    rows.push(
      dep === null
        ? `  p${i}: { command: sleep 600 }`
        : `  p${i}: { command: sleep 600, depends_on: [${dep}] }`,
    );
  }
  return rows;
};

const MUTATIONS: Record<string, Mutation> = {
  wrongType: (rows, rand) => {
    const key = pick(rand, TYPED_KEYS);
    return replaceIn(rows, rand, new RegExp(`${key}: `), () => `${key}: ${pick(rand, WRONG)}, x${key}: `);
  },
  duration: (rows, rand) => {
    const key = pick(rand, DURATION_KEYS);
    const replaced = replaceIn(
      rows,
      rand,
      new RegExp(`${key}: [^,}]+`),
      () => `${key}: ${pick(rand, DURATIONS)}`,
    );
    if (replaced !== rows) return replaced;
    return replaceIn(
      rows,
      rand,
      / }$/,
      () => `, ready: { exec: "true", timeout: ${pick(rand, DURATIONS)} } }`,
    );
  },
  unicode: (rows, rand) => {
    const odd = pick(rand, ODD);
    const where = pick(rand, ['A: "', 'tags: [', 'group: ', '  p', 'command: "sleep 600']);
    const fixed =
      where === 'command: "sleep 600'
        ? rows.map((row) => row.replace('command: sleep 600', 'command: "sleep 600"'))
        : rows;
    return replaceIn(fixed, rand, new RegExp(where.replace(/[[\]]/g, '\\$&')), (m) =>
      m === 'command: "sleep 600'
        ? `command: "sleep 600${odd}`
        : where === 'A: "'
          ? `${m}${odd}`
          : `${m}"${odd}"`,
    );
  },
  deepChain: (_rows, rand) => chain(rand, false, rand() < 0.7),
  cycle: (rows, rand) => {
    if (rand() < 0.3) return chain(rand, true, true);
    const n = rows.filter((row) => /^ {2}p\d+:/.test(row)).length;
    return replaceIn(rows, rand, /^ {2}p0: \{/, () => `  p0: { depends_on: [p${int(rand, 0, n - 1)}], `);
  },
  dupKeys: (rows, rand) => {
    const process = rows.findIndex((row) => /^ {2}p\d+:/.test(row));
    if (rand() < 0.5 && process >= 0) return [...rows, rows[process] as string];
    return replaceIn(rows, rand, /command: /, () => 'command: sleep 1, command: ');
  },
  anchors: (rows, rand) => {
    const variant = int(rand, 0, 3);
    if (variant === 0)
      return [
        'x-base: &base { command: sleep 600, stop: { timeout: 1s } }',
        ...rows,
        '  merged: { <<: *base, tags: [m] }',
      ];
    if (variant === 1) return [...rows, '  ghost: *nowhere'];
    if (variant === 2) {
      const bomb = ['x-a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]'];
      for (const [from, to] of [
        ['a', 'b'],
        ['b', 'c'],
        ['c', 'd'],
        ['d', 'e'],
        ['e', 'f'],
      ])
        bomb.push(
          `x-${to}: &${to} [*${from}, *${from}, *${from}, *${from}, *${from}, *${from}, *${from}, *${from}, *${from}]`,
        );
      return [...bomb, ...rows];
    }
    return [...rows, '  bad-merge: { <<: 5, command: sleep 600 }'];
  },
  multiDoc: (rows, rand) => [
    ...rows,
    pick(rand, ['---', '...', '--- !!map']),
    pick(rand, ['processes: {}', 'x: 1', '']),
  ],
  junk: (rows, rand) => {
    const text = rows.join('\n');
    const at = int(rand, 0, text.length);
    if (rand() < 0.4) return [text.slice(0, at)];
    let junk = '';
    for (let i = int(rand, 1, 40); i > 0; i--) junk += String.fromCharCode(int(rand, 0, 255));
    return [text.slice(0, at) + junk + text.slice(at)];
  },
  deepNesting: (rows, rand) => {
    const depth = pick(rand, [40, 70, 500, 3000]);
    return replaceIn(rows, rand, / }$/, () => `, env: { A: ${'['.repeat(depth)}${']'.repeat(depth)} } }`);
  },
  collectionKey: (rows, rand) => [
    ...rows,
    pick(rand, ['  ? [a, b]', '  {k: 1}: x', '  ? {a: 1}']),
    '  : { command: sleep 600 }',
  ],
  names: (rows, rand) =>
    replaceIn(
      rows,
      rand,
      /^ {2}p\d+:/,
      () => `  ${pick(rand, ['all', 'a.b', 'group:x', 'n'.repeat(int(rand, 150, 400)), '""', '-', '123'])}:`,
    ),
  numbers: (rows, rand) =>
    replaceIn(
      rows,
      rand,
      / }$/,
      () =>
        `, ${pick(rand, ['replicas', 'priority'])}: ${pick(rand, ['0', '-5', '1e400', '1001', '2.5', '0x10', '9007199254740993'])} }`,
    ),
  topLevel: (_rows, rand) => [
    pick(rand, [
      '',
      'processes: 5',
      'processes: []',
      '42',
      '"just a string"',
      '[1, 2]',
      'processes:',
      'version: 1',
      '%YAML 1.1\n---\nprocesses: { a: { command: sleep 600 } }',
    ]),
  ],
  otherForms: (_rows, rand) =>
    pick(rand, [
      ['services:', '  web: { command: sleep 600, healthcheck: { interval: 600h } }'],
      ['services:', '  web: { command: sleep 600, depends_on: [db] }', '  db: { command: sleep 600 }'],
      [
        'processes:',
        '  - { id: a, type: main, command: sleep, args: ["600"], readyChecks: [{ logPattern: "(", timeout: 5 }] }',
      ],
      [
        'processes:',
        '  - { id: a, type: main, command: sleep, args: ["600"] }',
        '  - { id: a, type: main, command: sleep }',
      ],
    ]),
  tabs: (rows) => rows.map((row) => row.replace(/^ {2}/, '\t')),
};

interface Generated {
  index: number;
  kinds: string[];
  text: string;
}

function generate(): Generated[] {
  const rand = prng(SEED);
  const names = Object.keys(MUTATIONS);
  const out: Generated[] = [];
  for (let index = 0; index < COUNT; index++) {
    let rows = baseConfig(rand);
    const kinds: string[] = [];
    // Every kind of mutation appears in turn, then random ones on top; some configs stay valid.
    const first = names[index % names.length] as string;
    const extra = index % 5 === 0 ? 0 : int(rand, 0, 2);
    for (const kind of [first, ...Array.from({ length: extra }, () => pick(rand, names))]) {
      if (index % 7 === 0) break; // untouched
      kinds.push(kind);
      rows = (MUTATIONS[kind] as Mutation)(rows, rand);
    }
    out.push({ index, kinds, text: `${rows.join('\n')}\n` });
  }
  return out;
}

/** What a user must never read: stack frames, engine errors, yaml's or zod's own wording. */
const INTERNALS =
  /^\s+at |\b(TypeError|RangeError|ZodError|YAMLParseError|SyntaxError)\b|Maximum call stack|parseAllDocuments|stringified|\[object Object\]|Cannot read properties|unexpected error|Invalid input/m;

interface Outcome {
  spec: ProjectSpec | null;
  message: string;
  ms: number;
}

let dir: string;
const configs = generate();
const outcomes = new Map<number, Outcome>();

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ovrseer-fuzz-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function load(text: string): Outcome {
  const started = performance.now();
  try {
    const spec = parseProjectText(text, { file: 'ovrseer.yml', dir, env: {} });
    return { spec, message: '', ms: performance.now() - started };
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return { spec: null, message: error.message, ms: performance.now() - started };
  }
}

describe('config fuzz (issue 16)', () => {
  it(`${COUNT} generated configs each load or are refused with a ConfigError in our words, within 5 s`, () => {
    const warn = vi.spyOn(process, 'emitWarning');
    for (const config of configs) {
      const outcome = (() => {
        try {
          return load(config.text);
        } catch (error) {
          throw new Error(
            `config #${config.index} (${config.kinds.join('+')}) threw ${String(error)}:\n${config.text.slice(0, 500)}`,
          );
        }
      })();
      outcomes.set(config.index, outcome);
      const label = `config #${config.index} (${config.kinds.join('+')})`;
      expect(outcome.ms, label).toBeLessThan(5000);
      expect(outcome.message, label).not.toMatch(INTERNALS);
      if (outcome.spec === null)
        expect(outcome.message, label).toMatch(/^invalid config:\n {2}ovrseer\.yml(:\d+:\d+)?: /);
    }
    expect(warn).not.toHaveBeenCalled();
    warn.mockRestore();
    const valid = [...outcomes.values()].filter((o) => o.spec !== null).length;
    // Both sides are exercised: a fuzz that refuses everything (or nothing) proves little.
    expect(valid).toBeGreaterThan(COUNT / 10);
    expect(valid).toBeLessThan(COUNT * 0.9);
  }, 60_000);

  it(`a sample of ${CLI_SAMPLE} through the real \`ovrseer validate\`: exit 0 or 2 within 5 s, no stack trace`, async () => {
    const step = Math.floor(COUNT / CLI_SAMPLE);
    const sample = configs.filter((config) => config.index % step === 0).slice(0, CLI_SAMPLE);
    await inBatches(sample, 3, async (config) => {
      const cwd = mkdtempSync(join(dir, 'cli-'));
      writeFileSync(join(cwd, 'ovrseer.yml'), config.text);
      const run = startCli(['validate'], { cwd });
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), 5000);
      });
      const code = await Promise.race([run.exited, timedOut]);
      clearTimeout(timer);
      const label = `config #${config.index} (${config.kinds.join('+')})`;
      if (code === 'timeout') run.signal('SIGKILL');
      expect(code, label).not.toBe('timeout');
      const expected = outcomes.get(config.index)?.spec ? 0 : 2;
      expect(code, `${label}: ${run.stderr()}`).toBe(expected);
      expect(run.stderr(), label).not.toMatch(INTERNALS);
    });
  }, 120_000);

  const projects: TempProject[] = [];
  afterEach(async () => {
    for (const project of projects.splice(0)) {
      await runCli(['down'], { cwd: project.dir });
      killMarked(project.name);
      project.remove();
    }
    killStrayClis();
  });

  /** Only sleeps, probes that pass at once, stops that end quickly: what validates must also run. */
  function harmless(spec: ProjectSpec): boolean {
    const sleeps = (c: ProjectSpec['processes'][number]['command']) =>
      c.kind === 'shell' ? c.script.trim() === 'sleep 600' : c.argv.join(' ') === 'sleep 600';
    const exec = (p: { kind: string; command?: unknown }) =>
      p.kind === 'exec' && JSON.stringify(p.command).includes('"true"');
    return (
      spec.settings.shutdownTimeout <= 10_000 &&
      spec.processes.reduce((sum, p) => sum + p.replicas, 0) <= 6 &&
      spec.processes.every(
        (p) =>
          sleeps(p.command) &&
          p.type !== 'cleanup' &&
          p.ready.every((r) => exec(r.probe) && r.timeout >= 5000) &&
          (p.health === null || exec(p.health.probe)) &&
          ['SIGTERM', 'SIGINT'].includes(p.stop.signal) &&
          p.stop.timeout <= 10_000 &&
          p.stop.command === null &&
          p.watch === null &&
          p.cronRestart === null,
      )
    );
  }

  it(`up to ${UP_SAMPLE} configs that validate start with up -d and stop with down, leaving nothing`, async () => {
    const chosen = configs.filter((config) => {
      const spec = outcomes.get(config.index)?.spec;
      return spec && harmless(spec) && !/^(%|---|name:)/m.test(config.text);
    });
    // Spread over the run, not only the first ones (which share mutation kinds).
    const step = Math.max(1, Math.floor(chosen.length / UP_SAMPLE));
    const sample = chosen.filter((_, i) => i % step === 0).slice(0, UP_SAMPLE);
    expect(sample.length).toBe(UP_SAMPLE);
    await inBatches(sample, 2, async (config) => {
      const label = `config #${config.index} (${config.kinds.join('+') || 'untouched'})`;
      const project = tempProject(`name: "{{name}}"\n${config.text}`);
      projects.push(project);
      const up = await runCli(['up', '-d'], { cwd: project.dir });
      expect(up.code, `${label}: ${up.stderr}`).toBe(0);
      expect(up.stderr, label).not.toMatch(INTERNALS);
      const down = await runCli(['down'], { cwd: project.dir });
      expect(down.code, `${label}: ${down.stderr}`).toBe(0);
      expect(markedPids(project.name), label).toEqual([]);
    });
  }, 150_000);
});
