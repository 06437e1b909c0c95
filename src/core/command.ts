import type { CommandSpec } from '../config/spec.js';

/** The argv to exec for a command: shell commands become `[shell, '-c', script]`. */
export function commandArgv(command: CommandSpec): string[] {
  return command.kind === 'shell' ? [command.shell, '-c', command.script] : command.argv;
}

/** For people and logs. */
export function describeCommand(command: CommandSpec): string {
  return command.kind === 'shell' ? command.script : command.argv.map(quoteIfNeeded).join(' ');
}

function quoteIfNeeded(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", "'\\''")}'`;
}
