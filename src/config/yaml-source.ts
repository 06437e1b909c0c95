import {
  type Document,
  isAlias,
  isMap,
  isNode,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  parseDocument,
  visit,
  type YAMLMap,
} from 'yaml';
import { ConfigError, type ConfigIssue, errorMessage } from '../errors.js';
import { parseSimpleYaml } from './yaml-simple.js';

/** A key path into the document, as zod reports it: map keys and sequence indexes. */
export type Path = readonly (string | number)[];

export interface SourceDoc {
  file: string;
  doc: Document.Parsed;
  lineCounter: LineCounter;
  /** The text as parsed (with `${…}` masked): offsets of nodes index into it. */
  text: string;
}

/*
 * `token: ${OVRSEER_TOKEN}` inside a flow map (`api: { ..., token: ${OVRSEER_TOKEN} }`, as in the design's
 * own example) is not valid YAML: `{`, `}` and `,` end a plain scalar there. So before parsing, the
 * characters inside each `${...}` are swapped for private-use code points, one for one, and swapped back
 * in every scalar afterwards. Offsets do not move, so positions stay exact.
 */
const MASKS: ReadonlyArray<readonly [string, string]> = [
  ['{', '\uE000'],
  ['}', '\uE001'],
  ['[', '\uE002'],
  [']', '\uE003'],
  [',', '\uE004'],
  ['#', '\uE005'],
  [':', '\uE006'],
];
const MASK_OF = new Map(MASKS);
const UNMASK_OF = new Map(MASKS.map(([plain, masked]) => [masked, plain]));
const MASKED_RE = /[\uE000-\uE006]/g;
const HAS_MASKED_RE = /[\uE000-\uE006]/;

export function maskInterpolations(text: string): string {
  if (HAS_MASKED_RE.test(text)) return text; // the file already uses these code points: leave it alone
  return text.replace(/\$\{[^}\n]*\}/g, (span) => span.replace(/[{}[\],#:]/g, (c) => MASK_OF.get(c) ?? c));
}

export function unmask(text: string): string {
  return text.replace(MASKED_RE, (c) => UNMASK_OF.get(c) ?? c);
}

function unmaskScalars(node: unknown): void {
  if (isScalar(node)) {
    if (typeof node.value === 'string') node.value = unmask(node.value);
  } else if (isMap(node)) {
    for (const pair of node.items) {
      unmaskScalars(pair.key);
      unmaskScalars(pair.value);
    }
  } else if (isSeq(node)) {
    for (const item of node.items) unmaskScalars(item);
  }
}

/** Keys equal as yaml's default `uniqueKeys` sees them (same scalar value), each after its first. */
function duplicateKeys(map: YAMLMap, file: string, lineCounter: LineCounter): ConfigIssue[] {
  const first = new Map<unknown, number | undefined>();
  const issues: ConfigIssue[] = [];
  for (const pair of map.items) {
    if (!isScalar(pair.key)) continue;
    const offset = pair.key.range?.[0];
    const value = pair.key.value;
    if (!first.has(value)) {
      first.set(value, offset);
      continue;
    }
    const earlier = first.get(value);
    const at = offset === undefined ? null : lineCounter.linePos(offset);
    const where = earlier === undefined ? '' : ` (first on line ${lineCounter.linePos(earlier).line})`;
    const message = `YAML: duplicate key ${JSON.stringify(String(value))}${where}: a key may appear once in a map`;
    issues.push({ file, line: at?.line ?? null, column: at?.col ?? null, path: '', message });
  }
  return issues;
}

/** Nesting deeper than this is refused before anything walks the document (recursively, as yaml does). */
export const MAX_DEPTH = 64;

/** The first node nested deeper than `MAX_DEPTH`, found with a stack of its own. */
function tooDeep(root: unknown): Node | null {
  const stack: Array<[unknown, number]> = [[root, 0]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop() as [unknown, number];
    if (!isMap(node) && !isSeq(node)) continue;
    if (depth >= MAX_DEPTH) return node;
    for (const item of node.items) {
      if (isPair(item)) stack.push([item.key, depth + 1], [item.value, depth + 1]);
      else stack.push([item, depth + 1]);
    }
  }
  return null;
}

/** yaml's messages that speak of its own API rather than of the file: said in ovrseer's words. */
const OUR_WORDS: Record<string, string> = {
  // yaml reports its own stack overflow under this code, with the engine's message.
  RESOURCE_EXHAUSTION: `lists and maps are nested too deeply to read (an ovrseer config needs a few levels; at most ${MAX_DEPTH} are read): flatten them`,
  MULTIPLE_DOCS:
    'the file holds more than one YAML document (a second "---" or a "..." line); an ovrseer config is one document: remove the separator, or merge the documents',
};

/** Parses YAML with positions; syntax errors (all of them) become one ConfigError. */
export function parseYaml(text: string, file: string): SourceDoc {
  const lineCounter = new LineCounter();
  const masked = maskInterpolations(text);
  // logLevel 'error': yaml's warnings go to process.emitWarning, in its words; the ones that matter are
  // found below and reported as config errors with a position.
  // uniqueKeys false: yaml's own duplicate check compares each key with every earlier one (50,000
  // processes took minutes); `duplicateKeys` below does it with a set per map.
  const options = { merge: true, prettyErrors: true, logLevel: 'error', uniqueKeys: false } as const;
  // The common form without yaml's parser (yaml-simple.ts); anything else, and every mistake, is yaml's.
  const simple = parseSimpleYaml(masked, options);
  if (simple !== null) for (const offset of simple.lineStarts) lineCounter.addNewLine(offset);
  const doc = simple?.doc ?? parseDocument(masked, { lineCounter, ...options });
  if (doc.errors.length > 0) {
    const issues = doc.errors.map((error): ConfigIssue => {
      const at = error.linePos?.[0];
      // yaml appends " at line L, column C:" and a code frame; the position is reported separately.
      // A stack overflow can surface under other codes too (wherever yaml caught it).
      const code = /Maximum call stack/.test(error.message) ? 'RESOURCE_EXHAUSTION' : error.code;
      const message =
        OUR_WORDS[code] ??
        unmask(error.message.split('\n')[0] ?? error.message).replace(/ at line \d+, column \d+:?$/, '');
      return {
        file,
        line: at?.line ?? null,
        column: at?.col ?? null,
        path: '',
        message: `YAML syntax: ${message}`,
      };
    });
    throw new ConfigError(issues);
  }
  const deep = tooDeep(doc.contents);
  if (deep !== null) {
    const at = deep.range ? lineCounter.linePos(deep.range[0]) : null;
    const message = `YAML: lists and maps nested more than ${MAX_DEPTH} levels deep; an ovrseer config needs a few: flatten them`;
    throw new ConfigError([{ file, line: at?.line ?? null, column: at?.col ?? null, path: '', message }]);
  }
  unmaskScalars(doc.contents);
  const src = { file, doc, lineCounter, text: masked };
  // yaml only notices an alias without its anchor when converting, and without a position: check here.
  const unresolved: ConfigIssue[] = [];
  const issueAtOffset = (offset: number | undefined, message: string): ConfigIssue => {
    const at = offset === undefined ? null : lineCounter.linePos(offset);
    return { file, line: at?.line ?? null, column: at?.col ?? null, path: '', message };
  };
  visit(doc, {
    Alias(_, alias) {
      if (alias.resolve(doc) !== undefined) return;
      const message = `YAML: alias *${alias.source} has no anchor &${alias.source} before it`;
      unresolved.push(issueAtOffset(alias.range?.[0], message));
    },
    // A list or map as a key (`? [a, b]: x`, `{a: 1}: x`) cannot name anything; yaml would turn it into
    // a string and print a warning of its own.
    Map(_, map) {
      unresolved.push(...duplicateKeys(map, file, lineCounter));
    },
    Pair(_, pair) {
      const key = isAlias(pair.key) ? pair.key.resolve(doc) : pair.key;
      if (!isMap(key) && !isSeq(key)) return;
      const range = isNode(pair.key) ? pair.key.range : undefined;
      const message = `YAML: a key must be a name or another plain value, not a ${isMap(key) ? 'map' : 'list'}`;
      unresolved.push(issueAtOffset(range?.[0], message));
    },
  });
  if (unresolved.length > 0) throw new ConfigError(unresolved);
  return src;
}

/** The key path of the last node of a `visit` ancestor chain (map keys and sequence indexes). */
function keyPath(chain: readonly unknown[]): Path {
  const path: (string | number)[] = [];
  for (let i = 1; i < chain.length; i++) {
    const parent = chain[i - 1];
    const child = chain[i];
    if (isPair(parent) && isScalar(parent.key) && child === parent.value) path.push(String(parent.key.value));
    else if (isSeq(parent)) path.push(parent.items.indexOf(child as never));
  }
  return path;
}

/**
 * Strings holding a NUL byte: no command, argument, path or environment variable can carry one (the
 * spawn would fail at `up`), so they are refused where they are written. Run after interpolation.
 */
export function nulIssues(src: SourceDoc): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  visit(src.doc, {
    Scalar(_, node, ancestors) {
      if (typeof node.value !== 'string' || !node.value.includes('\0')) return;
      const at = node.range ? src.lineCounter.linePos(node.range[0]) : null;
      const message =
        'a NUL byte (\\0) in a string: no command, argument, path or environment variable can hold one; remove it';
      const path = formatPath(keyPath([...ancestors, node]));
      issues.push({ file: src.file, line: at?.line ?? null, column: at?.col ?? null, path, message });
    },
  });
  return issues;
}

/** The document as plain data; alias bombs are refused by yaml and reported as config errors. */
export function toPlain(src: SourceDoc): unknown {
  try {
    return src.doc.toJS();
  } catch (error) {
    throw new ConfigError([
      { file: src.file, line: null, column: null, path: '', message: `YAML: ${errorMessage(error)}` },
    ]);
  }
}

export function formatPath(path: Path): string {
  let out = '';
  for (const segment of path) {
    out += typeof segment === 'number' ? `[${segment}]` : out === '' ? segment : `.${segment}`;
  }
  return out;
}

export function nodeAt(src: SourceDoc, path: Path): Node | null {
  const node = path.length === 0 ? src.doc.contents : src.doc.getIn(path, true);
  return isNode(node) ? node : null;
}

function offsetPosition(src: SourceDoc, offset: number): { line: number; column: number } {
  const { line, col } = src.lineCounter.linePos(offset);
  return { line, column: col };
}

function keyOffset(src: SourceDoc, path: Path): number | null {
  if (path.length === 0) return null;
  const parent = nodeAt(src, path.slice(0, -1));
  if (!isMap(parent)) return null;
  const last = String(path[path.length - 1]);
  const pair = parent.items.find((item) => isScalar(item.key) && String(item.key.value) === last);
  return isNode(pair?.key) && pair.key.range ? pair.key.range[0] : null;
}

/**
 * Where to point for a path: the value's node, or with `key` its key. A path that does not exist (a
 * missing required key) points at the nearest existing ancestor, preferring the key that names it.
 */
export function locate(
  src: SourceDoc,
  path: Path,
  options: { key?: boolean } = {},
): { line: number; column: number } | null {
  if (options.key) {
    const offset = keyOffset(src, path);
    if (offset !== null) return offsetPosition(src, offset);
  }
  const node = nodeAt(src, path);
  // `key:` with nothing after it is an empty scalar just past the colon: the key is the better place.
  const empty = isScalar(node) && node.value === null && node.source === '';
  if (node?.range && !empty) return offsetPosition(src, node.range[0]);
  for (let length = node ? path.length : path.length - 1; length >= 0; length--) {
    const prefix = path.slice(0, length);
    const offset = keyOffset(src, prefix);
    if (offset !== null) return offsetPosition(src, offset);
    const ancestor = nodeAt(src, prefix);
    if (ancestor?.range) return offsetPosition(src, ancestor.range[0]);
  }
  return null;
}

export function issueAt(
  src: SourceDoc,
  path: Path,
  message: string,
  options: { key?: boolean } = {},
): ConfigIssue {
  const at = locate(src, path, options);
  return {
    file: src.file,
    line: at?.line ?? null,
    column: at?.column ?? null,
    path: formatPath(path),
    message,
  };
}
