#!/usr/bin/env node
import { EXIT_OK } from '../exit-codes.js';
import { exitProcess } from '../terminal/exit.js';
import { TerminalGuard } from '../terminal/terminal-guard.js';
import { runFastPath } from './fast-path.js';

/** How long the last output may take to drain before the process ends anyway (a reader that stalled). */
const LAST_OUTPUT_MS = 2000;

// `ovrseer ps | head -1`: the reader left, which ends a command quietly. `up` listens itself: it shuts down.
TerminalGuard.forProcess().setFallback(() => exitProcess(EXIT_OK));
const argv = process.argv.slice(2);
// `ps` and `--version` skip commander; everything else is parsed by the full program (main.ts).
const code = (await runFastPath(argv)) ?? (await (await import('./main.js')).main(argv));
// Let pending writes reach the terminal or pipe before the process ends, unless nobody reads them.
process.stdout.write('', () => exitProcess(code));
setTimeout(() => exitProcess(code), LAST_OUTPUT_MS).unref();
