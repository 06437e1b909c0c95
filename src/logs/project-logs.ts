import type { ProjectSpec } from '../config/spec.js';
import type { ErrorContext, LogLineEvent, StateChangeEvent } from '../core/events.js';
import { borrows } from '../core/line-batch.js';
import type { ProcessManager } from '../core/process-manager.js';
import type { ProcessState } from '../core/states.js';
import { errorMessage, OvrseerError } from '../errors.js';
import { ensureStateDir } from '../os/state-dir.js';
import { dropMessage } from './drop-message.js';
import { FileSink } from './file-sink.js';
import type { LogLevel } from './levels.js';
import { LogStore } from './log-store.js';

export interface ProjectLogsOptions {
  /** Disk errors, once per failure: pass the manager's `reportError`. */
  reportError(error: Error, context: ErrorContext): void;
  /** Per process instance, UTF-8 bytes of text kept in memory (at least 256 KiB). @default 8 MiB */
  maxBytes?: number;
  /** Per log file, bytes waiting for the disk before lines are dropped. @default 48 MiB */
  maxQueued?: number;
  /** All log files together. @default 64 MiB */
  maxQueuedTotal?: number;
}

/** The logs of one running project: the in-memory store and, for processes with `log.file`, the files. */
export interface ProjectLogs {
  store: LogStore;
  /** `null` when no process writes a file, or the log directory could not be created. */
  files: FileSink | null;
  /**
   * Feeds the store from an engine: every `log` event, and each state change as a system entry
   * (`crashed: exited with code 1`), so the files tell what happened. Returns the function that detaches.
   */
  attach(source: { on: ProcessManager['on'] }): () => void;
  /** Resolves once every line so far is on disk. */
  flush(): Promise<void>;
  /** Flushes and closes the files. Every stop path calls it before exiting. */
  close(): Promise<void>;
}

/**
 * Creates the store (`settings.log_buffer_lines` per instance) and the file sink
 * (`<state_dir>/logs/<name>.log`, rotated by each process's `log.max_size` / `log.keep`). A disk
 * problem is reported and the logs stay in memory: logging never stops a project.
 */
export function createProjectLogs(spec: ProjectSpec, options: ProjectLogsOptions): ProjectLogs {
  const store = new LogStore({
    maxLines: spec.settings.logBufferLines,
    ...(options.maxBytes === undefined ? {} : { maxBytes: options.maxBytes }),
    reportError: (error) =>
      options.reportError(error, { operation: 'stream logs to a file', severity: 'warning' }),
  });
  let files: FileSink | null = null;
  if (spec.processes.some((process) => process.log.file)) {
    try {
      const { logs } = ensureStateDir(spec.settings.stateDir, 'logs');
      files = new FileSink({
        dir: logs,
        processes: spec.processes,
        ...(options.maxQueued === undefined ? {} : { maxQueued: options.maxQueued }),
        ...(options.maxQueuedTotal === undefined ? {} : { maxQueuedTotal: options.maxQueuedTotal }),
        onDropped: (name, count, reason) =>
          store.appendSystem(
            { process: name, name, instance: null },
            dropMessage(count, reason, `${name}.log`),
            'warn',
          ),
        onError: (error, context) =>
          options.reportError(error, {
            processId: context.processId,
            operation: context.operation,
            severity: 'warning',
          }),
      });
      store.addSink(files);
    } catch (error) {
      options.reportError(
        new OvrseerError(
          'OVRSEER_LOG_WRITE_FAILED',
          `cannot create the log directory: ${errorMessage(error)}; logs stay in memory`,
          {
            cause: error,
          },
        ),
        { operation: 'create log directory', severity: 'warning' },
      );
    }
  }
  const sink = files;
  return {
    store,
    files: sink,
    attach: (source) => {
      const offLog = source.on(
        'output',
        borrows((event) => store.appendLines(event)),
      );
      const offState = source.on('state', (event) =>
        store.append(stateLine(event), STATE_LEVELS[event.to] ?? 'info'),
      );
      return () => {
        offLog();
        offState();
      };
    },
    flush: async () => {
      await sink?.flush();
    },
    close: async () => {
      await store.stopStreaming();
      await sink?.close();
    },
  };
}

const STATE_LEVELS: Partial<Record<ProcessState, LogLevel>> = {
  crashed: 'error',
  failed: 'error',
  backoff: 'warn',
};

function stateLine(event: StateChangeEvent): LogLineEvent {
  return {
    process: event.process,
    name: event.name,
    instance: event.instance,
    stream: 'system',
    text: `${event.to}: ${event.reason}`,
    time: event.time,
  };
}
