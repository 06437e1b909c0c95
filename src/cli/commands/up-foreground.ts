import { type LoadOptions, loadProject } from '../../config/load.js';
import type { ExitRuleSpec, ProcessSpec, ProjectSpec } from '../../config/spec.js';
import { attachMetrics } from '../../metrics/attach.js';
import { runSession } from '../../supervisor/session.js';
import { Supervisor } from '../../supervisor/supervisor.js';
import { shouldUseColor } from '../../terminal/format.js';
import { Printer, SUPERVISOR_BACKLOG } from '../../terminal/printer.js';
import { TerminalGuard } from '../../terminal/terminal-guard.js';
import { importTui } from '../../tui/load.js';
import { shouldUseTui } from '../../tui/should-use.js';
import type { UpOptions } from './up.js';

/** The foreground `up`: the supervisor runs in this process and prints prefixed output (or the TUI). */
export async function runForeground(
  spec: ProjectSpec,
  selected: readonly ProcessSpec[],
  exit: ExitRuleSpec | null,
  options: UpOptions,
  stdout: NodeJS.WriteStream,
  /** What the config was loaded with: `ovrseer reload` reads it again the same way. @default `{file: spec.file}` */
  load?: LoadOptions,
): Promise<number> {
  // From here a closed terminal or pipe must end in a shutdown, never in an uncaught EPIPE/EIO.
  const terminal =
    stdout === process.stdout
      ? TerminalGuard.forProcess()
      : new TerminalGuard({ stdout, stderr: process.stderr, stdin: process.stdin });
  try {
    // This process ends with the session: `down` may wait for it.
    const supervisor = await Supervisor.open(spec, {
      exitsAfterShutdown: true,
      subreaper: true,
      ...(load === undefined ? {} : { loadConfig: async () => loadProject(load) }),
    });
    const notices: string[] = [];
    if (options.dashboard === true) {
      const { dashboardFor } = await import('./up-dashboard.js');
      notices.push(`dashboard: ${await dashboardFor(supervisor, spec, options)}`);
    }
    if (options.deps === false && options.names.length > 0)
      supervisor.manager.withoutDependencies(selected.map((process) => process.name));
    if (shouldUseTui(options.tui, stdout, process.stdin)) {
      // Loaded only here: ink and React cost start-up time no other command needs.
      const { runTuiSession } = await importTui(() => import('../../tui/up-session.js'));
      return await runTuiSession(supervisor, {
        names: options.names,
        stdout,
        color: shouldUseColor(stdout),
        terminal,
        exit,
        notices,
      });
    }
    // stderr lines keep their stream, as with compose and foreman (`up 2>err.txt`).
    const stderr = stdout === process.stdout ? process.stderr : stdout;
    const printer = new Printer({
      out: stdout,
      color: shouldUseColor(stdout),
      err: { out: stderr, color: shouldUseColor(stderr) },
      instances: supervisor.manager.instances(),
      maxBacklog: SUPERVISOR_BACKLOG,
    });
    attachMetrics(supervisor, (warning) => printer.warning(warning));
    return await runSession(supervisor, {
      printer,
      names: options.names,
      terminal,
      exit,
    });
  } finally {
    if (terminal !== TerminalGuard.forProcess()) terminal.dispose();
  }
}
