import {
  type Document,
  isMap,
  isNode,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  parseDocument,
  visit,
} from 'yaml';
import { ConfigError, type ConfigIssue, errorMessage } from '../errors.js';

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

/** Parses YAML with positions; syntax errors (all of them) become one ConfigError. */
export function parseYaml(text: string, file: string): SourceDoc {
  const lineCounter = new LineCounter();
  const masked = maskInterpolations(text);
  const doc = parseDocument(masked, { lineCounter, merge: true, prettyErrors: true });
  if (doc.errors.length > 0) {
    const issues = doc.errors.map((error): ConfigIssue => {
      const at = error.linePos?.[0];
      // yaml appends " at line L, column C:" and a code frame; the position is reported separately.
      const message = unmask(error.message.split('\n')[0] ?? error.message).replace(
        / at line \d+, column \d+:?$/,
        '',
      );
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
  unmaskScalars(doc.contents);
  const src = { file, doc, lineCounter, text: masked };
  // yaml only notices an alias without its anchor when converting, and without a position: check here.
  const unresolved: ConfigIssue[] = [];
  visit(doc, {
    Alias(_, alias) {
      if (alias.resolve(doc) !== undefined) return;
      const at = alias.range ? lineCounter.linePos(alias.range[0]) : null;
      const message = `YAML: alias *${alias.source} has no anchor &${alias.source} before it`;
      unresolved.push({ file, line: at?.line ?? null, column: at?.col ?? null, path: '', message });
    },
  });
  if (unresolved.length > 0) throw new ConfigError(unresolved);
  return src;
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
