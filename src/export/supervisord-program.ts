import type { ProcessSpec } from '../config/spec.js';
import { shQuote } from '../shell-quote.js';
import { argvOf, foremanVars, resolvedArgv, wholeProcess } from './common.js';
import type { Vars } from './env.js';
import type { Notes } from './notes.js';

/** supervisord expands `%(name)s` in most values (Python's ConfigParser): a literal `%` is `%%`. */
export function percent(text: string): string {
  return text.replaceAll('%', '%%');
}

// Stands for supervisord's `%(process_num)d` until the rest of the text has had its `%` escaped.
const NUM = '\u0000NUM\u0000';

function withNum(text: string): string {
  return percent(text).replaceAll(NUM, '%(process_num)d');
}

/** A word for /bin/sh in which `$PORT` and `$PS` (alone, braced, or `${PORT:-3000}`) still expand. */
function shWordKeeping(word: string): string {
  const parts = word.split(/(\$\{(?:PORT|PS)(?::?[-+?][\w.:/-]*)?\}|\$(?:PORT|PS)\b)/);
  const keep = (reference: string): string => {
    const name = /^\$\{?(PORT|PS)\}?$/.exec(reference)?.[1];
    return name === undefined ? `"${reference}"` : `"$${name}"`;
  };
  return parts.map((part, i) => (i % 2 === 1 ? keep(part) : part === '' ? '' : shQuote(part))).join('');
}

/**
 * The `command=` line. supervisord splits it like a POSIX shell (shlex) without running one. With
 * replicas, `numprocs` gives each copy its number, but PORT must be port + number - 1: a small
 * /bin/sh wrapper computes it, as ovrseer does for each replica.
 */
export function commandLine(process: ProcessSpec, searchPath: string | undefined, notes: Notes): string {
  const { command } = process;
  const resolve = (argv: string[]): string[] =>
    resolvedArgv(argv, searchPath, (program) =>
      notes.process(process.name, 'command', `${program} is not on this PATH; supervisord looks in its own`),
    );
  if (process.replicas <= 1) {
    const argv = argvOf(command, foremanVars(wholeProcess(process)));
    return percent(resolve(argv).map(shQuote).join(' '));
  }
  const port = process.port === null ? '' : `PORT=$((${process.port} + ${NUM} - 1)); export PORT; `;
  if (command.kind === 'shell')
    return withNum([command.shell, '-c', `${port}${command.script}`].map(shQuote).join(' '));
  const words = resolve(command.argv).map(shWordKeeping).join(' ');
  return withNum(['/bin/sh', '-c', `${port}exec ${words}`].map(shQuote).join(' '));
}

/**
 * `environment=` is read by Python's shlex without POSIX escapes, and each value loses its outer quote
 * characters: a value is quoted with whichever quote it does not contain, and values that would not
 * survive (both quotes, a newline, a quote at either end) are left out, with a note.
 */
export function environmentLine(process: ProcessSpec, vars: Readonly<Vars>, notes: Notes): string {
  const entries: string[] = [];
  const all: Vars = { ...vars };
  if (process.replicas > 1) all.PS = `${process.name}.${NUM}`;
  else if (process.port !== null) all.PORT = String(process.port);
  if (process.replicas <= 1) all.PS = process.name;
  for (const [key, value] of Object.entries(all)) {
    const quote = value.includes('"') ? "'" : '"';
    const fits =
      /^[A-Za-z0-9_./+():-]+$/.test(key) &&
      !/[\n\r]/.test(value) &&
      !(value.includes('"') && value.includes("'")) &&
      !/^['"]|['"]$/.test(value);
    if (!fits) {
      notes.process(
        process.name,
        `env.${key}`,
        'supervisord cannot hold this value in environment= (quotes or newlines)',
      );
      continue;
    }
    entries.push(`${key}=${quote}${value}${quote}`);
  }
  return withNum(entries.join(','));
}

/** supervisord knows these signal names only. */
const SIGNALS = new Set(['TERM', 'HUP', 'INT', 'QUIT', 'KILL', 'USR1', 'USR2']);

export function stopSignal(process: ProcessSpec, notes: Notes): string {
  const name = process.stop.signal.replace(/^SIG/, '');
  if (SIGNALS.has(name)) return name;
  notes.process(process.name, 'stop.signal', `supervisord cannot send ${process.stop.signal}; it sends TERM`);
  return 'TERM';
}
