import { loadProject } from '../../config/load.js';
import { resolveSelectors } from '../../core/selectors.js';
import { OvrseerError } from '../../errors.js';
import { attachMetrics } from '../../metrics/attach.js';
import { resolveExitRule } from '../../supervisor/exit-rule.js';
import { runSession } from '../../supervisor/session.js';
import { Supervisor } from '../../supervisor/supervisor.js';
import { shouldUseColor } from '../../terminal/format.js';
import { Printer, SUPERVISOR_BACKLOG } from '../../terminal/printer.js';
import { TerminalGuard } from '../../terminal/terminal-guard.js';
import { importTui } from '../../tui/load.js';
import { shouldUseTui } from '../../tui/should-use.js';
import { printConfigWarnings } from '../config-warnings.js';
import { runDetached } from './up-detached.js';

export interface UpOptions {
  names: string[];
  file?: string;
  env?: string;
  /** `-p`: base port of a Procfile; `-m`: formation; `-e`: extra env files. */
  port?: number;
  formation?: string;
  envFile?: string[];
  abortOnExit?: boolean;
  abortOnFailure?: boolean;
  exitCodeFrom?: string;
  /** `--profile`: compose services of these profiles run too. */
  profile?: string[];
  /** `--no-deps` sets it false: the named processes start without their dependencies (compose's flag). */
  deps?: boolean;
  detach?: boolean;
  /** compose's `--wait`: detached, returning once everything is ready. */
  wait?: boolean;
  /** `--no-tui` sets it false; the TUI shows only on a terminal and not under CI. */
  tui?: boolean;
  cwd?: string;
  stdout?: NodeJS.WriteStream;
}

/**
 * `ovrseer up`: in the foreground, the supervisor runs in this process and prints prefixed output;
 * with `-d`, a detached supervisor is started and this command returns once its API answers.
 */
export async function runUp(options: UpOptions): Promise<number> {
  const stdout = options.stdout ?? process.stdout;
  const spec = loadProject({
    cwd: options.cwd ?? process.cwd(),
    ...(options.file === undefined ? {} : { file: options.file }),
    ...(options.env === undefined ? {} : { envName: options.env }),
    ...(options.port === undefined ? {} : { port: options.port }),
    ...(options.formation === undefined ? {} : { formation: options.formation }),
    ...(options.envFile === undefined ? {} : { envFiles: options.envFile }),
    ...(options.profile === undefined ? {} : { profiles: options.profile }),
  });
  // An unknown name is a usage error before anything starts (the daemon would only report it later).
  const selected = resolveSelectors(spec.processes, options.names);
  if (options.deps === false && (options.detach || options.wait))
    throw new OvrseerError('OVRSEER_USAGE', '--no-deps works in the foreground only: leave out -d/--wait');
  printConfigWarnings(spec);
  const exit = resolveExitRule(spec, options);
  if (options.detach || options.wait) {
    // A detached supervisor runs until `down`: a rule that ends the run has no run to end.
    const flag = ['abortOnExit', 'abortOnFailure', 'exitCodeFrom'].some(
      (key) => options[key as keyof UpOptions] !== undefined,
    );
    if (flag)
      throw new OvrseerError('OVRSEER_USAGE', `${exit?.source} ends a foreground up: leave out -d/--wait`);
    return runDetached(spec, options.names, stdout, options.file, options.wait === true);
  }
  // From here a closed terminal or pipe must end in a shutdown, never in an uncaught EPIPE/EIO.
  const terminal =
    stdout === process.stdout
      ? TerminalGuard.forProcess()
      : new TerminalGuard({ stdout, stderr: process.stderr, stdin: process.stdin });
  try {
    // This process ends with the session: `down` may wait for it.
    const supervisor = await Supervisor.open(spec, { exitsAfterShutdown: true, subreaper: true });
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
