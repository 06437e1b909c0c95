import { Socket } from 'node:net';
import type { Readable } from 'node:stream';

/** Bytes per read slab: reads follow each other in it until less than `MIN_READ` is left. */
export const READ_SLAB = 256 * 1024;
/** A read gets this much room (what Node gives a read, and Linux's default pipe size). */
export const MIN_READ = 64 * 1024;

/** Where a reader puts the bytes of its reads, and what it does with them. */
export interface ReadTarget {
  /** The room for the next read. */
  readTarget(): Buffer;
  /** The first `count` bytes of the last `readTarget()` were read. */
  pushRead(count: number): void;
}

interface PipeHandle {
  readStop(): number;
  reading?: boolean;
  useUserBuffer?: unknown;
}

/**
 * Reads a child's pipe into the room `target` gives for each read, and calls `onEnd` once the pipe
 * is read to its end (or failed), `onError` with a failure.
 *
 * Node reads a pipe into a fresh 64 KiB allocation per read and shrinks it to what came: under a
 * flood that is a malloc, a realloc and an ArrayBuffer per read, and none of it is freed before a
 * scavenge, which a supervisor that makes few JS objects rarely runs — the brk heap grew by more
 * than the output itself. Reading into the target's slab (net.Socket's `onread`) makes the reads
 * follow each other in memory without an allocation each, and lets the splitter join a line split
 * across two reads without a copy.
 *
 * `onread` exists only for a socket built by us, so the pipe's handle moves from the socket the
 * child_process module made to one of ours (the old one is closed without its handle: one owner,
 * one close of the fd). A source that is not a pipe socket (a stream in a unit test) is read with
 * `data` events into the same target.
 */
export function readPipe(
  source: Readable,
  target: ReadTarget,
  onEnd: () => void,
  onError: (error: Error) => void,
): void {
  let ended = false;
  const end = (): void => {
    if (ended) return;
    ended = true;
    onEnd();
  };
  const handle = pipeHandle(source);
  if (handle === null) {
    // A stream, or a socket that read already (the handover happens before the loop ever polls):
    // its events, copied into the target's room.
    source.on('data', (chunk: Buffer) => {
      let from = 0;
      while (from < chunk.length) {
        const room = target.readTarget();
        const count = Math.min(room.length, chunk.length - from);
        chunk.copy(room, 0, from, from + count);
        target.pushRead(count);
        from += count;
      }
    });
    source.on('error', onError);
    source.on('end', end);
    source.on('close', end);
    return;
  }
  handle.readStop();
  // `reading` is the socket's note of readStart; the new socket starts reading only when it is unset.
  handle.reading = false;
  (source as unknown as { _handle: unknown })._handle = null;
  source.destroy();
  const socket = new Socket({
    handle,
    readable: true,
    writable: false,
    onread: {
      // Called once for the first read, and again after each read.
      buffer: () => target.readTarget(),
      callback: (count: number) => {
        target.pushRead(count);
      },
    },
  } as ConstructorParameters<typeof Socket>[0] & { handle: unknown });
  socket.on('error', onError);
  socket.on('end', end);
  socket.on('close', end);
}

/** The libuv pipe handle under a child_process socket, or null for any other stream. */
function pipeHandle(source: Readable): PipeHandle | null {
  if (!(source instanceof Socket)) return null;
  const handle = (source as unknown as { _handle?: PipeHandle | null })._handle;
  if (handle === null || handle === undefined) return null;
  if (typeof handle.readStop !== 'function' || typeof handle.useUserBuffer !== 'function') return null;
  const state = (source as unknown as { _readableState?: { ended?: boolean } })._readableState;
  if (source.readableLength > 0 || source.destroyed || state?.ended === true) return null;
  return handle;
}
