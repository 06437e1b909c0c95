/** `npm run bench [-- NAME]`: every benchmark in turn (or the one named); each prints its table and writes bench/results/<name>.json. */
import { benchApiAbuse } from './api-abuse.js';
import { benchCli } from './cli.js';
import { benchDashboard } from './dashboard.js';
import { benchLogs, queries } from './logs.js';
import { benchMetrics } from './metrics.js';
import { benchPeers } from './peers.js';
import { report } from './report.js';
import { benchSoak } from './soak.js';
import { benchStartStop } from './start-stop.js';
import { benchTui } from './tui.js';

const benches: [string, () => Promise<unknown>][] = [
  ['start-stop', benchStartStop],
  ['logs', benchLogs],
  ['metrics', benchMetrics],
  ['cli', benchCli],
  ['tui', benchTui],
  ['api-abuse', benchApiAbuse],
  ['dashboard', benchDashboard],
];
/** Run only when named (`npm run bench -- soak`): they take minutes. */
const named: [string, () => Promise<unknown>][] = [
  ['soak', benchSoak],
  ['peers', benchPeers],
  ['log-queries', async () => report('log-queries', queries())],
];
const only = process.argv[2];
for (const [name, bench] of only === undefined ? benches : [...benches, ...named]) {
  if (only !== undefined && only !== name) continue;
  await bench();
}
