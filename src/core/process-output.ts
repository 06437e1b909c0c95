import type { ChildProcess } from 'node:child_process';
import type { Clock } from './clock.js';
import type { ErrorContext, LogStream } from './events.js';
import type { LineBatch } from './line-batch.js';
import { LineSplitter } from './line-splitter.js';
import { readPipe } from './pipe-reader.js';

/** After the leader exits, output still in the pipes is awaited this long before the exit is handled. */
const STDIO_DRAIN_MS = 200;

export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/**
 * Wires a child's stdout and stderr to line batches (one per chunk read). Returns a promise of the child's exit that
 * settles only once its output has been read to the end — or after a short drain when a descendant
 * keeps the pipes open — so the last lines always come before the exit is handled.
 */
export function followChild(
  child: ChildProcess,
  clock: Clock,
  onLines: (stream: LogStream, lines: LineBatch) => void,
  reportError: (error: Error, context: Omit<ErrorContext, 'processId'>) => void,
): Promise<ChildExit> {
  const splitters: LineSplitter[] = [];
  const ends: Promise<void>[] = [];
  for (const [stream, source] of [
    ['out', child.stdout],
    ['err', child.stderr],
  ] as const) {
    if (source === null) continue;
    const splitter = new LineSplitter((lines) => onLines(stream, lines));
    ends.push(
      new Promise((ended) =>
        readPipe(source, splitter, ended, (error) =>
          reportError(error, { operation: `read ${stream}`, severity: 'warning' }),
        ),
      ),
    );
    splitters.push(splitter);
  }
  child.stdin?.on('error', (error) => reportError(error, { operation: 'write stdin', severity: 'warning' }));
  // The pipes are read by sockets of our own (see pipe-reader.ts): the child's `close` no longer
  // says they are read to the end, their own ends do.
  const read = Promise.all(ends);
  return new Promise((resolve) => {
    child.once('exit', (code, signal) => {
      // Input nobody will read any more: what still waits for the pipe is dropped now.
      child.stdin?.destroy();
      const drained = new Promise<void>((done) => {
        const timer = clock.setTimeout(done, STDIO_DRAIN_MS);
        void read.then(() => {
          clock.clearTimeout(timer);
          done();
        });
      });
      void drained.then(() => {
        for (const splitter of splitters) splitter.end();
        child.stdin?.destroy();
        resolve({ code, signal });
      });
    });
  });
}
