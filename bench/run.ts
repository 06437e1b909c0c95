/** `npm run bench`: every benchmark in turn; each prints its table and writes bench/results/<name>.json. */
import { benchCli } from './cli.js';
import { benchLogs } from './logs.js';
import { benchMetrics } from './metrics.js';
import { benchStartStop } from './start-stop.js';
import { benchTui } from './tui.js';

const benches: [string, () => Promise<unknown>][] = [
  ['start-stop', benchStartStop],
  ['logs', benchLogs],
  ['metrics', benchMetrics],
  ['cli', benchCli],
  ['tui', benchTui],
];
const only = process.argv[2];
for (const [name, bench] of benches) {
  if (only !== undefined && only !== name) continue;
  await bench();
}
