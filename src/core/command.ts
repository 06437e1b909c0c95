import { DEFAULT_SHELL } from '../config/defaults.js';
import { expandInstanceVariables, type Variables } from '../config/interpolate-string.js';
import type { CommandSpec } from '../config/spec.js';
import { shQuote } from '../shell-quote.js';

/** Characters a word may hold and mean the same to `sh` as to exec: no quoting, expansion or operator. */
const PLAIN_WORD = /^[\w@%+=:,./-]+$/;
/**
 * First words that only the shell understands: reserved words, special built-ins, and built-ins that
 * change the shell itself or behave differently from a program of the same name.
 */
const SHELL_ONLY = new Set([
  '!',
  '.',
  ':',
  '[',
  '[[',
  'alias',
  'bg',
  'break',
  'case',
  'cd',
  'command',
  'continue',
  'declare',
  'do',
  'done',
  'elif',
  'else',
  'esac',
  'eval',
  'exec',
  'exit',
  'export',
  'false',
  'fc',
  'fg',
  'fi',
  'for',
  'function',
  'getopts',
  'hash',
  'if',
  'in',
  'jobs',
  'kill',
  'let',
  'local',
  'printf',
  'pwd',
  'read',
  'readonly',
  'return',
  'select',
  'set',
  'shift',
  'source',
  'test',
  'then',
  'time',
  'times',
  'trap',
  'true',
  'type',
  'typeset',
  'ulimit',
  'umask',
  'unalias',
  'unset',
  'until',
  'wait',
  'while',
]);

/**
 * The command as one instance runs it. An argv command has no shell to expand `$PORT`, `${PORT}`,
 * `${PORT:-3000}` and `$PS`, so they are expanded here, as foreman does (a shell command gets them
 * from its environment).
 */
export function withInstanceVariables(command: CommandSpec, env: Variables): CommandSpec {
  if (command.kind === 'shell') return command;
  return { kind: 'argv', argv: command.argv.map((arg) => expandInstanceVariables(arg, env)) };
}

/** The argv of a command as written: shell commands become `[shell, '-c', script]` (what exports use). */
export function commandArgv(command: CommandSpec): string[] {
  return command.kind === 'shell' ? [command.shell, '-c', command.script] : command.argv;
}

/**
 * The argv ovrseer execs to run a command. Like `commandArgv`, except a script that is one simple
 * command of plain words, run by the default shell, is exec'd directly, as Ruby's `Process.spawn`
 * (and so foreman) does. `sh` would parse it to the same argv, and a `sh` that does not exec its last
 * command (dash) would otherwise stay alive beside every process: twice the processes, an extra
 * ~1 MB each, and twice the work for every metrics pass.
 */
export function spawnArgv(command: CommandSpec): string[] {
  const direct =
    command.kind === 'shell' && command.shell === DEFAULT_SHELL ? plainWords(command.script) : null;
  return direct ?? commandArgv(command);
}

/** The words of a script that is a single simple command without anything the shell would interpret. */
export function plainWords(script: string): string[] | null {
  const words = script.split(/[ \t]+/).filter((word) => word !== '');
  const [first] = words;
  if (first === undefined || first.includes('=') || SHELL_ONLY.has(first)) return null;
  return words.every((word) => PLAIN_WORD.test(word)) ? words : null;
}

/** For people and logs. */
export function describeCommand(command: CommandSpec): string {
  return command.kind === 'shell' ? command.script : command.argv.map(shQuote).join(' ');
}
