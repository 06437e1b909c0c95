import type { RE2JS } from 're2js';
import { errorMessage, OvrseerError } from '../errors.js';
import { lazyPackage } from './lazy-package.js';

/** Loaded by the first pattern that is not a plain literal. */
const re2js = lazyPackage<typeof import('re2js')>('re2js');

/**
 * A regular expression a user typed (`logs --grep`, `?grep=`, `ready: {log: …}`, the TUI's `/`).
 * JavaScript's engine backtracks: `(a+)+$` takes seconds on a 30-character line, and even `\d+ms`
 * takes seconds on a 64 KiB line of digits — with the supervisor's one thread blocked meanwhile.
 * These run on RE2 (re2js: pure JS, time linear in the line), except for shapes that cannot backtrack,
 * which keep the native engine for its speed (see `compileUserPattern`).
 */
export interface UserPattern {
  /** The text as given. */
  readonly source: string;
  readonly ignoreCase: boolean;
  /** Whether it matches anywhere in `text`. */
  test(text: string): boolean;
  /** Every non-empty match as `[start, end)` code-unit offsets, left to right (for highlights). */
  ranges(text: string): Array<[number, number]>;
}

export interface UserPatternOptions {
  /** Take the text literally. @default false */
  fixed?: boolean;
  /** @default false */
  ignoreCase?: boolean;
  /**
   * JavaScript-style flags (`i`, `m`, `s`; `g`, `y`, `u`, `d` are accepted and mean nothing here: a
   * pattern is tested per line, and RE2 is always Unicode-aware). @default ''
   */
  flags?: string;
  /** Where it came from, for the message (`--grep`, `grep`, `processes.api.ready.log`). @default 'pattern' */
  key?: string;
}

export class UserPatternError extends OvrseerError {
  /** Without the key: what a config issue (which has its own location) shows. */
  readonly reason: string;

  constructor(key: string, source: string, reason: string) {
    super('OVRSEER_PATTERN_INVALID', `${key}: ${JSON.stringify(source)} ${reason}`);
    this.name = 'UserPatternError';
    this.reason = reason;
  }
}

const ESCAPE = /[.*+?^${}()|[\]\\/]/g;
const IGNORED_FLAGS = new Set(['g', 'y', 'u', 'd']);

/** `text` as a JavaScript regex source that matches it literally. */
export function escapeRegex(text: string): string {
  return text.replace(ESCAPE, '\\$&');
}

/**
 * Compiles for matching. Plain literals (nothing to backtrack over) use `includes`, or a native
 * regex of the escaped text when case is ignored — linear either way, and several times faster than
 * re2js. Anything with a quantifier, class or group goes to re2js, with a literal that every match
 * must contain (when there is one) checked first by `includes`/native: most lines of a log do not
 * contain it, and for those re2js is never called. Throws `UserPatternError` (OVRSEER_PATTERN_INVALID).
 */
export function compileUserPattern(source: string, options: UserPatternOptions = {}): UserPattern {
  const key = options.key ?? 'pattern';
  const flags = parseFlags(key, source, options.flags ?? '');
  const ignoreCase = (options.ignoreCase ?? false) || flags.ignoreCase;
  if (options.fixed === true || !/[.*+?^${}()|[\]\\]/.test(source)) {
    return literalPattern(source, ignoreCase);
  }
  const unsupported = unsupportedSyntax(source);
  if (unsupported !== null) throw new UserPatternError(key, source, unsupported);
  const { RE2JS: Re2, RE2JSException } = re2js();
  let re2: RE2JS;
  try {
    const mask =
      (ignoreCase ? Re2.CASE_INSENSITIVE : 0) |
      (flags.multiline ? Re2.MULTILINE : 0) |
      (flags.dotAll ? Re2.DOTALL : 0);
    re2 = Re2.compile(Re2.translateRegExp(source), mask);
  } catch (error) {
    const reason = errorMessage(error).replace(/^error parsing regexp: /, '');
    if (error instanceof RE2JSException) {
      throw new UserPatternError(key, source, `is an invalid regular expression: ${reason}`);
    }
    throw error;
  }
  const required = requiredLiteral(source);
  const prefilter =
    required === null ? null : literalPattern(required.text, ignoreCase || required.ignoreCase);
  return {
    source,
    ignoreCase,
    test: (text) => (prefilter === null || prefilter.test(text)) && re2.test(text),
    ranges: (text) => {
      const out: Array<[number, number]> = [];
      if (prefilter !== null && !prefilter.test(text)) return out;
      for (const match of re2.matchAll(text)) {
        const start = match.index ?? 0;
        if (match[0] !== '') out.push([start, start + match[0].length]);
      }
      return out;
    },
  };
}

/** The reason a pattern cannot be used, or `null`: for config checks, which add their own location. */
export function userPatternProblem(source: string, options: UserPatternOptions = {}): string | null {
  try {
    compileUserPattern(source, options);
    return null;
  } catch (error) {
    if (error instanceof UserPatternError) return `${JSON.stringify(source)} ${error.reason}`;
    throw error;
  }
}

function literalPattern(text: string, ignoreCase: boolean): UserPattern {
  // `iu`: Unicode case folding, the same RE2 uses (`k` also finds the Kelvin sign), so a prefilter
  // never rejects a line RE2 would match. A literal has no quantifier: nothing to backtrack over.
  const regex = ignoreCase ? new RegExp(escapeRegex(text), 'iu') : null;
  const global = new RegExp(escapeRegex(text), ignoreCase ? 'giu' : 'g');
  return {
    source: text,
    ignoreCase,
    test: regex === null ? (line) => line.includes(text) : (line) => regex.test(line),
    ranges: (line) => {
      const out: Array<[number, number]> = [];
      if (text === '') return out;
      for (const match of line.matchAll(global)) out.push([match.index, match.index + match[0].length]);
      return out;
    },
  };
}

function parseFlags(
  key: string,
  source: string,
  flags: string,
): { ignoreCase: boolean; multiline: boolean; dotAll: boolean } {
  for (const flag of flags) {
    if (!'ims'.includes(flag) && !IGNORED_FLAGS.has(flag)) {
      throw new UserPatternError(
        key,
        source,
        `has an unknown flag "${flag}" in "${flags}": use i (ignore case), m (^ and $ per line) or s (. matches newlines)`,
      );
    }
  }
  return { ignoreCase: flags.includes('i'), multiline: flags.includes('m'), dotAll: flags.includes('s') };
}

/**
 * What RE2 leaves out on purpose (it cannot be done in linear time), named so the user knows what to
 * rewrite. Checked before re2js, whose own messages for these are less clear (and which would read
 * `\k<name>` as the letters `k<name>`).
 */
function unsupportedSyntax(source: string): string | null {
  let inClass = false;
  for (let i = 0; i < source.length; i += 1) {
    const char = source[i];
    const next = source[i + 1] ?? '';
    if (char === '\\') {
      if (!inClass && (/[1-9]/.test(next) || (next === 'k' && source[i + 2] === '<'))) {
        return `uses a backreference (\\${next === 'k' ? 'k<…>' : next}), which RE2 does not support (it cannot be matched in linear time): match the repeated text explicitly`;
      }
      i += 1;
    } else if (inClass) {
      if (char === ']') inClass = false;
    } else if (char === '[') {
      inClass = true;
      if (next === ']' || (next === '^' && source[i + 2] === ']')) i += next === '^' ? 2 : 1;
    } else if (char === '(' && next === '?') {
      const kind = source.slice(i + 2, i + 4);
      const name =
        kind.startsWith('=') || kind.startsWith('!')
          ? 'lookahead'
          : kind === '<=' || kind === '<!'
            ? 'lookbehind'
            : kind.startsWith('>')
              ? 'an atomic group'
              : null;
      if (name !== null) {
        return `uses ${name} (${source.slice(i, i + (name === 'lookbehind' ? 4 : 3))}…), which RE2 does not support (it cannot be matched in linear time): match the surrounding text instead`;
      }
    }
  }
  return null;
}

/**
 * The longest run of plain characters at the top level of `source` that every match contains, or
 * `null` when it cannot tell (alternation at the top, escapes with arguments, flag groups other than
 * a leading `(?i)`). Conservative by construction: a wrong answer would hide matching lines.
 */
export function requiredLiteral(source: string): { text: string; ignoreCase: boolean } | null {
  let rest = source;
  let ignoreCase = false;
  if (rest.startsWith('(?i)')) {
    ignoreCase = true;
    rest = rest.slice(4);
  }
  if (/\(\?[a-zA-Z-]/.test(rest.replace(/\(\?P?<[a-zA-Z_]/g, ''))) return null;
  if (/\\[xupPQEc0-9]/.test(rest)) return null;
  let best = '';
  let run = '';
  let depth = 0;
  const endRun = (): void => {
    if (run.length > best.length) best = run;
    run = '';
  };
  for (let i = 0; i < rest.length; i += 1) {
    // An astral character is two code units but one atom: `😀?` makes both optional.
    const code = rest.charCodeAt(i);
    const char = code >= 0xd800 && code <= 0xdbff ? rest.slice(i, i + 2) : (rest[i] ?? '');
    if (char.length === 2) i += 1;
    const quantified = isQuantifier(rest, i + (char === '\\' ? 2 : 1));
    if (char === '\\') {
      const next = rest[i + 1] ?? '';
      i += 1;
      if (depth > 0) continue;
      if (/[a-zA-Z]/.test(next)) {
        const literal = ESCAPED_LETTERS[next];
        if (literal === undefined || quantified.optional) endRun();
        else run += literal;
        if (quantified.any) endRun();
        continue;
      }
      if (quantified.optional) endRun();
      else run += next;
      if (quantified.any) endRun();
      continue;
    }
    if (char === '[') {
      i = classEnd(rest, i);
      if (depth === 0) endRun();
      continue;
    }
    if (char === '(') {
      depth += 1;
      if (depth === 1) endRun();
      continue;
    }
    if (char === ')') {
      depth -= 1;
      continue;
    }
    if (depth > 0) continue;
    if (char === '|') return null;
    if ('.^$'.includes(char)) {
      endRun();
      continue;
    }
    if ('*+?{'.includes(char) && isQuantifier(rest, i).any) {
      i = quantifierEnd(rest, i);
      endRun();
      continue;
    }
    if (quantified.optional) endRun();
    else run += char;
    if (quantified.any) endRun();
  }
  if (depth !== 0) return null;
  endRun();
  return best.length >= 2 ? { text: best, ignoreCase } : null;
}

/** Letter escapes that stand for one fixed character; the others (`\d`, `\b`, …) end a run. */
const ESCAPED_LETTERS: Readonly<Record<string, string>> = { n: '\n', r: '\r', t: '\t', f: '\f', v: '\v' };

/** Whether a quantifier starts at `at`, and whether it allows zero (then the atom is optional). */
function isQuantifier(source: string, at: number): { any: boolean; optional: boolean } {
  const char = source[at];
  if (char === '*' || char === '?') return { any: true, optional: true };
  if (char === '+') return { any: true, optional: false };
  if (char === '{') {
    const match = /^\{(\d*)(,\d*)?\}/.exec(source.slice(at));
    if (match === null || (match[1] === '' && match[2] === undefined)) return { any: false, optional: false };
    // `{2}` repeats the atom: the run must end, and `{0,…}`/`{,…}` makes it optional.
    return { any: true, optional: match[1] === '' || Number(match[1]) === 0 };
  }
  return { any: false, optional: false };
}

function quantifierEnd(source: string, at: number): number {
  let end = at;
  if (source[at] === '{') end = source.indexOf('}', at);
  return source[end + 1] === '?' || source[end + 1] === '+' ? end + 1 : end;
}

/** Index of the `]` closing the class that opens at `at`. */
function classEnd(source: string, at: number): number {
  let i = at + 1;
  if (source[i] === '^') i += 1;
  if (source[i] === ']') i += 1;
  for (; i < source.length; i += 1) {
    if (source[i] === '\\') i += 1;
    else if (source[i] === '[' && source[i + 1] === ':') {
      const close = source.indexOf(':]', i + 2);
      if (close !== -1) i = close + 1;
    } else if (source[i] === ']') return i;
  }
  return source.length;
}
