/**
 * Entry point of a detached supervisor (`ovrseer up -d`). It receives the already validated and
 * normalized project as JSON, so it never loads the config parser — a daemon stays small. Its stdout
 * and stderr are `<state_dir>/ovrseer.log`.
 */
import { readFileSync, rmSync } from 'node:fs';
import type { LoadOptions } from '../config/load.js';
import type { ProjectSpec } from '../config/spec.js';
import { errorMessage } from '../errors.js';
import { attachMetrics } from '../metrics/attach.js';
import { tierUpUnderLoad } from './compiler-tier.js';
import { recoverySummary } from './recovery.js';
import { configLoader } from './reload.js';
import { runSession, type SessionPrinter } from './session.js';
import { Supervisor } from './supervisor.js';

/**
 * The metrics sampler's first pass (a sweep of every process of the host for escapees, ~20 ms) waits
 * this long: run at once, it comes before the first spawn and delays the whole start-up by that much on
 * a 2-core machine. Memory limits act on the samples, so they act this much later after a start.
 * @default 1500
 */
export const METRICS_AFTER_MS = 1500;

/** What `up -d` hands the supervisor, as JSON in a file only the user can read. */
export interface DaemonStart {
  spec: ProjectSpec;
  /** Computed by the CLI already: the supervisor need not load node:crypto to hash the path again. */
  projectId: string;
  /** What `up` loaded the config with (`-f`, `--env`, …): `reload` and SIGHUP read it the same way. */
  load?: LoadOptions;
}

async function main(argv: string[]): Promise<number> {
  const [specFile, ...names] = argv;
  if (specFile === undefined) {
    process.stderr.write('usage: daemon.js <spec.json> [names…]\n');
    return 2;
  }
  const { spec, projectId, load } = JSON.parse(readFileSync(specFile, 'utf8')) as DaemonStart;
  rmSync(specFile, { force: true });
  const supervisor = await Supervisor.open(spec, {
    projectId,
    exitsAfterShutdown: true,
    subreaper: true,
    ...(load === undefined ? {} : { loadConfig: configLoader(load) }),
  });
  // This process's stderr is `daemon.out`, which `up -d` prints once start-up is done.
  for (const line of recoverySummary(supervisor.recovered, supervisor.paths.supervisorLog))
    process.stderr.write(`${line}\n`);
  // The supervisor's log follows the engine itself; nobody watches this process's output.
  const metrics = setTimeout(() => attachMetrics(supervisor), METRICS_AFTER_MS);
  supervisor.onShutdown(() => clearTimeout(metrics));
  tierUpUnderLoad(supervisor.manager);
  return runSession(supervisor, { printer: SILENT, names, endWhenIdle: false, reloadOnHangup: true });
}

const SILENT: SessionPrinter = {
  output: () => undefined,
  state: () => undefined,
  error: () => undefined,
  health: () => undefined,
  message: () => undefined,
  flush: () => Promise.resolve(),
};

main(process.argv.slice(2)).then(
  (code) => process.stdout.write('', () => process.exit(code)),
  (error: unknown) => {
    process.stderr.write(`ovrseer supervisor: ${errorMessage(error)}\n`);
    process.exit(1);
  },
);
