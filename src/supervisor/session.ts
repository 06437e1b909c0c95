import type { ShutdownResult } from '../core/process-manager.js';
import { EXIT_FAILURE, EXIT_OK, EXIT_SIGINT, EXIT_SIGTERM } from '../exit-codes.js';
import type { Printer } from '../terminal/printer.js';
import type { Supervisor } from './supervisor.js';

/** What the session writes to: the prefixed Printer, or the TUI's adapter. */
export type SessionPrinter = Pick<Printer, 'output' | 'state' | 'error' | 'health' | 'message' | 'flush'>;

export interface SessionOptions {
  printer: SessionPrinter;
  names: readonly string[];
  /** Stop everything when a main process exits, and exit with its code. @default false */
  abortOnExit?: boolean;
  /** End (with cleanup) once nothing is left running: foreground `up`. A daemon waits for `down`. @default true */
  endWhenIdle?: boolean;
  /**
   * Hands over the function a signal calls, for a front end that reads keys in raw mode (the TUI),
   * where Ctrl-C is a key and not SIGINT: calling it ends the session exactly as the signal would.
   */
  bindInterrupt?: (interrupt: (signal: NodeJS.Signals) => void) => void;
}

type Ending =
  | { kind: 'idle' }
  | { kind: 'signal'; signal: NodeJS.Signals }
  | { kind: 'api' }
  | { kind: 'abort-on-exit'; process: string; code: number };

/**
 * Runs a supervisor until it should end — Ctrl-C / SIGTERM / SIGHUP (a second Ctrl-C forces), a
 * shutdown through the API (`ovrseer down`), nothing left running, or `--abort-on-exit` — then shuts
 * everything down and returns the exit code (DESIGN.md).
 */
export async function runSession(supervisor: Supervisor, options: SessionOptions): Promise<number> {
  const { printer } = options;
  const manager = supervisor.manager;
  manager.on('output', (event) => printer.output(event));
  manager.on('state', (event) => printer.state(event));
  manager.on('error', (event) => printer.error(event));
  manager.on('health', (event) => printer.health(event));
  for (const message of supervisor.recovered) printer.message(message);

  let resolveEnding: (ending: Ending) => void = () => undefined;
  const ending = new Promise<Ending>((resolve) => {
    resolveEnding = resolve;
  });
  let signalled = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (signalled) {
      if (signal === 'SIGINT' || signal === 'SIGTERM') {
        printer.message(`${signal} again: killing everything now`);
        void supervisor.shutdown({ force: true });
      }
      return;
    }
    signalled = true;
    printer.message(`${signal} received: shutting down (Ctrl-C again to force)`);
    resolveEnding({ kind: 'signal', signal });
  };
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  for (const signal of signals) process.on(signal, onSignal);
  options.bindInterrupt?.(onSignal);
  const offShutdown = supervisor.onShutdown(() => resolveEnding({ kind: 'api' }));
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
  if (options.endWhenIdle ?? true) manager.on('idle', () => resolveEnding({ kind: 'idle' }));

  try {
    const spec = manager.spec;
    printer.message(
      `starting ${spec.name} (${manager.instances().length} processes) from ${spec.file ?? spec.dir}`,
    );
    await Promise.race([supervisor.start(options.names), ending]);
    const end = await ending;
    if (end.kind === 'abort-on-exit')
      printer.message(`${end.process} exited: stopping everything (--abort-on-exit)`);
    if (end.kind === 'idle') printer.message('no process left running: shutting down');
    if (end.kind === 'api') printer.message('shutdown requested through the API');
    const result = await supervisor.shutdown();
    reportShutdown(printer, result);
    return exitCode(end, result, supervisor);
  } finally {
    for (const signal of signals) process.off(signal, onSignal);
    offShutdown();
    await printer.flush();
  }
}

function reportShutdown(printer: SessionPrinter, result: ShutdownResult): void {
  const escapees = result.escapeesEnded > 0 ? `, ended ${result.escapeesEnded} escaped descendant(s)` : '';
  if (result.ok) {
    printer.message(
      `stopped everything in ${result.durationMs}ms${escapees}${result.forced ? ' (forced)' : ''}`,
    );
    return;
  }
  for (const problem of result.problems) printer.message(`shutdown problem: ${problem}`);
}

function exitCode(end: Ending, result: ShutdownResult, supervisor: Supervisor): number {
  if (end.kind === 'signal') {
    if (result.ok) return EXIT_OK;
    return end.signal === 'SIGINT' ? EXIT_SIGINT : end.signal === 'SIGTERM' ? EXIT_SIGTERM : EXIT_FAILURE;
  }
  if (end.kind === 'abort-on-exit') return end.code;
  if (end.kind === 'api') return result.ok ? EXIT_OK : EXIT_FAILURE;
  const anyFailed = supervisor.manager
    .instances()
    .some((instance) => instance.state === 'failed' || instance.state === 'crashed');
  return anyFailed || !result.ok ? EXIT_FAILURE : EXIT_OK;
}
