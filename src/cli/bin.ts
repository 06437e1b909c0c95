#!/usr/bin/env node
import { requireCodeCached } from '../os/code-cache.js';
import { fastCommand } from './fast-args.js';
import type { runFastCli } from './fast-cli.js';

const argv = process.argv.slice(2);
const command = fastCommand(argv);
if (command === null) {
  await (await import('./cli-entry.js')).runFullCli(argv);
} else {
  // A command of a few hundred milliseconds: TurboFan's optimized code would come too late to pay
  // for compiling it (on other threads, yet on the same 2 cores). Before the bundle's compile, as
  // V8 keys its code cache by the flags.
  (process.getBuiltinModule('node:v8') as typeof import('node:v8')).setFlagsFromString('--no-turbofan');
  // `validate`, `up -d`, `ps`: one CommonJS bundle whose compiled code V8 keeps between runs, one cache
  // per command (docs/startup.md). Written at exit, when the command's functions have all been compiled.
  const bundle = new URL('./fast.cjs', import.meta.url).pathname;
  const fast = requireCodeCached(decodeURIComponent(bundle), { key: command.kind });
  process.once('exit', () => fast.save());
  await (fast.exports as { runFastCli: typeof runFastCli }).runFastCli(command);
}
