import stripAnsi from 'strip-ansi';
import type { Colors } from './format.js';

/** A `/` search as the log pane uses it: the store's grep, and a global regex for highlighting. */
export interface SearchPattern {
  text: string;
  /** For `LogQuery`: the text as typed, as a regex unless it is not a valid one. */
  grep: string;
  fixed: boolean;
  ignoreCase: boolean;
  /** Global, for finding every match in a line. */
  regex: RegExp;
}

/**
 * Smart case (all lower case matches any case, like vim's `smartcase`), and a regular expression
 * when the text is one; otherwise the text is searched for literally (`a(b` finds "a(b").
 */
export function compileSearch(text: string): SearchPattern | null {
  if (text === '') return null;
  const ignoreCase = text === text.toLowerCase();
  const flags = ignoreCase ? 'gi' : 'g';
  const regex = toRegex(text, flags);
  if (regex !== null) return { text, grep: text, fixed: false, ignoreCase, regex };
  // Not a valid expression: the user most likely meant the characters themselves.
  const escaped = text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  return { text, grep: text, fixed: true, ignoreCase, regex: new RegExp(escaped, flags) };
}

function toRegex(source: string, flags: string): RegExp | null {
  try {
    return new RegExp(source, flags);
  } catch {
    return null;
  }
}

/**
 * `text` with every non-empty match of `regex` highlighted. Colour codes of the line itself are
 * dropped when it has a match, since a highlight cannot be nested inside them reliably.
 */
export function highlight(text: string, regex: RegExp, c: Colors): { text: string; matched: boolean } {
  const plain = text.includes('\u001b') ? stripAnsi(text) : text;
  let out = '';
  let last = 0;
  let matched = false;
  regex.lastIndex = 0;
  for (const match of plain.matchAll(regex)) {
    if (match[0] === '') continue;
    matched = true;
    out += plain.slice(last, match.index) + c.bgYellow(c.black(match[0]));
    last = match.index + match[0].length;
  }
  if (!matched) return { text, matched };
  return { text: out + plain.slice(last), matched };
}
