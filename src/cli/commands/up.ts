import { loadProject } from '../../config/load.js';
import { resolveSelectors } from '../../core/selectors.js';
import { OvrseerError } from '../../errors.js';
import { resolveExitRule } from '../../supervisor/exit-rule.js';
import { printConfigWarnings } from '../config-warnings.js';

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
  /** `--dashboard`: serve the web dashboard too (in the foreground: for as long as `up` runs). */
  dashboard?: boolean;
  dashboardPort?: number;
  /** `--dashboard-host`: as `ovrseer dashboard --host` (loopback unless settings.api.token is set). @default '127.0.0.1' */
  dashboardHost?: string;
  /** `--no-open` sets it false: the dashboard's URL is printed, no browser opened. @default true */
  open?: boolean;
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
    const { runDetached } = await import('./up-detached.js');
    const code = await runDetached(spec, options.names, stdout, options.file, options.wait === true);
    if (options.dashboard !== true) return code;
    // The supervisor runs on without this process; the dashboard's server lives until Ctrl-C.
    const { dashboardUntilSignal } = await import('./up-dashboard.js');
    return dashboardUntilSignal(spec, options, code);
  }
  // Loaded only for the foreground: `up -d` needs none of the engine in this process.
  const { runForeground } = await import('./up-foreground.js');
  return runForeground(spec, selected, exit, options, stdout);
}
