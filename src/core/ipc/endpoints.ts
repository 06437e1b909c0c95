import type { ChildProcess } from 'node:child_process';
import type { Socket } from 'node:net';
import { MAX_QUEUED_BYTES } from './framing.js';

/** Somewhere messages for one instance go: a socket client, or a Node child's IPC channel. */
export interface Endpoint {
  /** Queues one delivery; `false` when it was dropped because the reader is too far behind. */
  deliver(line: string, value: object): boolean;
  /** Messages dropped so far for a full queue. */
  readonly dropped: number;
}

/**
 * A socket client. What the kernel does not take waits in the socket's buffer; beyond `maxQueued`
 * bytes of it, further messages are dropped and counted — the supervisor never waits for a reader.
 * Once the reader catches up it is told how many it missed: `{"dropped": N}`.
 */
export class SocketEndpoint implements Endpoint {
  #dropped = 0;
  #reported = 0;

  constructor(
    readonly socket: Socket,
    readonly maxQueued = MAX_QUEUED_BYTES,
  ) {
    socket.on('drain', () => {
      if (this.#dropped === this.#reported) return;
      const missed = this.#dropped - this.#reported;
      this.#reported = this.#dropped;
      socket.write(`${JSON.stringify({ dropped: missed })}\n`);
    });
  }

  get dropped(): number {
    return this.#dropped;
  }

  deliver(line: string): boolean {
    if (this.socket.destroyed) return false;
    if (this.socket.writableLength + line.length > this.maxQueued) {
      this.#dropped += 1;
      return false;
    }
    this.socket.write(line);
    return true;
  }
}

/** Messages sent on a Node channel whose callback has not run yet, beyond which more are dropped. */
export const MAX_CHANNEL_PENDING = 1000;

/** A Node child spawned with `ipc: node`: `process.on('message')` receives `{from, message}`. */
export class ChannelEndpoint implements Endpoint {
  #dropped = 0;
  #pending = 0;

  constructor(
    readonly child: ChildProcess,
    readonly maxPending = MAX_CHANNEL_PENDING,
  ) {}

  get dropped(): number {
    return this.#dropped;
  }

  deliver(_line: string, value: object): boolean {
    if (!this.child.connected) return false;
    if (this.#pending >= this.maxPending) {
      this.#dropped += 1;
      return false;
    }
    this.#pending += 1;
    // The callback also gets the error of a channel that closed meanwhile: the message is lost with it.
    this.child.send(value, (error) => {
      this.#pending -= 1;
      if (error !== null) this.#dropped += 1;
    });
    return true;
  }
}
