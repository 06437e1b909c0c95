import type {
  ErrorEvent,
  HealthChangeEvent,
  LogOutputEvent,
  StateChangeEvent,
  WarningEvent,
} from '../core/events.js';
import type { SessionPrinter } from '../supervisor/session.js';
import type { Notices } from './notices.js';
import type { Notice } from './source.js';

type Fallback = SessionPrinter & { warning(event: WarningEvent): void };

/** Messages kept for the summary printed after the TUI closes. */
const KEPT = 8;

/**
 * What `runSession` writes to while the TUI is up: output and state changes are already in the log
 * store the TUI reads, so only ovrseer's own messages, errors, health problems and warnings become
 * status-line notices. If the TUI fails, `switchToPlain` switches to the prefixed printer and the
 * session carries on in plain text.
 */
export class SessionNotices implements SessionPrinter {
  readonly #notices: Notices;
  readonly #recent: Notice[] = [];
  #fallback: Fallback | null = null;

  constructor(notices: Notices) {
    this.#notices = notices;
  }

  switchToPlain(printer: Fallback): void {
    this.#fallback = printer;
  }

  output(event: LogOutputEvent): void {
    this.#fallback?.output(event);
  }

  state(event: StateChangeEvent): void {
    this.#fallback?.state(event);
  }

  health(event: HealthChangeEvent): void {
    if (this.#fallback !== null) {
      this.#fallback.health(event);
      return;
    }
    if (event.to === 'unhealthy')
      this.#add('warn', `${event.process} is unhealthy: ${event.reason}`, event.time);
  }

  warning(event: WarningEvent): void {
    if (this.#fallback !== null) {
      this.#fallback.warning(event);
      return;
    }
    this.#add('warn', `${event.process}: ${event.kind}: ${event.message}`, event.time);
  }

  error(event: ErrorEvent): void {
    if (this.#fallback !== null) {
      this.#fallback.error(event);
      return;
    }
    const where = event.context.processId === undefined ? '' : `${event.context.processId}: `;
    this.#add(
      'error',
      `${event.context.severity} during ${event.context.operation}: ${where}${event.error.message}`,
      event.time,
    );
  }

  message(text: string, time?: number): void {
    if (this.#fallback !== null) {
      this.#fallback.message(text, time);
      return;
    }
    this.#add('info', text, time);
  }

  flush(): Promise<void> {
    return this.#fallback?.flush() ?? Promise.resolve();
  }

  /** The last messages, for the normal screen once the TUI is gone. */
  recent(): Notice[] {
    return this.#recent;
  }

  #add(level: Notice['level'], text: string, time?: number): void {
    this.#notices.add(level, text, time);
    this.#recent.push(
      this.#notices.list()[this.#notices.list().length - 1] ?? { level, text, time: Date.now() },
    );
    if (this.#recent.length > KEPT) this.#recent.shift();
  }
}
