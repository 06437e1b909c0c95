import type { LineBatch } from '../core/line-batch.js';

/** Severity of a log entry, lowest first. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];

/** Numeric codes, in `LOG_LEVELS` order: the ring stores these, comparisons are `>=`. */
export const DEBUG = 0;
export const INFO = 1;
export const WARN = 2;
export const ERROR = 3;

export function levelCode(level: LogLevel): number {
  return LOG_LEVELS.indexOf(level);
}

export function levelName(code: number): LogLevel {
  return LOG_LEVELS[code] ?? 'info';
}

export function isLogLevel(value: string): value is LogLevel {
  return (LOG_LEVELS as readonly string[]).includes(value);
}

/** Level names as programs write them, lower-cased, mapped onto our four. */
const WORDS = new Map<string, number>([
  ['trace', DEBUG],
  ['verbose', DEBUG],
  ['debug', DEBUG],
  ['dbg', DEBUG],
  ['d', DEBUG],
  ['info', INFO],
  ['inf', INFO],
  ['information', INFO],
  ['notice', INFO],
  ['default', INFO],
  ['i', INFO],
  ['warn', WARN],
  ['warning', WARN],
  ['wrn', WARN],
  ['w', WARN],
  ['error', ERROR],
  ['err', ERROR],
  ['eror', ERROR],
  ['fatal', ERROR],
  ['critical', ERROR],
  ['crit', ERROR],
  ['severe', ERROR],
  ['panic', ERROR],
  ['alert', ERROR],
  ['emerg', ERROR],
  ['emergency', ERROR],
  ['e', ERROR],
  ['f', ERROR],
]);

/** Level of a word (`WARN`, `Warning`, `e`), or -1 when it is not one. */
export function levelOfWord(word: string): number {
  return WORDS.get(word.toLowerCase()) ?? -1;
}

/**
 * Numeric levels: pino and bunyan use 10 (trace) … 60 (fatal); syslog severities are 0 (emerg) … 7
 * (debug). Values under 10 can only be syslog's.
 */
export function levelOfNumber(value: number): number {
  if (value < 10) return value <= 3 ? ERROR : value === 4 ? WARN : value <= 6 ? INFO : DEBUG;
  return value < 30 ? DEBUG : value < 40 ? INFO : value < 50 ? WARN : ERROR;
}

/** `"level": "warn"` / `"severity": 50` / `"lvl": "E"` — the first such key in a JSON object line. */
const JSON_LEVEL = /"(?:level|severity|lvl)"\s*:\s*(?:"([A-Za-z]+)"|(\d+))/;

/**
 * A leading level word, after optional ANSI colour codes, an optional timestamp and optional brackets:
 * `ERROR x`, `[warn] x`, `2024-05-01T10:00:00Z INFO x`, `W0501 10:00:00.1 x` (glog), `E/Tag: x`
 * (logcat), `level=warn x` (logfmt). The word must end at a separator, so `errors: 3` is not an error.
 */
const ANSI = `(?:${String.fromCharCode(0x1b)}\\[[\\d;]*m)*`;
const TIMESTAMP = String.raw`(?:\[?(?:\d{4}-\d\d-\d\d[T ])?\d\d:\d\d:\d\d(?:[.,]\d+)?(?:Z|[+-]\d\d:?\d\d)?\]?\s+)?`;
const LOGFMT = String.raw`(?:(?:time|ts|t)=\S+\s+)?(?:(?:level|lvl|severity)=)?`;
const LEADING = new RegExp(
  `^${ANSI}${TIMESTAMP}${LOGFMT}([[(<]?)${ANSI}([A-Za-z]{1,11})${ANSI}([\\])>:|/,\\s]|$)`,
);

const LEFT_BRACE = 0x7b;

/** glog: a severity letter glued to the month and day, `W0501 10:00:00.123456 …`. */
const GLOG = /^([IWEF])\d{4} \d\d:/;

/** Non-letters a level prefix can start with: brackets, an ANSI escape, a timestamp's digits. */
const CANDIDATE = new Uint8Array(128);
for (const char of '[(<\x1b0123456789') CANDIDATE[char.charCodeAt(0)] = 1;

/**
 * The first two characters (lower-cased) of everything a line can start with when its first character
 * is a letter: level words, logfmt keys, `W:` / `E/` and glog's `W0501`. Most lines fail this check,
 * which keeps them away from the regular expression.
 */
const PAIRS = new Set<number>();
const pair = (a: string, b: string): number => (a.charCodeAt(0) << 8) | b.charCodeAt(0);
for (const word of [...WORDS.keys(), 'time=', 'ts=', 't=', 'level=', 'lvl=']) {
  if (word.length > 1) PAIRS.add(pair(word[0] ?? '', word[1] ?? ''));
}
for (const letter of 'diwef') for (const after of ':/') PAIRS.add(pair(letter, after));
for (const letter of 'iwef') for (const digit of '0123456789') PAIRS.add(pair(letter, digit));

function lower(code: number): number {
  return code >= 65 && code <= 90 ? code | 0x20 : code;
}

/** The level a line announces: JSON fields first, then a leading word; `info` when it says nothing. */
export function detectLevel(text: string): number {
  const first = text.charCodeAt(0);
  if (first === LEFT_BRACE) return detectJsonLevel(text);
  const letter = lower(first);
  if (letter >= 97 && letter <= 122) {
    if (!PAIRS.has((letter << 8) | lower(text.charCodeAt(1)))) return INFO;
    const word = leadingWord(text);
    if (word !== null) return word;
  } else if (!(first < 128 && CANDIDATE[first] === 1)) {
    return INFO;
  }
  const glog = GLOG.exec(text);
  if (glog !== null) return levelOfWord(glog[1] ?? 'i');
  const match = LEADING.exec(text);
  if (match === null) return INFO;
  const [, bracket = '', word = '', end = ''] = match;
  // A single letter counts only in a form that marks it as a level: `[W]`, `W:`, `E/Tag`.
  if (word.length === 1 && bracket === '' && !':/'.includes(end === '' ? ' ' : end)) return INFO;
  const level = levelOfWord(word);
  return level === -1 ? INFO : level;
}

const SEPARATORS = new Set([...'])>:|/, \t'].map((char) => char.charCodeAt(0)));

/**
 * The common case without the regular expression: a line that starts with a word (`ERROR x`,
 * `Warning: y`). `null` when the expression must decide — a glog prefix or a logfmt key.
 */
function leadingWord(text: string): number | null {
  let end = 0;
  for (let code = lower(text.charCodeAt(0)); code >= 97 && code <= 122; code = lower(text.charCodeAt(end))) {
    end += 1;
    if (end > 11) return INFO;
  }
  const next = text.charCodeAt(end);
  if (next === 0x3d || (end === 1 && next >= 0x30 && next <= 0x39)) return null;
  if (end < text.length && !SEPARATORS.has(next)) return INFO;
  // A single letter counts only in a form that marks it as a level: `W:`, `E/Tag`.
  if (end === 1 && next !== 0x3a && next !== 0x2f) return INFO;
  const level = levelOfWord(text.slice(0, end));
  return level === -1 ? INFO : level;
}

/**
 * `detectLevel` for line `index` of a batch, read from its bytes: the first two decide for most lines,
 * which are then never made into strings. The same rules, so the same answer, as `detectLevel`.
 */
export function detectBatchLevel(lines: LineBatch, index: number): number {
  const start = lines.starts[index] ?? 0;
  const end = lines.ends[index] ?? 0;
  if (start === end) return INFO;
  const first = lines.bytes[start] as number;
  if (first !== LEFT_BRACE) {
    const letter = lower(first);
    if (letter >= 97 && letter <= 122) {
      const second = start + 1 < end ? lower(lines.bytes[start + 1] as number) : 0;
      if (!PAIRS.has((letter << 8) | second)) return INFO;
    } else if (!(first < 128 && CANDIDATE[first] === 1)) {
      return INFO;
    }
  }
  return detectLevel(lines.text(index));
}

/** The levels a sink was given, or — when it was given none (`LogSink.writeLines`) — detected now. */
export function levelsOf(lines: LineBatch, levels: Uint8Array | null): Uint8Array {
  if (levels !== null) return levels;
  const detected = new Uint8Array(lines.count);
  for (let i = 0; i < lines.count; i += 1) detected[i] = detectBatchLevel(lines, i);
  return detected;
}

/** `detectLevel` as a name: what level a line of output announces. */
export function detectLogLevel(text: string): LogLevel {
  return levelName(detectLevel(text));
}

function detectJsonLevel(text: string): number {
  const match = JSON_LEVEL.exec(text);
  if (match === null) return INFO;
  if (match[1] !== undefined) {
    const level = levelOfWord(match[1]);
    return level === -1 ? INFO : level;
  }
  return levelOfNumber(Number(match[2]));
}
