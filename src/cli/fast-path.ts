/**
 * The commands scripts and status bars run in a loop, answered without commander: `ovrseer ps`
 * (with `--json` and `-f FILE` at most) and `ovrseer --version`. Loading commander and the program's
 * definition costs ~10 ms of every start, and `ps` has an 80 ms budget (docs/decisions.md) of which Node's own
 * start takes ~55. Anything else — other options, `--help`, mistakes — goes to the full parser, so
 * help and error messages stay commander's.
 */
export async function runFastPath(argv: readonly string[]): Promise<number | null> {
  if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
    const { VERSION } = await import('../version.js');
    process.stdout.write(`${VERSION}\n`);
    return 0;
  }
  if (argv[0] !== 'ps') return null;
  const options = parsePsOptions(argv.slice(1));
  if (options === null) return null;
  const [{ runPs }, { reportError }] = await Promise.all([
    import('./commands/control.js'),
    import('./report-error.js'),
  ]);
  try {
    return await runPs(options);
  } catch (error) {
    return reportError(error);
  }
}

/** `--json`, `-f FILE`, `--file FILE`, `--file=FILE`; null for anything else. */
export function parsePsOptions(args: readonly string[]): { json?: boolean; file?: string } | null {
  const options: { json?: boolean; file?: string } = {};
  for (let index = 0; index < args.length; index += 1) {
    const arg = args[index] as string;
    if (arg === '--json') options.json = true;
    else if (arg.startsWith('--file=') && arg.length > 7) options.file = arg.slice(7);
    else if (arg === '-f' || arg === '--file') {
      const value = args[index + 1];
      if (value === undefined || value.startsWith('-')) return null;
      options.file = value;
      index += 1;
    } else return null;
  }
  return options;
}
