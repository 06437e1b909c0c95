import type { FastCommand } from './fast-args.js';

export { parsePsOptions } from './fast-args.js';

/**
 * Runs a command line `fastCommand` recognised, as the full program would (main.ts): the same
 * functions with the options commander would have given them, errors reported by `reportError`.
 * `ps` has an 80 ms budget (docs/decisions.md) of which Node's own start takes ~55; `validate` and
 * `up -d` are what every start of a project pays for (docs/startup.md).
 */
export async function runFastCommand(command: FastCommand): Promise<number> {
  if (command.kind === 'version') {
    const { VERSION } = await import('../version.js');
    process.stdout.write(`${VERSION}\n`);
    return 0;
  }
  const { reportError } = await import('./report-error.js');
  try {
    if (command.kind === 'ps') {
      const { runPs } = await import('./commands/control.js');
      return await runPs(command.options);
    }
    // zod compiles a parser per object schema with `new Function`, which V8's code cache cannot keep:
    // for one parse of one file, interpreting the schema costs less (~15 ms CPU for 100 processes).
    (await import('zod')).z.config({ jitless: true });
    if (command.kind === 'validate') {
      const { runValidate } = await import('./commands/validate.js');
      return runValidate(command.options);
    }
    const { runUp } = await import('./commands/up.js');
    // commander's defaults of `--no-deps` and `--no-tui` included, as the `up` action passes them.
    return await runUp({ names: command.names, ...command.options, deps: true, tui: true });
  } catch (error) {
    return reportError(error);
  }
}
