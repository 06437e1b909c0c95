import stripAnsi from 'strip-ansi';
import { compileUserPattern, type UserPattern, UserPatternError } from '../config/user-pattern.js';
import type { Colors } from './format.js';

/** A `/` search as the log pane uses it: the store's grep, and the same pattern for highlighting. */
export interface SearchPattern {
  text: string;
  /** For `LogQuery`: the text as typed, as a regex unless it is not a valid one. */
  grep: string;
  fixed: boolean;
  ignoreCase: boolean;
  /** Finds every match in a line (RE2, as the store's grep: a typed pattern cannot stall the TUI). */
  matcher: UserPattern;
}

/**
 * Smart case (all lower case matches any case, like vim's `smartcase`), and a regular expression
 * when the text is one; otherwise the text is searched for literally (`a(b` finds "a(b").
 */
export function compileSearch(text: string): SearchPattern | null {
  if (text === '') return null;
  const ignoreCase = text === text.toLowerCase();
  try {
    const matcher = compileUserPattern(text, { ignoreCase, key: 'search' });
    return { text, grep: text, fixed: false, ignoreCase, matcher };
  } catch (error) {
    if (!(error instanceof UserPatternError)) throw error;
    // Not a pattern RE2 takes: the user most likely meant the characters themselves.
    const matcher = compileUserPattern(text, { fixed: true, ignoreCase });
    return { text, grep: text, fixed: true, ignoreCase, matcher };
  }
}

/**
 * `text` with every non-empty match highlighted. Colour codes of the line itself are dropped when it
 * has a match, since a highlight cannot be nested inside them reliably.
 */
export function highlight(text: string, matcher: UserPattern, c: Colors): { text: string; matched: boolean } {
  const plain = text.includes('\u001b') ? stripAnsi(text) : text;
  const ranges = matcher.ranges(plain);
  if (ranges.length === 0) return { text, matched: false };
  let out = '';
  let last = 0;
  for (const [start, end] of ranges) {
    out += plain.slice(last, start) + c.bgYellow(c.black(plain.slice(start, end)));
    last = end;
  }
  return { text: out + plain.slice(last), matched: true };
}
