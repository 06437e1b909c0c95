/**
 * The part of Python's `shlex.shlex(line, posix=True)` that honcho's `.env` parser uses: default
 * word characters, `#` comments, `'` and `"` quotes, `\` escapes (inside double quotes only before
 * `"` and `\`), every other character a token of its own.
 */
const WORD_CHARS = new Set(
  'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_ßàáâãäåæçèéêëìíîïðñòóôõöøùúûüýþÿÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÐÑÒÓÔÕÖØÙÚÛÜÝÞ',
);
const WHITESPACE = new Set([' ', '\t', '\r', '\n']);

export function shlexTokens(line: string): string[] | { error: string } {
  const tokens: string[] = [];
  const chars = [...line];
  let i = 0;
  while (i <= chars.length) {
    let token = '';
    let quoted = false;
    let state: 'space' | 'word' | "'" | '"' | 'escape' = 'space';
    let escapedState: 'word' | '"' = 'word';
    let done = false;
    while (!done) {
      const ch = chars[i];
      i += 1;
      if (state === 'space') {
        if (ch === undefined) done = true;
        else if (WHITESPACE.has(ch)) done = token !== '' || quoted;
        else if (ch === '#') i = chars.length + 1;
        else if (ch === '\\') [escapedState, state] = ['word', 'escape'];
        else if (WORD_CHARS.has(ch)) [token, state] = [ch, 'word'];
        else if (ch === "'" || ch === '"') state = ch;
        else [token, done] = [ch, true];
      } else if (state === "'" || state === '"') {
        quoted = true;
        if (ch === undefined) return { error: 'no closing quotation' };
        if (ch === state) state = 'word';
        else if (ch === '\\' && state === '"') [escapedState, state] = ['"', 'escape'];
        else token += ch;
      } else if (state === 'escape') {
        if (ch === undefined) return { error: 'no escaped character after "\\"' };
        // In double quotes a backslash escapes only `"` and `\`; before anything else it stays.
        if (escapedState === '"' && ch !== '\\' && ch !== '"') token += '\\';
        token += ch;
        state = escapedState;
      } else if (ch === undefined) done = true;
      else if (WHITESPACE.has(ch)) [state, done] = ['space', token !== '' || quoted];
      else if (ch === '#') {
        i = chars.length + 1;
        [state, done] = ['space', token !== '' || quoted];
      } else if (ch === "'" || ch === '"') state = ch;
      else if (ch === '\\') [escapedState, state] = ['word', 'escape'];
      else if (WORD_CHARS.has(ch)) token += ch;
      else {
        // Punctuation ends the word and is read again as a token of its own.
        i -= 1;
        [state, done] = ['space', token !== '' || quoted];
      }
    }
    if (token === '' && !quoted) {
      if (i > chars.length) break;
      continue;
    }
    tokens.push(token);
  }
  return tokens;
}

export type HonchoLine =
  | { kind: 'set'; key: string; value: string }
  | { kind: 'skip'; tokens: number }
  | { kind: 'error'; message: string };

/** One line as honcho's `environ.parse` reads it. */
export function parseHonchoLine(line: string): HonchoLine {
  const tokens = shlexTokens(line);
  if (!Array.isArray(tokens)) return { kind: 'error', message: tokens.error };
  const [name = '', op, ...rest] = tokens;
  // honcho's `re.match` checks the start of the name only.
  if (rest.length === 0 || op !== '=' || !/^[A-Za-z_]/.test(name))
    return { kind: 'skip', tokens: tokens.length };
  const value = rest.join('').replaceAll('\\n', '\n').replaceAll('\\t', '\t');
  return { kind: 'set', key: name, value };
}
