/**
 * The command lines answered without commander, by the code-cached CommonJS bundle (`dist/cli/fast.cjs`,
 * docs/startup.md): those scripts, status bars and CI run in a loop or on every start. Parsed here
 * with no import at all, before either bundle loads; anything else — other options, `--help`, a
 * repeated option, mistakes — is null and goes to the full parser, so help and error messages stay
 * commander's.
 */
export type FastCommand =
  | { kind: 'version' }
  | { kind: 'ps'; options: { json?: boolean; file?: string } }
  | { kind: 'validate'; options: { file?: string; env?: string } }
  | {
      kind: 'up-detached';
      names: string[];
      options: { file?: string; env?: string; detach?: boolean; wait?: boolean };
    };

export function fastCommand(argv: readonly string[]): FastCommand | null {
  const [command, ...args] = argv;
  if (argv.length === 1 && (command === '--version' || command === '-V')) return { kind: 'version' };
  if (command === 'ps') {
    const options = parsePsOptions(args);
    return options === null ? null : { kind: 'ps', options };
  }
  if (command === 'validate') {
    const parsed = parseOptions(args, { values: ['file', 'env'], flags: [] });
    return parsed === null || parsed.names.length > 0
      ? null
      : { kind: 'validate', options: pick(parsed.options, ['file', 'env']) };
  }
  if (command === 'up') {
    const parsed = parseOptions(args, { values: ['file', 'env'], flags: ['detach', 'wait'] });
    if (parsed === null || (parsed.options.detach === undefined && parsed.options.wait === undefined))
      return null;
    const options: { file?: string; env?: string; detach?: boolean; wait?: boolean } = pick(parsed.options, [
      'file',
      'env',
    ]);
    if (parsed.options.detach !== undefined) options.detach = true;
    if (parsed.options.wait !== undefined) options.wait = true;
    return { kind: 'up-detached', names: parsed.names, options };
  }
  return null;
}

/** `--json`, `-f FILE`, `--file FILE`, `--file=FILE`; null for anything else. */
export function parsePsOptions(args: readonly string[]): { json?: boolean; file?: string } | null {
  const parsed = parseOptions(args, { values: ['file'], flags: ['json'] });
  if (parsed === null || parsed.names.length > 0) return null;
  const options: { json?: boolean; file?: string } = {};
  if (parsed.options.json !== undefined) options.json = true;
  if (parsed.options.file !== undefined) options.file = parsed.options.file;
  return options;
}

type OptionName = 'file' | 'env' | 'detach' | 'wait' | 'json';
const SHORT: Record<string, OptionName> = { '-f': 'file', '-d': 'detach' };

/**
 * Options of the given names (`--name VALUE`, `--name=VALUE`, `-f VALUE`, `-d`) and bare names
 * between them, as commander reads them; null at anything it might read otherwise: an unknown or
 * repeated option, `--`, a value that looks like an option, an empty one.
 */
function parseOptions(
  args: readonly string[],
  known: { values: readonly OptionName[]; flags: readonly OptionName[] },
): { options: Partial<Record<OptionName, string>>; names: string[] } | null {
  const options: Partial<Record<OptionName, string>> = {};
  const names: string[] = [];
  for (let index = 0; index < args.length; index += 1) {
    const arg = args[index] as string;
    if (!arg.startsWith('-')) {
      if (arg === '') return null;
      names.push(arg);
      continue;
    }
    const equals = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const spelled = equals === -1 ? arg : arg.slice(0, equals);
    const name = SHORT[spelled] ?? (spelled.startsWith('--') ? (spelled.slice(2) as OptionName) : undefined);
    if (name === undefined || options[name] !== undefined) return null;
    if (known.flags.includes(name) && equals === -1) {
      options[name] = '';
      continue;
    }
    if (!known.values.includes(name)) return null;
    const value = equals === -1 ? args[index + 1] : arg.slice(equals + 1);
    if (value === undefined || value === '' || value.startsWith('-')) return null;
    if (equals === -1) index += 1;
    options[name] = value;
  }
  return { options, names };
}

function pick(
  options: Partial<Record<OptionName, string>>,
  keys: readonly ('file' | 'env')[],
): { file?: string; env?: string } {
  const picked: { file?: string; env?: string } = {};
  for (const key of keys) {
    const value = options[key];
    if (value !== undefined) picked[key] = value;
  }
  return picked;
}
