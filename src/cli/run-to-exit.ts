import { EXIT_OK } from '../exit-codes.js';
import { exitProcess } from '../terminal/exit.js';
import { TerminalGuard } from '../terminal/terminal-guard.js';

/** How long the last output may take to drain before the process ends anyway (a reader that stalled). */
const LAST_OUTPUT_MS = 2000;

/** Runs a command of the CLI and ends the process with its exit code once its output is out. */
export async function runToExit(command: () => Promise<number>): Promise<void> {
  // `ovrseer ps | head -1`: the reader left, which ends a command quietly. `up` listens itself: it shuts down.
  TerminalGuard.forProcess().setFallback(() => exitProcess(EXIT_OK));
  const code = await command();
  // Let pending writes reach the terminal or pipe before the process ends, unless nobody reads them.
  process.stdout.write('', () => exitProcess(code));
  setTimeout(() => exitProcess(code), LAST_OUTPUT_MS).unref();
}
