// Entry of the CommonJS bundle `dist/cli/fast.cjs` (scripts/bundle-cli.mjs), loaded by bin.ts
// through V8's code cache: the command lines of fast-args.ts, and nothing that could load the TUI.
import type { FastCommand } from './fast-args.js';
import { runFastCommand } from './fast-path.js';
import { runToExit } from './run-to-exit.js';

export function runFastCli(command: FastCommand): Promise<void> {
  return runToExit(() => runFastCommand(command));
}
