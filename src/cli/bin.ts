#!/usr/bin/env node
import { main } from './main.js';

const code = await main(process.argv.slice(2));
// Let pending writes reach the terminal or pipe before the process ends.
process.stdout.write('', () => process.exit(code));
