/*
 * `entrypoint` and `command` as compose runs them: no shell. A string is split into words the way
 * compose-go splits a ShellCommand (github.com/mattn/go-shellwords: blanks separate words, single quotes
 * are literal, double quotes group, a backslash escapes the next character); the program is the
 * entrypoint's words followed by the command's (compose-spec 05-services.md, `entrypoint`: "command is
 * appended as arguments").
 */
import type { CommandInput } from '../input.js';
import type { Path } from '../yaml-source.js';
import type { ComposeService } from './compose-schema.js';

export type Words = { ok: true; words: string[] } | { ok: false; message: string };

const OPERATORS = ';&|<>';

/** Splits a compose command string; a shell operator outside quotes is refused (no shell runs it). */
export function composeWords(text: string): Words {
  const words: string[] = [];
  let word: string | null = null;
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] ?? '';
    if (quote === "'") {
      if (c === "'") quote = null;
      else word += c;
    } else if (c === '\\' && i + 1 < text.length) {
      word = (word ?? '') + (text[++i] ?? '');
    } else if (quote === '"') {
      if (c === '"') quote = null;
      else word += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      word ??= '';
    } else if (/\s/.test(c)) {
      if (word !== null) words.push(word);
      word = null;
    } else if (OPERATORS.includes(c)) {
      return {
        ok: false,
        message: `"${c}" outside quotes: compose runs the command without a shell; write [sh, -c, ${JSON.stringify(text)}] to run it by one`,
      };
    } else word = (word ?? '') + c;
  }
  if (quote !== null) return { ok: false, message: `unterminated ${quote} quote in ${JSON.stringify(text)}` };
  if (word !== null) words.push(word);
  return { ok: true, words };
}

/** A word for /bin/sh taken literally (no expansion of `$`). */
function literal(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}

/**
 * A compose command string kept with its `${VAR}` (init mode) as a /bin/sh script that means the same:
 * sh splits words and treats quotes as go-shellwords does, expands `${VAR}` forms as compose would at
 * load time (both give an empty string for an unset variable), and compose's `$$` becomes a `$` that sh
 * leaves alone.
 */
function shellScriptOf(text: string): string {
  let out = '';
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] ?? '';
    if (c === '$' && text[i + 1] === '$') {
      out += quote === "'" ? '$' : '\\$';
      i += 1;
      continue;
    }
    if (quote === null && (c === '"' || c === "'")) quote = c;
    else if (c === quote) quote = null;
    else if (c === '\\' && quote !== "'") {
      out += c + (text[i + 1] ?? '');
      i += 1;
      continue;
    }
    out += c;
  }
  return out;
}

type Part = NonNullable<ComposeService['command']>;

/**
 * The command of a service run on this machine, or `null` when it has none. In `init` mode a string
 * part that still holds a `${VAR}` becomes a shell script (see `shellScriptOf`); otherwise the words
 * are exec'd as compose would.
 */
export function composeCommand(
  s: ComposeService,
  path: Path,
  mode: 'run' | 'init',
): { command: CommandInput | null; error?: { path: Path; message: string } } {
  if (s.command === undefined || s.command === null) return { command: null };
  const parts: Array<[string, Part]> = [];
  if (s.entrypoint !== undefined && s.entrypoint !== null) parts.push(['entrypoint', s.entrypoint]);
  parts.push(['command', s.command]);
  for (const [key, part] of parts) {
    const split = typeof part === 'string' ? composeWords(part) : null;
    if (split !== null && !split.ok)
      return { command: null, error: { path: [...path, key], message: split.message } };
  }
  const expandLater =
    mode === 'init' && parts.some(([, part]) => typeof part === 'string' && part.includes('$'));
  if (expandLater) {
    const script = parts.map(([, part]) =>
      typeof part === 'string' ? shellScriptOf(part) : part.map(literal).join(' '),
    );
    return { command: { kind: 'shell', script: script.join(' ') } };
  }
  const argv: string[] = [];
  for (const [, part] of parts) {
    if (Array.isArray(part)) {
      argv.push(...part);
      continue;
    }
    const split = composeWords(part);
    if (split.ok) argv.push(...split.words);
  }
  if (argv.length === 0)
    return { command: null, error: { path: [...path, 'command'], message: 'the command is empty' } };
  return { command: { kind: 'argv', argv } };
}
