import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isMap, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import { parseSimpleYaml } from '../../../src/config/yaml-simple.js';

const OPTIONS = { merge: true, prettyErrors: true, logLevel: 'error', uniqueKeys: false } as const;

/** What ovrseer reads of a parsed document (yaml-simple.ts). */
function shape(node: unknown): unknown {
  if (isScalar(node))
    return { value: node.value, type: node.type, source: node.source, range: node.range?.slice(0, 2) };
  if (isMap(node))
    return {
      map: node.items.map((pair) => [shape(pair.key), shape(pair.value)]),
      flow: node.flow ?? false,
      at: node.range?.[0],
    };
  if (isSeq(node)) return { seq: node.items.map(shape), flow: node.flow ?? false, at: node.range?.[0] };
  return { other: String(node) };
}

function both(text: string) {
  const simple = parseSimpleYaml(text, OPTIONS);
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, ...OPTIONS });
  return { simple, yaml: { doc, lineStarts: lineCounter.lineStarts } };
}

function expectSame(text: string): void {
  const { simple, yaml } = both(text);
  expect(simple, text).not.toBeNull();
  if (simple === null) return;
  expect(yaml.doc.errors).toEqual([]);
  expect(shape(simple.doc.contents)).toEqual(shape(yaml.doc.contents));
  expect(simple.doc.toJS()).toEqual(yaml.doc.toJS());
  expect(simple.lineStarts).toEqual(yaml.lineStarts);
}

const BENCH = [
  'name: bench-peers',
  'settings: { metrics_interval: 1s, shutdown_timeout: 10s, limits: { max_processes: 110 } }',
  'processes:',
  ...Array.from(
    { length: 5 },
    (_, i) => `  p${i}: { command: ["/bin/sleep","100000"], log: { max_size: 1073741824, keep: 0 } }`,
  ),
].join('\n');

describe('parseSimpleYaml', () => {
  it('builds the document yaml builds for the common forms', () => {
    expectSame(`${BENCH}\n`);
    expectSame(BENCH);
    expectSame(
      [
        '# a project',
        'name: demo   # trailing',
        '',
        'processes:',
        '  web:',
        '    command: node server.js --port 3000 a#b',
        "    cwd: './app'",
        '    env: { NODE_ENV: production, DEBUG: "", N: -12, OK: true, NO: False, NIL: ~, X: null }',
        '    args: [-c, --flag, "two words", x y]',
        '      # an indented comment',
        '  1: { command: echo one, deps: [web, [], {}] }',
        '  worker:',
        '    command: -x',
        '    nested:',
        '      deeper: { a: [1, 2, { b: c }] }',
        'settings:',
        '  shutdown_timeout: 10s',
      ].join('\n'),
    );
  });

  it('leaves every other form to yaml', () => {
    const others = [
      'a:\n  - x\n',
      'a: &x 1\nb: *x\n',
      'a: !!str 1\n',
      'a: |\n  text\n',
      'a: 1.5\n',
      'a: 0x1F\n',
      'a: 007\n',
      'a: 1e3\n',
      'a: .inf\n',
      'a:\nb: 1\n',
      'a:\n',
      'a: long\n  continued\n',
      'a:\tx\n',
      'a: x\r\n',
      'a: "esc\\n"\n',
      "a: 'it''s'\n",
      'a: "open\n',
      '{a: 1}\n',
      'a: {b:1}\n',
      'a: [x, ]\n',
      'a: b: c\n',
      'a: x:\n',
      '---\na: 1\n',
      'a : 1\n',
      '"a b": 1\n',
      '  a: 1\n',
      'a: 1\n  b: 2\n',
      'a: { b: 1 } x\n',
      'a: caf\u00e9\n',
      '',
      '# only a comment\n',
    ];
    for (const text of others) expect(parseSimpleYaml(text, OPTIONS), JSON.stringify(text)).toBeNull();
  });

  it('agrees with yaml on every YAML file of the repository it reads', () => {
    const root = join(import.meta.dirname, '../../..');
    const files: string[] = [];
    const walk = (dir: string): void => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        if (entry.name === 'node_modules' || entry.name.startsWith('.') || entry.name === 'dist') continue;
        const path = join(dir, entry.name);
        if (entry.isDirectory()) walk(path);
        else if (/\.ya?ml$/.test(entry.name)) files.push(path);
      }
    };
    walk(root);
    let simple = 0;
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      const { simple: fast, yaml } = both(text);
      if (fast === null) continue;
      simple += 1;
      expect(yaml.doc.errors, relative(root, file)).toEqual([]);
      expect(shape(fast.doc.contents), relative(root, file)).toEqual(shape(yaml.doc.contents));
      expect(fast.doc.toJS()).toEqual(yaml.doc.toJS());
    }
    expect(simple).toBeGreaterThan(0);
  });

  it('agrees with yaml on every mutation of the common forms it accepts (seeded)', () => {
    const seeds = [`${BENCH}\n`, 'a:\n  b: { c: [x, "y", 1], d: -e }\n  f: g h # i\nj: true\n'];
    const pieces = [
      ':',
      ': ',
      '#',
      ' #',
      '-',
      '- ',
      ' ',
      "'",
      '"',
      '{',
      '}',
      '[',
      ']',
      ',',
      '\n',
      '\n  ',
      '0',
      '.',
      'e',
      'x',
      '~',
      '?',
      '&',
      '*',
      '!',
      '|',
      '%',
      '@',
    ];
    let state = 20261203;
    const random = (n: number): number => {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      return state % n;
    };
    let accepted = 0;
    for (let round = 0; round < 2000; round += 1) {
      let text = seeds[round % seeds.length] as string;
      for (let edits = 1 + random(3); edits > 0; edits -= 1) {
        const at = random(text.length + 1);
        text =
          random(3) === 0
            ? text.slice(0, at) + text.slice(at + 1)
            : text.slice(0, at) + (pieces[random(pieces.length)] as string) + text.slice(at);
      }
      const { simple, yaml } = both(text);
      if (simple === null) continue;
      accepted += 1;
      expect(yaml.doc.errors, JSON.stringify(text)).toEqual([]);
      expect(yaml.doc.warnings, JSON.stringify(text)).toEqual([]);
      expect(shape(simple.doc.contents), JSON.stringify(text)).toEqual(shape(yaml.doc.contents));
      expect(simple.doc.toJS(), JSON.stringify(text)).toEqual(yaml.doc.toJS());
      expect(simple.lineStarts).toEqual(yaml.lineStarts);
    }
    expect(accepted).toBeGreaterThan(100);
  }, 30_000); // thousands of parses: seconds on a loaded machine
});
