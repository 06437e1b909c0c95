import type { ExitRuleSpec } from '../config/spec.js';
import { systemClock, waitAtMost } from '../core/clock.js';
import type { ErrorEvent, HealthChangeEvent, LogOutputEvent, StateChangeEvent } from '../core/events.js';
import { borrows } from '../core/line-batch.js';
import type { ShutdownResult } from '../core/process-manager.js';
import { describeShutdown } from '../core/shutdown.js';
import { errorMessage } from '../errors.js';
import { EXIT_FAILURE, EXIT_OK, EXIT_SIGINT, EXIT_SIGTERM } from '../exit-codes.js';
import { type ExitTriggered, ExitWatch } from './exit-rule.js';
import { installLastResort } from './last-resort.js';
import type { Supervisor } from './supervisor.js';

/** What the session writes to, handed over by the front end: its prefixed printer, or the TUI's adapter. */
export interface SessionPrinter {
  /** Keeps nothing of `event.lines` past the call (copies what it prints): see `borrows`. */
  output(event: LogOutputEvent): void;
  state(event: StateChangeEvent): void;
  error(event: ErrorEvent): void;
  health(event: HealthChangeEvent): void;
  message(text: string, time?: number): void;
  /** Resolves when what was written has gone out (or cannot: the terminal is gone). */
  flush(): Promise<void>;
}

export interface SessionOptions {
  printer: SessionPrinter;
  names: readonly string[];
  /**
   * SIGHUP re-reads the config and applies the difference (the detached supervisor's, which has no
   * terminal to lose) instead of ending the run. @default false
   */
  reloadOnHangup?: boolean;
  /**
   * What of which process ends the run and with which exit code (`resolveExitRule`: the config's
   * rule and the `--abort-on-*` / `--exit-code-from` flags). @default the project's `exit`, else none
   */
  exit?: ExitRuleSpec | null;
  /** End (with cleanup) once nothing is left running: foreground `up`. A daemon waits for `down`. @default true */
  endWhenIdle?: boolean;
  /**
   * Hands over the function a signal calls, for a front end that reads keys in raw mode (the TUI),
   * where Ctrl-C is a key and not SIGINT: calling it ends the session exactly as the signal would.
   */
  bindInterrupt?: (interrupt: (signal: NodeJS.Signals) => void) => void;
  /**
   * The front end's terminal (a `TerminalGuard`): when it goes away — the window closed, the reader
   * of a pipe gone — the session shuts down as on Ctrl-C, cleanup included; the supervisor's log
   * (`ovrseer.log`) keeps the rest of the story.
   */
  terminal?: { onLost(listener: (reason: string) => void): () => void };
  /**
   * Turn an uncaught exception or unhandled rejection into a graceful shutdown and exit code 1
   * instead of a crash that leaves every process running. @default true
   */
  lastResort?: boolean;
}

/** How long the last lines may take to go out once everything has stopped. */
const FINAL_OUTPUT_MS = 2000;

type Ending =
  | { kind: 'idle' }
  | { kind: 'signal'; signal: NodeJS.Signals }
  | { kind: 'terminal'; reason: string }
  | { kind: 'api' }
  | { kind: 'fatal' }
  | { kind: 'exit-rule'; triggered: ExitTriggered };

/**
 * Runs a supervisor until it should end — Ctrl-C / SIGTERM / SIGHUP (a second Ctrl-C forces), its
 * terminal going away, a shutdown through the API (`ovrseer down`), nothing left running,
 * the exit rule (`--abort-on-exit`, foreman's stop-all-when-one-ends …), or an error nothing caught — then shuts everything down and returns the exit
 * code: 0 clean, 1 a process failed (or the shutdown did, or a fatal error), 130/143 when the
 * shutdown that followed SIGINT/SIGTERM failed.
 */
export async function runSession(supervisor: Supervisor, options: SessionOptions): Promise<number> {
  const { printer } = options;
  const manager = supervisor.manager;
  /** ovrseer's own lines go to the front end and to the supervisor's log. */
  const say = (text: string, level: 'info' | 'warn' | 'error' = 'info'): void => {
    printer.message(text);
    supervisor.log.note(text, level);
  };
  const offs = [
    manager.on(
      'output',
      borrows((event) => printer.output(event)),
    ),
    manager.on('state', (event) => printer.state(event)),
    manager.on('error', (event) => printer.error(event)),
    manager.on('health', (event) => printer.health(event)),
  ];
  for (const message of supervisor.recovered) printer.message(message);

  let resolveEnding: (ending: Ending) => void = () => undefined;
  const ending = new Promise<Ending>((resolve) => {
    resolveEnding = resolve;
  });
  let ended: Ending | null = null;
  const end = (why: Ending): void => {
    ended ??= why;
    resolveEnding(why);
  };
  let fatal = false;
  let signalsSeen = 0;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (signal === 'SIGHUP' && options.reloadOnHangup === true && ended === null) {
      say('SIGHUP received: reloading the config');
      // The supervisor's log has the plan, or why the file was refused; the run goes on either way.
      supervisor
        .reload()
        .catch((error: unknown) => printer.message(`reload refused: ${errorMessage(error)}`));
      return;
    }
    signalsSeen += 1;
    // Only a second signal forces: Ctrl-C on `up | cat` ends cat too, and the closed pipe that follows
    // may start the shutdown before the signal is seen — that is still the first Ctrl-C.
    if (signalsSeen > 1 && (signal === 'SIGINT' || signal === 'SIGTERM')) {
      say(`${signal} again: killing everything now`, 'warn');
      void supervisor.shutdown({ force: true });
      return;
    }
    if (ended !== null) {
      say(`${signal} received: the shutdown is under way (Ctrl-C again to force)`);
      return;
    }
    say(`${signal} received: shutting down (Ctrl-C again to force)`);
    end({ kind: 'signal', signal });
  };
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  for (const signal of signals) process.on(signal, onSignal);
  options.bindInterrupt?.(onSignal);
  offs.push(
    options.terminal?.onLost((reason) => {
      if (ended !== null) {
        supervisor.log.note(`${reason}; the shutdown goes on`, 'warn');
        return;
      }
      say(`${reason}: shutting down, as on Ctrl-C (the rest is in ${supervisor.log.path})`, 'warn');
      end({ kind: 'terminal', reason });
    }) ?? (() => undefined),
  );
  const removeLastResort =
    options.lastResort === false
      ? () => undefined
      : installLastResort(supervisor, {
          say,
          onFatal: () => {
            fatal = true;
            end({ kind: 'fatal' });
          },
        });
  offs.push(supervisor.onShutdown(() => end({ kind: 'api' })));
  const rule = options.exit === undefined ? (manager.spec.exit ?? null) : options.exit;
  const watch = rule === null ? null : new ExitWatch(rule);
  if (watch !== null) {
    offs.push(
      manager.on('state', (event) => {
        const triggered = watch.observe(event);
        // What the shutdown itself does (a process stopped, its dependents skipped) ends nothing more.
        if (triggered === null || manager.isShuttingDown) return;
        end({ kind: 'exit-rule', triggered });
      }),
    );
  }
  if (options.endWhenIdle ?? true) offs.push(manager.on('idle', () => end({ kind: 'idle' })));

  try {
    const spec = manager.spec;
    const planned = supervisor.plannedStart(options.names).length;
    const total = manager.instances().filter((instance) => instance.spec.type !== 'cleanup').length;
    const noun = total === 1 ? 'process' : 'processes';
    const count = planned === total ? `${planned} ${noun}` : `${planned} of ${total} ${noun}`;
    say(`starting ${spec.name} (${count}) from ${spec.file ?? spec.dir}`);
    await Promise.race([supervisor.start(options.names), ending]);
    const why = await ending;
    if (why.kind === 'exit-rule') {
      const source = rule?.source === undefined || rule.source === '' ? '' : ` (${rule.source})`;
      say(`${why.triggered.process} ${why.triggered.what}: stopping everything${source}`);
    }
    if (why.kind === 'idle') say('no process left running: shutting down');
    if (why.kind === 'api') say('shutdown requested through the API');
    // The supervisor logs the outcome itself, before it closes its log.
    const result = await supervisor.shutdown();
    for (const line of describeShutdown(result)) printer.message(line.text);
    if (fatal) return EXIT_FAILURE;
    const fromProcess = watch?.codeFromProcess() ?? null;
    if (fromProcess !== null && why.kind !== 'signal' && why.kind !== 'terminal') return fromProcess;
    if (why.kind === 'idle' && rule?.idleCode !== undefined && result.ok) return rule.idleCode;
    return exitCode(why, result, supervisor);
  } catch (error) {
    // A start that failed as a whole (an unknown name) must not leave the API and its socket open.
    await supervisor.shutdown();
    throw error;
  } finally {
    for (const signal of signals) process.off(signal, onSignal);
    for (const off of offs) off();
    removeLastResort();
    // A reader that stopped reading (a paused pipe, a stopped terminal) must not keep the process.
    await waitAtMost(systemClock, printer.flush(), FINAL_OUTPUT_MS);
  }
}

function exitCode(end: Ending, result: ShutdownResult, supervisor: Supervisor): number {
  if (end.kind === 'signal') {
    if (result.ok) return EXIT_OK;
    return end.signal === 'SIGINT' ? EXIT_SIGINT : end.signal === 'SIGTERM' ? EXIT_SIGTERM : EXIT_FAILURE;
  }
  if (end.kind === 'terminal') return result.ok ? EXIT_OK : EXIT_FAILURE;
  if (end.kind === 'exit-rule') return end.triggered.code;
  if (end.kind === 'api') return result.ok ? EXIT_OK : EXIT_FAILURE;
  const anyFailed = supervisor.manager
    .instances()
    .some((instance) => instance.state === 'failed' || instance.state === 'crashed');
  return anyFailed || !result.ok ? EXIT_FAILURE : EXIT_OK;
}
