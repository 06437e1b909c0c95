import { composeSubstitute } from './dotenv-compose.js';
import { parseHonchoLine } from './dotenv-shlex.js';
import type { EnvDialect, EnvVars } from './env.js';
import type { Variables } from './interpolate.js';
import { lazyPackage } from './lazy-package.js';

/** dotenv's module requires node:crypto (for its vault) and node:os on load: only when an env file is read. */
const dotenv = lazyPackage<typeof import('dotenv')>('dotenv');

/** A problem at a 1-based line of an env file. */
export interface EnvTextProblem {
  line: number;
  message: string;
}

export interface ParsedEnvText {
  vars: EnvVars;
  /** What the original tool refuses (compose: an unterminated quote); the file is not used. */
  errors: EnvTextProblem[];
  /** Lines the original tool skips without a word (foreman, honcho): said here as warnings. */
  ignored: EnvTextProblem[];
}

/**
 * Parses the text of an env file by the rules of one tool. `vars` are the shell's variables: compose
 * and godotenv expand `${VAR}` from them and from the lines above.
 */
export function parseEnvText(text: string, dialect: EnvDialect, vars: Variables = {}): ParsedEnvText {
  switch (dialect) {
    case 'ovrseer':
      return { vars: dotenv().parse(text), errors: [], ignored: [] };
    case 'foreman':
      return parseForeman(text);
    case 'honcho':
      return parseHoncho(text);
    default:
      return parseGoDotenv(text, dialect, vars);
  }
}

const FOREMAN_LINE_RE = /^([A-Za-z_0-9]+)=([\s\S]*)$/;

/**
 * foreman's `Foreman::Env` (lib/foreman/env.rb): `KEY=value` lines only (no `export`, no comments —
 * `#` is part of a value —, no interpolation, one line each); `'…'` kept as written; `"…"` with `\n`
 * a newline and `\X` an X.
 */
function parseForeman(text: string): ParsedEnvText {
  const vars: EnvVars = {};
  const ignored: EnvTextProblem[] = [];
  text
    .replace(/\r\n/g, '\n')
    .split('\n')
    .forEach((line, index) => {
      const match = FOREMAN_LINE_RE.exec(line);
      if (match === null) {
        // A comment is skipped by foreman as it is meant to be; only a line that looks like a setting is news.
        const quiet = line.trim() === '' || line.trimStart().startsWith('#');
        if (!quiet) ignored.push({ line: index + 1, message: ignoredLine('foreman', line) });
        return;
      }
      const [, key = '', value = ''] = match;
      const single = /^'([\s\S]*)'$/.exec(value);
      const double = /^"([\s\S]*)"$/.exec(value);
      if (single !== null) vars[key] = single[1] ?? '';
      else if (double !== null) vars[key] = (double[1] ?? '').replace(/\\n/g, '\n').replace(/\\(.)/g, '$1');
      else vars[key] = value;
    });
  return { vars, errors: [], ignored };
}

/**
 * honcho's `environ.parse` (honcho/environ.py): each line split by Python's `shlex` (POSIX mode), kept
 * when it is exactly NAME `=` VALUE-TOKENS; the value tokens are joined without spaces, then `\n` and
 * `\t` become a newline and a tab (in any quotes).
 */
function parseHoncho(text: string): ParsedEnvText {
  const vars: EnvVars = {};
  const errors: EnvTextProblem[] = [];
  const ignored: EnvTextProblem[] = [];
  // Python's str.splitlines() line boundaries.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: \x1c-\x1e are line boundaries for Python
  text.split(/\r\n|[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]/).forEach((line, index) => {
    const parsed = parseHonchoLine(line);
    if (parsed.kind === 'error') errors.push({ line: index + 1, message: parsed.message });
    else if (parsed.kind === 'skip') {
      if (parsed.tokens > 0) ignored.push({ line: index + 1, message: ignoredLine('honcho', line) });
    } else vars[parsed.key] = parsed.value;
  });
  return { vars, errors, ignored };
}

function ignoredLine(tool: string, line: string): string {
  const shown = line.length > 60 ? `${line.slice(0, 57)}...` : line;
  return `${JSON.stringify(shown)} is not a NAME=value line ${tool} reads: ${tool} skips it, and so does ovrseer`;
}

/**
 * docker compose's parser (compose-go dotenv/parser.go) and joho/godotenv's, which it derives from:
 * statements over the whole text (quoted values may span lines), `export ` prefix, `KEY=v` or
 * `KEY: v`, `#` a comment at a statement's start or after a space in an unquoted value, `'…'`
 * literal but for `\'`, `"…"` with escapes, `${VAR}` interpolation from the shell and earlier lines.
 */
function parseGoDotenv(text: string, dialect: EnvDialect, shell: Variables): ParsedEnvText {
  const vars: EnvVars = {};
  const errors: EnvTextProblem[] = [];
  const src = dialect === 'godotenv' ? text.replace(/---\n/g, '\n').replace(/\r\n/g, '\n') : text;
  const lineAt = (offset: number): number => src.slice(0, offset).split('\n').length;
  let pos = 0;
  const expand = (value: string, at: number): string | null => {
    if (dialect === 'compose-raw') return value;
    if (dialect === 'godotenv') return expandGodotenv(value, vars, shell);
    // compose looks a name up in the shell first, then in the lines above.
    const result = composeSubstitute(value, (name) => shell[name] ?? vars[name]);
    if (result.ok) return result.value;
    errors.push({ line: lineAt(at), message: result.message });
    return null;
  };
  while (pos < src.length) {
    pos = statementStart(src, pos);
    if (pos >= src.length) break;
    const start = pos;
    let rest = src.slice(pos).replace(/^[\t\v\f\r \x85\xa0]+/, '');
    pos = src.length - rest.length;
    const exported = /^export[\t\v\f\r \x85\xa0]+/.exec(rest);
    if (exported !== null) {
      rest = rest.slice(exported[0].length);
      pos += exported[0].length;
    }
    const keyMatch = /^([^=:\n]*)([=:\n]|$)/.exec(rest);
    const rawKey = keyMatch?.[1] ?? '';
    const key = rawKey.replace(/[\t\v\f\r \x85\xa0]+$/, '');
    const bad = [...key].find((ch) => !/[\p{L}\p{N}_.]/u.test(ch));
    if (bad !== undefined) {
      const message = /\s/.test(bad)
        ? `the variable name ${JSON.stringify(key)} holds a space`
        : `unexpected character ${JSON.stringify(bad)} in variable name ${JSON.stringify(key)}`;
      errors.push({ line: lineAt(start), message });
      break;
    }
    const terminator = keyMatch?.[2] ?? '';
    pos += rawKey.length + terminator.length;
    if (terminator === '\n' || terminator === '') {
      // A name alone on its line takes the shell's value (compose); godotenv refuses it.
      if (dialect === 'godotenv') {
        errors.push({ line: lineAt(start), message: `${JSON.stringify(key)} has no "=" and no value` });
        break;
      }
      const inherited = shell[key];
      if (inherited !== undefined) vars[key] = inherited;
      continue;
    }
    const spaces = /^[\t\v\f\r \x85\xa0]*/.exec(src.slice(pos))?.[0] ?? '';
    pos += spaces.length;
    const quote = src[pos];
    if (quote === '"' || quote === "'") {
      let end = pos + 1;
      while (end < src.length && !(src[end] === quote && src[end - 1] !== '\\')) end += 1;
      if (end >= src.length) {
        const lineEnd = src.indexOf('\n', pos);
        const shown = src.slice(pos, lineEnd === -1 ? undefined : lineEnd);
        errors.push({ line: lineAt(pos), message: `unterminated quoted value ${shown}` });
        break;
      }
      const inner = src.slice(pos + 1, end);
      const value =
        quote === "'"
          ? dialect === 'godotenv'
            ? inner
            : inner.replace(/\\'/g, "'")
          : expand(dialect === 'godotenv' ? godotenvEscapes(inner) : composeEscapes(inner), pos);
      if (value === null) break;
      vars[key] = value;
      pos = end + 1;
      // What follows the closing quote up to the end of the line is a comment or blank.
      const lineEnd = src.indexOf('\n', pos);
      pos = lineEnd === -1 ? src.length : lineEnd;
      continue;
    }
    const lineEnd = src.indexOf('\n', pos);
    const line = src.slice(pos, lineEnd === -1 ? undefined : lineEnd);
    pos = lineEnd === -1 ? src.length : lineEnd;
    const value = expand(withoutComment(line, dialect).replace(/[\s]+$/, ''), pos);
    if (value === null) break;
    vars[key] = value;
  }
  return { vars, errors, ignored: [] };
}

/** Skips blank space (newlines too) and `#` comment lines. */
function statementStart(src: string, from: number): number {
  let pos = from;
  for (;;) {
    while (pos < src.length && /\s/.test(src[pos] ?? '')) pos += 1;
    if (src[pos] !== '#') return pos;
    const lineEnd = src.indexOf('\n', pos);
    if (lineEnd === -1) return src.length;
    pos = lineEnd;
  }
}

/** compose: ` #` starts a comment; godotenv: a `#` after any blank (tab too). */
function withoutComment(line: string, dialect: EnvDialect): string {
  if (dialect === 'godotenv') {
    const match = /[\t\v\f\r \x85\xa0]#/.exec(line);
    return match === null ? line : line.slice(0, match.index);
  }
  const index = line.indexOf(' #');
  return index === -1 ? line : line.slice(0, index);
}

const COMPOSE_ESCAPES: Readonly<Record<string, string>> = {
  a: '\x07',
  b: '\b',
  c: 'c',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  '"': '"',
  '\\': '\\',
};

/**
 * compose-go's `expandEscapes`: Go's escapes in double quotes (`\n`, `\t`, `\"`, `\\`, `\0NNN` octal…);
 * `\$` becomes `$$`, a literal `$` for the interpolation that follows; anything else stays as written.
 */
function composeEscapes(text: string): string {
  return text.replace(/\\(?:[abcfnrtv$"\\]|0\d{0,3})/g, (match) => {
    const c = match.slice(1);
    if (c === '$') return '$$';
    if (c.startsWith('0')) {
      const digits = c.slice(1);
      return digits === ''
        ? '\0'
        : /^[0-7]{3}$/.test(digits)
          ? String.fromCharCode(Number.parseInt(digits, 8))
          : match;
    }
    return COMPOSE_ESCAPES[c] ?? match;
  });
}

/** godotenv's `expandEscapes`: `\n`, `\r`; then `\X` is X except before `$` (kept for expansion). */
function godotenvEscapes(text: string): string {
  return text
    .replace(/\\./g, (match) => (match === '\\n' ? '\n' : match === '\\r' ? '\r' : match))
    .replace(/\\([^$])/g, '$1');
}

/** godotenv's `expandVariables`: `$VAR`, `${VAR}` (upper case, digits, `_`), `\$` literal; unset → ''. */
function expandGodotenv(value: string, vars: EnvVars, shell: Variables): string {
  return value.replace(/(\\)?(\$)(\()?\{?([A-Z0-9_]+)?\}?/g, (whole, escaped, _dollar, _paren, name) => {
    if (escaped === '\\') return whole.slice(1);
    if (name === undefined) return whole;
    return vars[name] ?? shell[name] ?? '';
  });
}
