import type { Command } from 'commander';

/** What a word in a given place completes to. */
export type ValueKind =
  /** Process names of the project. */
  | 'names'
  /** name, name.N, group:G, tag:T, all. */
  | 'targets'
  /** NAME= (scale). */
  | 'assignments'
  /** Crash report ids. */
  | 'reports'
  /** Names of the running projects (`-p`). */
  | 'projects'
  | 'files'
  | 'none';

export interface OptionSpec {
  /** `--file` (null when the option has only a short flag). */
  long: string | null;
  /** `-f` or null. */
  short: string | null;
  description: string;
  /** Whether the option takes a value (`--file <file>`). */
  takesValue: boolean;
  /** A fixed list of values, or what a free value completes to. */
  choices: readonly string[];
  valueKind: ValueKind;
}

export interface CommandSpec {
  name: string;
  aliases: readonly string[];
  description: string;
  options: readonly OptionSpec[];
  /** What positional words complete to: the first argument's kind (a variadic one repeats). */
  argumentKinds: readonly ValueKind[];
  /** Fixed values of positional arguments (`export <format>`). */
  argumentChoices: readonly (readonly string[])[];
  /** Whether the last argument takes any number of words (`<targets...>`). */
  variadic: boolean;
  subcommands: readonly CommandSpec[];
}

/** Arguments whose names say what they hold; any other argument completes to files or nothing. */
const ARGUMENT_KINDS: Readonly<Record<string, ValueKind>> = {
  targets: 'targets',
  names: 'targets',
  name: 'names',
  assignments: 'assignments',
  id: 'reports',
  file: 'files',
};

/** Option values that are paths. */
const FILE_OPTIONS = new Set(['--file', '--output', '--out', '--env-file', '--from-snapshot', '-o']);

function optionKind(long: string | null, short: string | null, takesValue: boolean): ValueKind {
  if (!takesValue) return 'none';
  if (long === '--project') return 'projects';
  if ((long !== null && FILE_OPTIONS.has(long)) || (short !== null && FILE_OPTIONS.has(short)))
    return 'files';
  return 'none';
}

/**
 * The completion tree of a commander program: its commands (recursively), their options and what
 * their arguments hold. Hidden commands (`__complete`) and commander's own `help` are left out.
 */
export function commandSpec(command: Command): CommandSpec {
  // commander's own view of what `--help` shows: hidden commands and options left out, -h/--help
  // (and the program's -V/--version) included.
  const help = command.createHelp();
  const options: OptionSpec[] = help.visibleOptions(command).map((option) => {
    const long = option.long ?? null;
    const short = option.short ?? null;
    const takesValue = option.required || option.optional;
    return {
      long,
      short,
      description: option.description,
      takesValue,
      choices: option.argChoices ?? [],
      valueKind: optionKind(long, short, takesValue),
    };
  });
  const args = command.registeredArguments;
  return {
    name: command.name(),
    aliases: command.aliases(),
    description: command.description(),
    options,
    argumentKinds: args.map((argument) => ARGUMENT_KINDS[argument.name()] ?? 'none'),
    argumentChoices: args.map((argument) => argument.argChoices ?? []),
    variadic: args.at(-1)?.variadic ?? false,
    subcommands: help
      .visibleCommands(command)
      .filter((sub) => sub.name() !== 'help')
      .map(commandSpec),
  };
}
