import { type LoadOptions, loadProject } from '../../config/load.js';
import type { ProjectSpec } from '../../config/spec.js';
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
  /** `--from-snapshot FILE`: the snapshot's config and replicas; what ran then is started. */
  fromSnapshot?: string;
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
  if (options.fromSnapshot !== undefined) {
    const { planFromSnapshot } = await import('./up-snapshot.js');
    const plan = await planFromSnapshot({ ...options, fromSnapshot: options.fromSnapshot });
    // A later `reload` reads the file the snapshot's config came from.
    const cwd = options.cwd ?? process.cwd();
    const load: LoadOptions = plan.spec.file === null ? { cwd } : { cwd, file: plan.spec.file };
    return runSpec(plan.spec, { ...options, names: plan.names }, stdout, load);
  }
  const load: LoadOptions = {
    cwd: options.cwd ?? process.cwd(),
    ...(options.file === undefined ? {} : { file: options.file }),
    ...(options.env === undefined ? {} : { envName: options.env }),
    ...(options.port === undefined ? {} : { port: options.port }),
    ...(options.formation === undefined ? {} : { formation: options.formation }),
    ...(options.envFile === undefined ? {} : { envFiles: options.envFile }),
    ...(options.profile === undefined ? {} : { profiles: options.profile }),
  };
  const spec = loadProject(load);
  // `reload` reads the same file the same way, whatever the current directory is by then.
  if (spec.file !== null) load.file = spec.file;
  return runSpec(spec, options, stdout, load);
}

async function runSpec(
  spec: ProjectSpec,
  options: UpOptions,
  stdout: NodeJS.WriteStream,
  load: LoadOptions,
): Promise<number> {
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
    const code = await runDetached(spec, options.names, stdout, options.file, options.wait === true, load);
    if (options.dashboard !== true) return code;
    // The supervisor runs on without this process; the dashboard's server lives until Ctrl-C.
    const { dashboardUntilSignal } = await import('./up-dashboard.js');
    return dashboardUntilSignal(spec, options, code);
  }
  // Loaded only for the foreground: `up -d` needs none of the engine in this process.
  const { runForeground } = await import('./up-foreground.js');
  return runForeground(spec, selected, exit, options, stdout, load);
}
