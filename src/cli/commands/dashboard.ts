import { OvrseerError } from '../../errors.js';
import { EXIT_OK } from '../../exit-codes.js';
import { isLoopback } from '../../web/server/forwarder.js';
import { type ServedDashboard, serveDashboard } from '../../web/server/serve.js';
import { type LocateOptions, locateProject, locateSupervisor } from '../locate.js';

export interface DashboardOptions {
  file?: string;
  /** @default 0 (a free port) */
  port?: number;
  /** @default '127.0.0.1' */
  host?: string;
  /** `--no-open` sets it false. @default true */
  open?: boolean;
  cwd?: string;
  out?: NodeJS.WritableStream;
}

/**
 * `ovrseer dashboard`: serves the web dashboard of the project's running supervisor on this machine
 * until Ctrl-C / SIGTERM. The supervisor may restart meanwhile: every request goes to its socket anew.
 */
export async function runDashboard(options: DashboardOptions): Promise<number> {
  const cwd = options.cwd ?? process.cwd();
  const located = { cwd, ...(options.file === undefined ? {} : { file: options.file }) };
  const client = await locateSupervisor(located);
  // The URL is this command's output (stdout); `up --dashboard` prints it on stderr, beside the logs.
  const served = await startDashboard(
    client.socketPath,
    { ...options, out: options.out ?? process.stdout },
    () => locateProject(located),
    located,
  );
  await untilSignal();
  await served.close();
  return EXIT_OK;
}

/**
 * The server for one supervisor's socket. Beyond loopback it needs the project's configured API
 * token (`configured` loads it), which then is the token of the URL too.
 */
export async function startDashboard(
  socketPath: string,
  options: Omit<DashboardOptions, 'file' | 'cwd'>,
  configured: () => Promise<{ spec: { settings: { api: { token: string | null } } } }>,
  relocateFrom?: LocateOptions,
): Promise<ServedDashboard> {
  let socket = socketPath;
  const host = options.host ?? '127.0.0.1';
  let token: string | undefined;
  if (!isLoopback(host)) {
    token = (await configured()).spec.settings.api.token ?? undefined;
    if (token === undefined)
      throw new OvrseerError(
        'OVRSEER_USAGE',
        `--host ${host}: not a loopback address; set settings.api.token in the config to serve the dashboard beyond this machine (or leave --host out: 127.0.0.1)`,
      );
  }
  return serveDashboard({
    socketPath: () => socket,
    ...(relocateFrom === undefined
      ? {}
      : {
          relocate: async () => {
            socket = (await relocatedSocket(relocateFrom, options.out ?? process.stderr)) ?? socket;
          },
        }),
    host,
    ...(options.port === undefined ? {} : { port: options.port }),
    ...(token === undefined ? {} : { token, configuredToken: true }),
    ...(options.open === undefined ? {} : { open: options.open }),
    ...(options.out === undefined ? {} : { out: options.out }),
  });
}

/**
 * The socket of the project's supervisor found anew (as `ovrseer dashboard` found it at start: the
 * default state dir, then the config's `settings.state_dir`), or null while none runs.
 */
async function relocatedSocket(from: LocateOptions, out: NodeJS.WritableStream): Promise<string | null> {
  try {
    return (await locateSupervisor(from)).socketPath;
  } catch (error) {
    // None runs yet (it is restarting): the page keeps asking, and each failed request asks again.
    if (error instanceof OvrseerError && error.code === 'OVRSEER_NOT_RUNNING') return null;
    out.write(
      `dashboard: cannot find the supervisor again: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    return null;
  }
}

/** Resolves on the first SIGINT, SIGTERM or SIGHUP (which then no longer end the process by default). */
export function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
    const onSignal = (signal: NodeJS.Signals): void => {
      for (const name of signals) process.off(name, onSignal);
      resolve(signal);
    };
    for (const name of signals) process.on(name, onSignal);
  });
}
