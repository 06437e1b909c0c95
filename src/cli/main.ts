import { Command, CommanderError, Option } from 'commander';
import { projectJsonSchema } from '../config/json-schema.js';
import { ConfigError, OvrseerError } from '../errors.js';
import { VERSION } from '../version.js';
import { runUp } from './commands/up.js';
import { runValidate } from './commands/validate.js';
import { EXIT_FAILURE, EXIT_USAGE, ExitRequest, exitCodeFor } from './exit-codes.js';

function buildProgram(): Command {
  const program = new Command('ovrseer')
    .description(
      'Start a set of processes in dependency order, watch them, and stop them with nothing left behind.',
    )
    .version(VERSION)
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();

  program
    .command('up')
    .description('start the project (or the named processes and what they depend on) in the foreground')
    .argument('[names...]', 'processes to start, with their dependencies (default: all)')
    .option('-f, --file <file>', 'config file (default: ovrseer.yml, ovrseer.yaml or Procfile here)')
    .option('--env <name>', 'also load .env.<name> (e.g. --env production)')
    .option('--no-tui', 'plain prefixed output (the default until the terminal UI lands)')
    .option('--abort-on-exit', 'stop everything when any main process exits, and exit with its code')
    .action(async (names: string[], options: { file?: string; env?: string; abortOnExit?: boolean }) => {
      const code = await runUp({ names, ...options });
      throw new ExitRequest(code);
    });

  program
    .command('validate')
    .description('check the config file and print a one-line summary')
    .option('-f, --file <file>', 'config file (default: ovrseer.yml, ovrseer.yaml or Procfile here)')
    .addOption(new Option('--env <name>', 'also load .env.<name>'))
    .action((options: { file?: string; env?: string }) => {
      throw new ExitRequest(runValidate(options));
    });

  program
    .command('schema')
    .description('print the JSON Schema of ovrseer.yml (for editor completion)')
    .action(() => {
      process.stdout.write(`${JSON.stringify(projectJsonSchema(), null, 2)}\n`);
    });

  return program;
}

/** Runs the CLI and returns the exit code; never throws. */
export async function main(argv: readonly string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (error) {
    return handleError(error);
  }
}

function handleError(error: unknown): number {
  if (error instanceof ExitRequest) return error.exitCode;
  if (error instanceof CommanderError) {
    // Help and --version exit through here with code 0; usage mistakes get DESIGN.md's code 2.
    return error.exitCode === 0 ? 0 : EXIT_USAGE;
  }
  if (error instanceof ConfigError) {
    process.stderr.write(`ovrseer: ${error.message}\n`);
    return EXIT_USAGE;
  }
  if (error instanceof OvrseerError) {
    process.stderr.write(`ovrseer: ${error.message}\n`);
    return exitCodeFor(error);
  }
  // Not one of ours: a bug. Say so plainly, with the stack only when asked for.
  const text =
    error instanceof Error
      ? process.env.OVRSEER_DEBUG
        ? (error.stack ?? error.message)
        : error.message
      : String(error);
  process.stderr.write(`ovrseer: unexpected error: ${text}\n(set OVRSEER_DEBUG=1 for details)\n`);
  return EXIT_FAILURE;
}
