import type { ProjectSpec } from '../../config/spec.js';
import { projectIdOf } from '../../core/process-manager.js';
import { ensureStateDir } from '../../os/state-dir.js';
import { socketPathFor } from '../../supervisor/api/socket-path.js';
import type { Supervisor } from '../../supervisor/supervisor.js';
import { startDashboard, untilSignal } from './dashboard.js';
import type { UpOptions } from './up.js';

function dashboardOptions(options: UpOptions): Parameters<typeof startDashboard>[1] {
  return {
    ...(options.dashboardPort === undefined ? {} : { port: options.dashboardPort }),
    ...(options.dashboardHost === undefined ? {} : { host: options.dashboardHost }),
    ...(options.open === undefined ? {} : { open: options.open }),
  };
}

/**
 * `up --dashboard` in the foreground: the dashboard lives until the supervisor's shutdown begins.
 * Returns its URL, which the TUI shows too (what was printed before it is hidden behind it).
 */
export async function dashboardFor(
  supervisor: Supervisor,
  spec: ProjectSpec,
  options: UpOptions,
): Promise<string> {
  const served = await startDashboard(supervisor.socketPath, dashboardOptions(options), async () => ({
    spec,
  }));
  supervisor.onShutdown(() => void served.close());
  return served.url;
}

/**
 * `up -d --dashboard`: once the detached supervisor is up, this process serves its dashboard until
 * Ctrl-C, which leaves the supervisor running (as `ovrseer dashboard` would). Returns `up`'s code.
 */
export async function dashboardUntilSignal(
  spec: ProjectSpec,
  options: UpOptions,
  code: number,
): Promise<number> {
  const paths = ensureStateDir(spec.settings.stateDir, 'logs', 'reports');
  const socket = socketPathFor(paths, projectIdOf(spec));
  const served = await startDashboard(
    socket,
    dashboardOptions(options),
    async () => ({ spec }),
    // A later `up` of the same config may put its socket elsewhere (another settings.state_dir).
    spec.file === null
      ? undefined
      : { ...(options.cwd === undefined ? {} : { cwd: options.cwd }), file: spec.file },
  );
  process.stderr.write(
    'dashboard: Ctrl-C stops the dashboard (the processes go on; `ovrseer down` stops them)\n',
  );
  await untilSignal();
  await served.close();
  return code;
}
