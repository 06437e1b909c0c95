#!/usr/bin/env node
// The CLI's entry, built into one small CommonJS file (scripts/bundle-cli.mjs): an ES module entry
// would start Node's ES module loader, ~15 ms of every command, before anything of ovrseer runs.
import { requireCodeCached } from '../os/code-cache.js';
import type { runFullCli } from './cli-entry.js';
import { fastCommand } from './fast-args.js';
import type { runFastCli } from './fast-cli.js';

function start(argv: readonly string[]): Promise<void> {
  const command = fastCommand(argv);
  if (command === null) {
    // Everything else: the full program, as ES modules (the TUI's ink is one, with top-level await).
    return import('./cli-entry.js').then((entry: { runFullCli: typeof runFullCli }) =>
      entry.runFullCli(argv),
    );
  }
  // A command of a few hundred milliseconds: TurboFan's optimized code would come too late to pay
  // for compiling it (on other threads, yet on the same 2 cores). Before the bundle's compile, as
  // V8 keys its code cache by the flags.
  (process.getBuiltinModule('node:v8') as typeof import('node:v8')).setFlagsFromString('--no-turbofan');
  // `validate`, `up -d`, `ps`: one CommonJS bundle whose compiled code V8 keeps between runs, one cache
  // per command (docs/startup.md). Written at exit, when the command's functions have all been compiled.
  const bundle = decodeURIComponent(new URL('./fast.cjs', import.meta.url).pathname);
  const fast = requireCodeCached(bundle, {
    key: command.kind,
    importModule: (specifier) => import(specifier),
  });
  process.once('exit', () => fast.save());
  return (fast.exports as { runFastCli: typeof runFastCli }).runFastCli(command);
}

void start(process.argv.slice(2));
