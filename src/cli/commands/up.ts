import { loadProject } from '../../config/load.js';
import { ProcessManager, type ShutdownResult } from '../../core/process-manager.js';
import { isSettled } from '../../core/states.js';
import { createProjectLogs } from '../../logs/project-logs.js';
import { EXIT_FAILURE, EXIT_OK, EXIT_SIGINT, EXIT_SIGTERM } from '../exit-codes.js';
import { shouldUseColor } from '../format.js';
import { Printer } from '../printer.js';

export interface UpOptions {
  names: string[];
  file?: string;
  env?: string;
  abortOnExit?: boolean;
  cwd?: string;
  stdout?: NodeJS.WriteStream;
}

type Ending =
  | { kind: 'idle' }
  | { kind: 'signal'; signal: NodeJS.Signals }
  | { kind: 'abort-on-exit'; process: string; code: number };

/**
 * `ovrseer up` in the foreground: starts the project, prints prefixed output and state changes, and
 * shuts everything down — on Ctrl-C / SIGTERM / SIGHUP (a second Ctrl-C forces), when nothing is left
 * running, or with `--abort-on-exit` when a main process exits. Returns the exit code.
 */
export async function runUp(options: UpOptions): Promise<number> {
  const stdout = options.stdout ?? process.stdout;
  const spec = loadProject({
    cwd: options.cwd ?? process.cwd(),
    ...(options.file === undefined ? {} : { file: options.file }),
    ...(options.env === undefined ? {} : { envName: options.env }),
  });
  const manager = new ProcessManager(spec);
  const printer = new Printer({ out: stdout, color: shouldUseColor(stdout), instances: manager.instances() });
  manager.on('log', (event) => printer.log(event));
  manager.on('state', (event) => printer.state(event));
  manager.on('error', (event) => printer.error(event));
  // Buffer and files: attached before start, so the first line of every process is kept.
  const logs = createProjectLogs(spec, {
    reportError: (error, context) => manager.reportError(error, context),
  });
  logs.attach(manager);

  let resolveEnding: (ending: Ending) => void = () => undefined;
  const ending = new Promise<Ending>((resolve) => {
    resolveEnding = resolve;
  });
  let signalled: NodeJS.Signals | null = null;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (signalled !== null) {
      if (signal === 'SIGINT' || signal === 'SIGTERM') {
        printer.message(`${signal} again: killing everything now`);
        void manager.shutdown({ force: true });
      }
      return;
    }
    signalled = signal;
    printer.message(`${signal} received: shutting down (Ctrl-C again to force)`);
    resolveEnding({ kind: 'signal', signal });
  };
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  for (const signal of signals) process.on(signal, onSignal);

  if (options.abortOnExit) {
    manager.on('state', (event) => {
      const instance = manager.get(event.process);
      if (instance === undefined || manager.isShuttingDown) return;
      const isMain = instance.spec.type === 'service' || instance.spec.type === 'task';
      if (!isMain || !['completed', 'crashed', 'failed'].includes(event.to)) return;
      const code =
        event.to === 'completed' ? 0 : event.exitCode !== null && event.exitCode !== 0 ? event.exitCode : 1;
      resolveEnding({ kind: 'abort-on-exit', process: event.process, code });
    });
  }
  manager.on('idle', () => resolveEnding({ kind: 'idle' }));

  try {
    printer.message(
      `starting ${spec.name} (${manager.instances().length} processes) from ${spec.file ?? spec.dir}`,
    );
    await Promise.race([manager.start(options.names), ending]);
    const end = await ending;
    if (end.kind === 'abort-on-exit')
      printer.message(`${end.process} exited: stopping everything (--abort-on-exit)`);
    if (end.kind === 'idle') printer.message('no process left running: shutting down');
    const result = await manager.shutdown();
    reportShutdown(printer, result);
    return exitCode(end, result, manager);
  } finally {
    for (const signal of signals) process.off(signal, onSignal);
    // Every stop path comes through here: the log files get every line before `up` exits.
    await logs.close();
    await printer.flush();
  }
}

function reportShutdown(printer: Printer, result: ShutdownResult): void {
  const escapees = result.escapeesEnded > 0 ? `, ended ${result.escapeesEnded} escaped descendant(s)` : '';
  if (result.ok) {
    printer.message(
      `stopped everything in ${result.durationMs}ms${escapees}${result.forced ? ' (forced)' : ''}`,
    );
    return;
  }
  for (const problem of result.problems) printer.message(`shutdown problem: ${problem}`);
}

function exitCode(end: Ending, result: ShutdownResult, manager: ProcessManager): number {
  if (end.kind === 'signal') {
    if (result.ok) return EXIT_OK;
    return end.signal === 'SIGINT' ? EXIT_SIGINT : end.signal === 'SIGTERM' ? EXIT_SIGTERM : EXIT_FAILURE;
  }
  if (end.kind === 'abort-on-exit') return end.code;
  const anyFailed = manager
    .instances()
    .some(
      (instance) =>
        isSettled(instance.state) && (instance.state === 'failed' || instance.state === 'crashed'),
    );
  return anyFailed || !result.ok ? EXIT_FAILURE : EXIT_OK;
}
