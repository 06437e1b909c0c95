import { errorMessage, isErrnoException } from '../errors.js';

/** What a front end writes to and reads from. */
export interface TerminalStreams {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  stdin: NodeJS.ReadableStream;
}

type Lost = (reason: string) => void;

/**
 * Keeps a lost terminal from ending the process. A write to a pipe whose reader went away fails with
 * EPIPE (`up | head`), one to a terminal that was closed with EIO; Node emits those as `error` events,
 * and an `error` without a listener is an uncaught exception — which would end a supervisor without
 * stopping anything. Here every such error, SIGPIPE, and a read error on stdin are reported once, as
 * the terminal being lost, to whoever listens (`up` shuts down as on Ctrl-C; other commands end).
 * SIGHUP counts too: it is how a terminal says it closed.
 *
 * Pipes and terminals are also made non-blocking: Node writes to both synchronously on Linux, so a
 * reader that stops reading (`up | less` left paused, Ctrl-S on a terminal) would freeze the whole
 * supervisor — no restarts, no API — once the pipe's 64 KiB are full. Non-blocking, a write that
 * cannot go out waits in the stream, where the printer sees the backlog and holds back.
 */
export class TerminalGuard {
  static #process: TerminalGuard | null = null;

  /** The guard of this process's own stdout, stderr and stdin (created once, never disposed). */
  static forProcess(): TerminalGuard {
    TerminalGuard.#process ??= new TerminalGuard();
    return TerminalGuard.#process;
  }

  readonly #listeners = new Set<Lost>();
  #fallback: Lost | null = null;
  readonly #streams: (NodeJS.WritableStream | NodeJS.ReadableStream)[];
  #disposed = false;
  readonly #onError = (error: Error): void =>
    this.#lose(describe(error), isErrnoException(error) && error.code === 'EIO');
  readonly #onSigpipe = (): void => this.#lose('SIGPIPE: the reader of the output went away', false);
  readonly #onSighup = (): void => this.#lose('the terminal was closed (SIGHUP)', true);
  #lost: string | null = null;
  #hungUp = false;

  /** Without `streams`: the process's own; its stdin is watched once something creates it. */
  constructor(streams?: TerminalStreams) {
    const { stdout, stderr } = streams ?? process;
    this.#streams = [];
    for (const stream of [stdout, stderr]) this.#watch(stream);
    for (const stream of [stdout, stderr]) setNonBlocking(stream);
    // Node creates `process.stdin` on its first use, which loads its stream classes (~10 ms of a
    // command such as `validate`, which never reads it): a stdin nobody created cannot fail.
    if (streams === undefined) onFirstGet(process, 'stdin', (stdin) => this.#watch(stdin));
    else this.#watch(streams.stdin);
    process.on('SIGPIPE', this.#onSigpipe);
    process.on('SIGHUP', this.#onSighup);
  }

  /** The terminal hung up (SIGHUP, EIO), as opposed to a pipe closing. */
  get hungUp(): boolean {
    return this.#hungUp;
  }

  /** Why the terminal was lost, or null while it is there. */
  get lost(): string | null {
    return this.#lost;
  }

  /** Called once, with the reason, when the terminal goes away (at once if it already has). */
  onLost(listener: Lost): () => void {
    if (this.#lost !== null) {
      listener(this.#lost);
      return () => undefined;
    }
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** What happens when the terminal is lost while nobody listens (a command that is not `up`: it ends). */
  setFallback(fallback: Lost): void {
    this.#fallback = fallback;
  }

  dispose(): void {
    this.#disposed = true;
    for (const stream of this.#streams) stream.off('error', this.#onError);
    process.off('SIGPIPE', this.#onSigpipe);
    process.off('SIGHUP', this.#onSighup);
    this.#listeners.clear();
  }

  #watch(stream: NodeJS.WritableStream | NodeJS.ReadableStream): void {
    if (this.#disposed) return;
    this.#streams.push(stream);
    stream.on('error', this.#onError);
  }

  #lose(reason: string, hungUp: boolean): void {
    this.#hungUp ||= hungUp;
    if (this.#lost !== null) return;
    this.#lost = reason;
    if (this.#listeners.size === 0) this.#fallback?.(reason);
    for (const listener of [...this.#listeners]) listener(reason);
    this.#listeners.clear();
  }
}

function describe(error: Error): string {
  if (isErrnoException(error)) {
    if (error.code === 'EPIPE') return 'the output pipe was closed (EPIPE)';
    if (error.code === 'EIO') return 'the terminal went away (EIO)';
  }
  return `the terminal failed: ${errorMessage(error)}`;
}

/**
 * Calls `then` with `target[key]` when it is first read, for a property Node defines as a lazy getter
 * (`process.stdin`), without reading it now; at once when it is a plain value. A value the getter had
 * made before is met on its next read.
 */
export function onFirstGet<T extends object, K extends keyof T>(
  target: T,
  key: K,
  then: (value: T[K]) => void,
): void {
  const descriptor = Object.getOwnPropertyDescriptor(target, key);
  const get = descriptor?.get;
  if (descriptor === undefined || get === undefined || descriptor.configurable !== true) {
    then(target[key]);
    return;
  }
  Object.defineProperty(target, key, {
    ...descriptor,
    get(this: T) {
      Object.defineProperty(target, key, descriptor);
      const value = get.call(this) as T[K];
      then(value);
      return value;
    },
  });
}

/**
 * Node's pipe and TTY handles have `setBlocking`; files have none (their writes cannot stall). The
 * handle is internal to Node, which is why this is looked up rather than typed.
 */
function setNonBlocking(stream: NodeJS.WritableStream): void {
  const handle = (stream as { _handle?: { setBlocking?: (blocking: boolean) => number } })._handle;
  handle?.setBlocking?.(false);
}
