import type { CommandSpec, OptionSpec, ValueKind } from './tree.js';

/** What the shell does besides offering the candidates. */
export type Directive =
  /** Offer these words. */
  | 'words'
  /** Complete a path (the shell's own file completion). */
  | 'files'
  /** Offer these words with no space after (`worker=`). */
  | 'nospace';

export interface Candidate {
  value: string;
  description: string;
}

export interface Completion {
  directive: Directive;
  candidates: Candidate[];
}

/** Values that only the project knows, for the `-f` file or `-p` project given on the line (if any). */
export type DynamicValues = (
  kind: Exclude<ValueKind, 'files' | 'none'>,
  file: string | undefined,
  project?: string,
) => Promise<string[]>;

interface Position {
  spec: CommandSpec;
  /** Positional words given to the command so far. */
  positionals: number;
  /** An option whose value the current word is. */
  pendingOption: OptionSpec | null;
  afterDashDash: boolean;
  file: string | undefined;
  project: string | undefined;
}

function findOption(spec: CommandSpec, flag: string): OptionSpec | undefined {
  return spec.options.find((option) => option.long === flag || option.short === flag);
}

/** Where the words before the cursor leave the command line: which command, which argument. */
function position(root: CommandSpec, words: readonly string[]): Position {
  const at: Position = {
    spec: root,
    positionals: 0,
    pendingOption: null,
    afterDashDash: false,
    file: undefined,
    project: undefined,
  };
  for (const word of words) {
    if (at.pendingOption !== null) {
      if (at.pendingOption.long === '--file') at.file = word;
      if (at.pendingOption.long === '--project') at.project = word;
      at.pendingOption = null;
      continue;
    }
    if (at.afterDashDash) {
      at.positionals += 1;
      continue;
    }
    if (word === '--') {
      at.afterDashDash = true;
      continue;
    }
    if (word.startsWith('--') && word.includes('=')) {
      const [flag = '', value = ''] = [word.slice(0, word.indexOf('=')), word.slice(word.indexOf('=') + 1)];
      if (flag === '--file') at.file = value;
      continue;
    }
    if (word.startsWith('-') && word.length > 1) {
      const option = findOption(at.spec, word);
      if (option?.takesValue) at.pendingOption = option;
      continue;
    }
    const sub =
      at.positionals === 0
        ? at.spec.subcommands.find((command) => command.name === word || command.aliases.includes(word))
        : undefined;
    if (sub === undefined) at.positionals += 1;
    else {
      at.spec = sub;
      at.positionals = 0;
    }
  }
  return at;
}

function matching(candidates: readonly Candidate[], current: string): Candidate[] {
  return candidates.filter((candidate) => candidate.value.startsWith(current));
}

function words(values: readonly string[], description = ''): Candidate[] {
  return values.map((value) => ({ value, description }));
}

function optionCandidates(spec: CommandSpec, current: string): Candidate[] {
  const flags = spec.options.flatMap((option) => [
    ...(option.long === null ? [] : [{ value: option.long, description: option.description }]),
    // Short flags only for a lone `-` (or the flag itself): a list of both would be twice as long to read.
    ...(option.short !== null && (current.length <= 1 || option.short === current)
      ? [{ value: option.short, description: option.description }]
      : []),
  ]);
  return matching(flags, current);
}

/**
 * The completions of `current`, the word under the cursor, after `before` (the words after the
 * program's name): subcommands, flags, option values, and the project's names, targets and report
 * ids from `dynamic`. One function for every shell: the scripts only hand it the line.
 */
export async function complete(
  root: CommandSpec,
  before: readonly string[],
  current: string,
  dynamic: DynamicValues,
): Promise<Completion> {
  const at = position(root, before);
  const none: Completion = { directive: 'words', candidates: [] };
  if (at.pendingOption !== null) {
    const option = at.pendingOption;
    if (option.choices.length > 0)
      return { directive: 'words', candidates: matching(words(option.choices), current) };
    if (option.valueKind === 'projects')
      return {
        directive: 'words',
        candidates: matching(words(await dynamic('projects', undefined)), current),
      };
    return option.valueKind === 'files' ? { directive: 'files', candidates: [] } : none;
  }
  // `exec api -- CMD…`: the command's own words are paths as often as anything.
  if (at.afterDashDash) return { directive: 'files', candidates: [] };
  if (current.startsWith('-')) return { directive: 'words', candidates: optionCandidates(at.spec, current) };
  if (at.positionals === 0 && at.spec.subcommands.length > 0) {
    const commands = at.spec.subcommands.flatMap((command) => [
      { value: command.name, description: command.description },
      ...command.aliases.map((alias) => ({ value: alias, description: command.description })),
    ]);
    return { directive: 'words', candidates: matching(commands, current) };
  }
  const count = at.spec.argumentKinds.length;
  if (count === 0 || (at.positionals >= count && !at.spec.variadic)) return none;
  const index = Math.min(at.positionals, count - 1);
  const choices = at.spec.argumentChoices[index] ?? [];
  if (choices.length > 0) return { directive: 'words', candidates: matching(words(choices), current) };
  const kind = at.spec.argumentKinds[index] ?? 'none';
  if (kind === 'none') return none;
  if (kind === 'files') return { directive: 'files', candidates: [] };
  const values = await dynamic(kind, at.file, at.project);
  return {
    directive: kind === 'assignments' ? 'nospace' : 'words',
    candidates: matching(words(values), current),
  };
}
