#!/usr/bin/env node
import { runFastPath } from './fast-path.js';

const argv = process.argv.slice(2);
// `ps` and `--version` skip commander; everything else is parsed by the full program (main.ts).
const code = (await runFastPath(argv)) ?? (await (await import('./main.js')).main(argv));
// Let pending writes reach the terminal or pipe before the process ends.
process.stdout.write('', () => process.exit(code));
