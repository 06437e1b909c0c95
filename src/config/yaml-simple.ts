import {
  Document,
  type DocumentOptions,
  type Node,
  Pair,
  type ParseOptions,
  Scalar,
  type SchemaOptions,
  YAMLMap,
  YAMLSeq,
} from 'yaml';

/*
 * The common ovrseer.yml — block maps of `key: value` lines, values plain or quoted on one line or
 * `{ … }` / `[ … ]` written on that line — read without yaml's lexer, parser and composer, which are
 * two thirds of `validate` (run by the interpreter: docs/startup.md). The result is the Document yaml
 * would build, in what ovrseer reads of it: each node's class, scalar `value`, `type`, `source` and
 * `range[0..1]` (`interpolate.ts`), collections' `range[0]` and `flow`, and the line starts. Anything
 * else — a block list, a multi-line or block scalar, an anchor, a tag, a key with a space, a number
 * that is not a plain integer, tabs, CR, any non-ASCII character — returns null, and yaml parses the
 * text as before: its errors and warnings stay yaml's own. test/unit/config/yaml-simple.test.ts
 * compares the two on every config of the repository.
 */

/** What a plain scalar may not start with (YAML's indicators). */
const INDICATOR = /^[-?:,[\]{}#&*!|>'"%@`]/;
const KEY_RE = /^[A-Za-z0-9_][A-Za-z0-9_./-]*$/;
const LINE_RE = /^( *)([^ :#][^ :]*):(?: +(.*))?$/;
const NULL_RE = /^(?:~|[Nn]ull|NULL)$/;
const TRUE_RE = /^(?:[Tt]rue|TRUE)$/;
const FALSE_RE = /^(?:[Ff]alse|FALSE)$/;
const INT_RE = /^(?:0|-?[1-9][0-9]{0,14})$/;
/** yaml's core schema's other numbers (its own tests: yaml/dist/schema/core/{int,float}.js): left to yaml. */
const NUMERIC_RES = [
  /^0o[0-7]+$/,
  /^[-+]?[0-9]+$/,
  /^0x[0-9a-fA-F]+$/,
  /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/,
  /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/,
  /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/,
];

/**
 * Deeper documents are yaml's, whose messages for them (its own stack overflow, or ours past
 * `MAX_DEPTH` in yaml-source.ts) are the ones reported.
 */
const MAX_SIMPLE_DEPTH = 32;

/** Thrown inside, caught at the top: the text is not of the simple form. */
const NOT_SIMPLE = Symbol('not simple');

function notSimple(): never {
  throw NOT_SIMPLE;
}

/** A plain scalar's value as yaml's core schema resolves it; strings that may be numbers are not simple. */
function plainValue(text: string): unknown {
  if (NULL_RE.test(text)) return null;
  if (TRUE_RE.test(text)) return true;
  if (FALSE_RE.test(text)) return false;
  if (INT_RE.test(text)) return Number(text);
  if (NUMERIC_RES.some((re) => re.test(text))) notSimple();
  return text;
}

function scalar(value: unknown, source: string, type: Scalar.Type, start: number, end: number): Scalar {
  const node = new Scalar(value);
  node.range = [start, end, end];
  node.source = source;
  node.type = type;
  return node;
}

function plain(text: string, start: number): Scalar {
  return scalar(plainValue(text), text, 'PLAIN', start, start + text.length);
}

/** One line's flow collections and quoted scalars, from `at`; `base` is the line's offset in the text. */
class FlowReader {
  at = 0;

  constructor(
    private readonly line: string,
    private readonly base: number,
    private readonly doc: Document,
  ) {}

  private spaces(): void {
    while (this.line[this.at] === ' ') this.at += 1;
  }

  quoted(): Scalar {
    const quote = this.line[this.at] as string;
    const close = this.line.indexOf(quote, this.at + 1);
    if (close === -1) notSimple();
    const value = this.line.slice(this.at + 1, close);
    // Escapes, `''` and line folding are yaml's to read.
    if (value.includes('\\') || this.line[close + 1] === quote) notSimple();
    const node = scalar(
      value,
      value,
      quote === '"' ? 'QUOTE_DOUBLE' : 'QUOTE_SINGLE',
      this.base + this.at,
      this.base + close + 1,
    );
    this.at = close + 1;
    return node;
  }

  /** A node inside `{ }` or `[ ]`. */
  node(depth: number): Node {
    const char = this.line[this.at];
    if (char === '{' || char === '[') return this.collection(depth);
    if (char === '"' || char === "'") return this.quoted();
    const match = /^[^,[\]{}:]*/.exec(this.line.slice(this.at)) as RegExpExecArray;
    const text = match[0].trimEnd();
    const next = this.at + match[0].length;
    // `a:b` and `http://x` are one scalar in YAML: yaml's to read.
    if (this.line[next] === ':' && this.line[next + 1] !== ' ') notSimple();
    if (text === '' || (INDICATOR.test(text) && !/^-[^ ]/.test(text)) || text.includes('#')) notSimple();
    const node = plain(text, this.base + this.at);
    this.at += text.length;
    return node;
  }

  collection(depth: number): YAMLMap | YAMLSeq {
    if (depth >= MAX_SIMPLE_DEPTH) notSimple();
    const isMap = this.line[this.at] === '{';
    const node = isMap ? new YAMLMap(this.doc.schema) : new YAMLSeq(this.doc.schema);
    node.flow = true;
    const start = this.at;
    this.at += 1;
    this.spaces();
    const end = isMap ? '}' : ']';
    if (this.line[this.at] !== end) {
      for (;;) {
        this.spaces();
        const item = this.node(depth + 1);
        this.spaces();
        if (isMap) {
          if (this.line[this.at] !== ':' || this.line[this.at + 1] !== ' ' || !(item instanceof Scalar))
            notSimple();
          this.at += 2;
          this.spaces();
          (node as YAMLMap).items.push(new Pair(item, this.node(depth + 1)));
          this.spaces();
        } else (node as YAMLSeq).items.push(item);
        if (this.line[this.at] !== ',') break;
        this.at += 1;
      }
    }
    if (this.line[this.at] !== end) notSimple();
    this.at += 1;
    node.range = [this.base + start, this.base + this.at, this.base + this.at];
    return node;
  }

  /** After a value: nothing, or a comment after a space. */
  rest(): void {
    const rest = this.line.slice(this.at);
    if (rest.trim() !== '' && !/^ +#/.test(rest)) notSimple();
  }
}

/** A value on the line of its key, starting at `column`. */
function inlineValue(line: string, column: number, base: number, doc: Document, depth: number): Node {
  const reader = new FlowReader(line, base, doc);
  reader.at = column;
  const char = line[column];
  if (char === '{' || char === '[' || char === '"' || char === "'") {
    const node = char === '{' || char === '[' ? reader.collection(depth) : reader.quoted();
    reader.rest();
    return node;
  }
  const comment = line.indexOf(' #', column);
  const text = (comment === -1 ? line.slice(column) : line.slice(column, comment)).trimEnd();
  if (INDICATOR.test(text) && !/^-[^ ]/.test(text)) notSimple();
  if (text.endsWith(':') || text.includes(': ') || /[[\]{}]/.test(text)) notSimple();
  return plain(text, base + column);
}

interface Level {
  indent: number;
  map: YAMLMap;
}

/**
 * The Document `parseDocument(text, options)` would build, with `lineStarts` for its LineCounter; or
 * null when the text is not of the simple form (then nothing has been changed).
 */
export function parseSimpleYaml(
  text: string,
  options: DocumentOptions & SchemaOptions & ParseOptions,
): { doc: Document.Parsed; lineStarts: number[] } | null {
  if (/[^\n\x20-\x7e]/.test(text)) return null;
  const doc = new Document(undefined, options);
  const lineStarts: number[] = [0];
  try {
    const stack: Level[] = [];
    // A `key:` line with nothing after it: its value is the block map of the lines below.
    let open: Pair<Scalar, Node | null> | null = null;
    let base = 0;
    for (const line of text.split('\n')) {
      const lineBase = base;
      base += line.length + 1;
      if (base <= text.length) lineStarts.push(base);
      const trimmed = line.trimStart();
      if (trimmed === '' || trimmed.startsWith('#')) continue;
      const match = LINE_RE.exec(line);
      if (match === null) notSimple();
      const indent = (match[1] as string).length;
      const keyText = match[2] as string;
      if (!KEY_RE.test(keyText)) notSimple();
      const key = plain(keyText, lineBase + indent);
      let level = stack[stack.length - 1];
      if (open !== null || level === undefined) {
        if (level !== undefined && indent <= level.indent) notSimple();
        if (level === undefined && indent !== 0) notSimple();
        if (stack.length >= MAX_SIMPLE_DEPTH) notSimple();
        const map = new YAMLMap(doc.schema);
        map.range = [lineBase + indent, lineBase + indent, lineBase + indent];
        if (open !== null) open.value = map;
        else doc.contents = map;
        level = { indent, map };
        stack.push(level);
        open = null;
      } else {
        while (level !== undefined && level.indent > indent) {
          stack.pop();
          level = stack[stack.length - 1];
        }
        if (level === undefined || level.indent !== indent) notSimple();
      }
      const valueText = match[3];
      const pair = new Pair<Scalar, Node | null>(key, null);
      level.map.items.push(pair);
      if (valueText === undefined || valueText === '' || valueText.startsWith('#')) open = pair;
      else pair.value = inlineValue(line, line.length - valueText.length, lineBase, doc, stack.length);
      for (const { map } of stack) map.range = [map.range?.[0] ?? 0, lineBase + line.length, base];
    }
    if (open !== null || doc.contents === null) notSimple();
  } catch (error) {
    if (error === NOT_SIMPLE) return null;
    throw error;
  }
  doc.range = [0, text.length, text.length];
  return { doc: doc as Document.Parsed, lineStarts };
}
