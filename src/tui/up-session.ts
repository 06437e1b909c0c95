import type { ExitRuleSpec } from '../config/spec.js';
import { systemClock, waitAtMost } from '../core/clock.js';
import { attachMetrics } from '../metrics/attach.js';
import { runSession, type SessionOptions } from '../supervisor/session.js';
import type { Supervisor } from '../supervisor/supervisor.js';
import { Printer, SUPERVISOR_BACKLOG } from '../terminal/printer.js';
import { LocalSource } from './local-source.js';
import { mountTui } from './mount.js';
import { Notices } from './notices.js';
import { SessionNotices } from './session-printer.js';

export interface TuiSessionOptions {
  names: readonly string[];
  /** See `SessionOptions.exit`. */
  exit?: ExitRuleSpec | null;
  stdout: NodeJS.WriteStream;
  /** @default process.stdin */
  stdin?: NodeJS.ReadStream;
  color: boolean;
  /** The terminal's guard: when the terminal goes away the session shuts down (see `runSession`). */
  terminal?: SessionOptions['terminal'];
  /** Said in the TUI's messages once it shows (the web dashboard's URL of `up --dashboard`). */
  notices?: readonly string[];
}

/**
 * `ovrseer up` with the TUI: the session runs as with the printer, the TUI reads the supervisor in
 * this process. `q` (confirmed) and Ctrl-C shut down as SIGINT does, `Q` or a second Ctrl-C forces.
 * The session does not end when everything has stopped: the dashboard stays until the user quits.
 * When the TUI goes away the last messages (how the shutdown went) are printed on the normal screen.
 */
export async function runTuiSession(supervisor: Supervisor, options: TuiSessionOptions): Promise<number> {
  const { stdout } = options;
  const plain = (): Printer =>
    new Printer({
      out: stdout,
      color: options.color,
      instances: supervisor.manager.instances(),
      maxBacklog: SUPERVISOR_BACKLOG,
    });
  const messages = new Notices();
  const printer = new SessionNotices(messages);
  const sampler = attachMetrics(supervisor, (warning) => printer.warning(warning));
  const source = new LocalSource(supervisor, { metrics: sampler.supported ? sampler : null, messages });
  let interrupt: ((signal: NodeJS.Signals) => void) | null = null;
  const ui = mountTui(source, {
    stdout,
    ...(options.stdin === undefined ? {} : { stdin: options.stdin }),
    color: options.color,
    onQuit: (kind) => {
      interrupt?.('SIGINT');
      // A second interrupt is what forces: dependents are not waited for, everything gets SIGKILL.
      if (kind === 'now') interrupt?.('SIGINT');
    },
  });
  for (const text of options.notices ?? []) printer.message(text);
  let failed = false;
  void ui.ended.then((error) => {
    if (error === null) return;
    failed = true;
    printer.switchToPlain(plain());
    printer.message(`the terminal UI failed (${error.message}); plain output from here on`);
  });
  try {
    return await runSession(supervisor, {
      printer,
      names: options.names,
      endWhenIdle: false,
      ...(options.terminal === undefined ? {} : { terminal: options.terminal }),
      bindInterrupt: (callback) => {
        interrupt = callback;
      },
      ...(options.exit === undefined ? {} : { exit: options.exit }),
    });
  } finally {
    await ui.close();
    await source.close();
    // After a failure the messages went out in plain text already.
    const summary = plain();
    if (failed) printer.recent().length = 0;
    for (const notice of printer.recent()) summary.message(notice.text, notice.time);
    // Bounded: a terminal stopped with Ctrl-S must not keep the process once everything has stopped.
    await waitAtMost(systemClock, summary.flush(), 2000);
  }
}
