import type { ManagerEvents } from '../core/events.js';
import type { ProcessState } from '../core/states.js';
import { FileLineFormatter } from '../logs/format.js';
import { ERROR, INFO, type LogLevel, levelCode, WARN } from '../logs/levels.js';
import { LogFileWriter } from '../logs/log-file-writer.js';

/** The subject of the supervisor's lines about itself (the column where other lines name a process). */
const SELF = 'ovrseer';

export interface SupervisorLogOptions {
  /** `<state_dir>/ovrseer.log` */
  path: string;
  /** Rotate past this many bytes. @default 10 MiB */
  maxSize?: number;
  /** Rotated, gzip-compressed files kept. @default 5 */
  keep?: number;
  /** Disk problems, once per failure (the log cannot report its own failure into itself). */
  onError(error: Error, operation: string): void;
}

const STATE_LEVELS: Partial<Record<ProcessState, number>> = { crashed: ERROR, failed: ERROR, backoff: WARN };

/**
 * `<state_dir>/ovrseer.log`: what the supervisor itself did and saw — state changes with their
 * reasons, health changes, warnings, internal errors, API actions, its own start and shutdown —
 * never a copy of the children's output (that is in `logs/<name>.log`). Lines have the log files'
 * format (`ISO-time process system level | text`); the file is rotated like the process logs, so a
 * supervisor that runs for months keeps it bounded.
 */
export class SupervisorLog {
  readonly path: string;
  readonly #writer: LogFileWriter;
  readonly #formatter = new FileLineFormatter();

  constructor(options: SupervisorLogOptions) {
    this.path = options.path;
    this.#writer = new LogFileWriter({
      path: options.path,
      maxSize: options.maxSize ?? 10 * 1024 * 1024,
      keep: options.keep ?? 5,
      // The log of a supervisor is small; a bound still keeps an event storm from growing memory.
      maxQueued: 4 * 1024 * 1024,
      onDropped: (count) =>
        this.write(SELF, 'warn', `${count} lines of this log were dropped (the disk fell behind)`),
      onError: options.onError,
    });
    this.#writer.start();
  }

  /** A line about `subject` (a process id, or `ovrseer` for the supervisor itself). */
  write(subject: string, level: LogLevel | number, text: string, time = Date.now()): void {
    const code = typeof level === 'number' ? level : levelCode(level);
    // A reason may quote a process's last output, which can hold newlines of its own.
    this.#writer.enqueue(this.#formatter.prefix(time, subject, 'system', code), text.replaceAll('\n', ' ⏎ '));
  }

  /** A line from the supervisor itself. */
  note(text: string, level: LogLevel = 'info'): void {
    this.write(SELF, level, text);
  }

  /** Follows an engine's state, health, warning and error events; returns the function that detaches. */
  attach(source: {
    on<K extends keyof ManagerEvents>(event: K, listener: (payload: ManagerEvents[K]) => void): () => void;
  }): () => void {
    const offs = [
      source.on('state', (event) =>
        this.write(event.process, STATE_LEVELS[event.to] ?? INFO, `${event.to}: ${event.reason}`, event.time),
      ),
      source.on('health', (event) =>
        this.write(
          event.process,
          event.to === 'unhealthy' ? WARN : INFO,
          `${event.to}: ${event.reason}`,
          event.time,
        ),
      ),
      source.on('warning', (event) =>
        this.write(event.process, WARN, `${event.kind}: ${event.message}`, event.time),
      ),
      source.on('error', (event) => {
        const where = event.context.processId ?? SELF;
        const level = event.context.severity === 'warning' ? WARN : ERROR;
        this.write(
          where,
          level,
          `${event.context.severity} during ${event.context.operation}: ${event.error.message}`,
          event.time,
        );
      }),
    ];
    return () => {
      for (const off of offs) off();
    };
  }

  /** Resolves once every line so far is on disk. */
  flush(): Promise<void> {
    return this.#writer.flush();
  }

  /** Flushes and closes the file; later lines are dropped. */
  close(): Promise<void> {
    return this.#writer.close();
  }
}
