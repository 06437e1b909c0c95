import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ProjectSpec } from '../../config/spec.js';
import { projectIdOf } from '../../core/process-manager.js';
import { OvrseerError } from '../../errors.js';
import { socketPathFor } from '../../supervisor/api/server.js';
import { ApiClient } from '../../supervisor/client.js';
import { BASELINE_TIER_FLAGS } from '../../supervisor/compiler-tier.js';
import type { DaemonStart } from '../../supervisor/daemon.js';
import type { ProcessRow } from '../../supervisor/process-rows.js';
import { ensureStateDir } from '../../supervisor/state-dir.js';
import { renderProcessTable } from '../../terminal/process-table.js';

const DAEMON = new URL('../../supervisor/daemon.cjs', import.meta.url);
/**
 * V8 flags of the supervisor process. A 1 MB semi-space keeps the young generation from growing to
 * 8 MB+ during start-up (100 spawns) and staying there: ~5 MB less RSS, and no slower under a log
 * flood of 1M lines. V8's compilers start off and are switched on by the first heavy output (see
 * `tierUpUnderLoad`): ~7 MB less RSS for a supervisor that never sees a flood. `--lite-mode` would
 * save about as much but keeps ingestion 3.5x slower for good. Measured; see docs/decisions.md.
 */
export const DAEMON_NODE_FLAGS = ['--max-semi-space-size=1', ...BASELINE_TIER_FLAGS];
/** How long `up -d` waits for the supervisor to answer and for start-up to settle. */
const START_WAIT_MS = 60_000;

/**
 * `ovrseer up -d`: starts a detached supervisor (its own session, output to `<state_dir>/ovrseer.log`),
 * waits until its API answers and start-up has settled, prints the process table and returns.
 */
export async function runDetached(
  spec: ProjectSpec,
  names: readonly string[],
  out: NodeJS.WritableStream,
): Promise<number> {
  const paths = ensureStateDir(spec.settings.stateDir, 'logs', 'reports');
  const projectId = projectIdOf(spec);
  const client = new ApiClient(socketPathFor(paths, projectId));
  if (await client.ping()) {
    throw new OvrseerError(
      'OVRSEER_ALREADY_RUNNING',
      `ovrseer is already running for ${spec.file ?? spec.dir}; see \`ovrseer ps\``,
    );
  }
  const specFile = join(paths.root, `spec.${process.pid}.json`);
  const start: DaemonStart = { spec, projectId };
  writeFileSync(specFile, JSON.stringify(start), { mode: 0o600 });
  const log = openSync(paths.supervisorLog, 'a', 0o600);
  const logStart = readFileSync(paths.supervisorLog).length;
  const child = spawn(process.execPath, [...DAEMON_NODE_FLAGS, DAEMON.pathname, specFile, ...names], {
    cwd: spec.dir,
    detached: true,
    stdio: ['ignore', log, log],
  });
  closeSync(log);
  let exited: number | null = null;
  child.once('exit', (code) => {
    exited = code ?? 1;
  });
  child.unref();
  const deadline = Date.now() + START_WAIT_MS;
  let rows: ProcessRow[] | null = null;
  while (Date.now() < deadline) {
    if (exited !== null) {
      const said = readFileSync(paths.supervisorLog, 'utf8')
        .slice(logStart)
        .trim()
        .split('\n')
        .slice(-10)
        .join('\n');
      throw new OvrseerError(
        'OVRSEER_API_FAILED',
        `the supervisor exited (code ${exited}) before it was up:\n${said}`,
      );
    }
    if (await client.ping()) {
      rows = await client.get<ProcessRow[]>('/v1/processes');
      if (!rows.some((row) => row.status === 'pending' || row.status === 'starting')) break;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  if (rows === null)
    throw new OvrseerError(
      'OVRSEER_API_FAILED',
      `the supervisor did not answer within ${START_WAIT_MS / 1000}s; see ${paths.supervisorLog}`,
    );
  out.write(renderProcessTable(rows, { color: false }));
  out.write(`\nsupervisor pid ${child.pid ?? '?'}; logs: ovrseer logs -f; stop: ovrseer down\n`);
  return 0;
}
