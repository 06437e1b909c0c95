// The full program (commander, every command), as an ES module bundle: what bin.ts loads for a
// command line the code-cached fast bundle does not answer.
import { runToExit } from './run-to-exit.js';

export function runFullCli(argv: readonly string[]): Promise<void> {
  return runToExit(async () => (await import('./main.js')).main(argv));
}
