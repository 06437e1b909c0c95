import type { ChildProcess } from 'node:child_process';
import { chmodSync, closeSync, openSync, readSync, unlinkSync } from 'node:fs';
import type { Server, Socket } from 'node:net';
import { errorMessage, isErrnoException, OvrseerError } from '../../errors.js';
import { ChannelEndpoint, type Endpoint, SocketEndpoint } from './endpoints.js';
import {
  checkRequest,
  type ErrorLine,
  encodeDelivery,
  errorLine,
  LineFramer,
  MAX_MESSAGE_BYTES,
  parseHello,
  parseRequest,
} from './framing.js';

/** The sender of messages from the CLI, the API and `ProcessManager.sendMessage` without a process. */
export const SUPERVISOR_SENDER = '@ovrseer';
/** `to` of a broadcast. */
export const BROADCAST = '*';

export const IPC_PATH_VAR = 'OVRSEER_IPC';
export const IPC_NAME_VAR = 'OVRSEER_IPC_NAME';
export const IPC_TOKEN_VAR = 'OVRSEER_IPC_TOKEN';

/** One message as `onMessage` handlers see it. */
export interface IpcMessage {
  /** Instance id of the sender (`api`, `worker.2`), or `@ovrseer`. */
  from: string;
  /** What the sender named: a selector, or `*`. */
  to: string;
  message: unknown;
  /** Instances it was handed to (queued on their socket or channel). */
  delivered: string[];
  time: number;
}

export interface MessageBusOptions {
  /** Where the socket for other languages listens; `null`: Node channels only. */
  socketPath: string | null;
  /** Instance ids a `to` names (a selector); throws `OVRSEER_UNKNOWN_PROCESS` for an unknown one. */
  resolve(to: string): string[];
  /** Every instance id that exists now, for broadcasts. */
  all(): string[];
  now(): number;
  reportError(error: Error, operation: string): void;
  /** @default 1 MiB */
  maxMessageBytes?: number;
}

/**
 * Routes messages between processes (docs/ipc.md): Node children opted in with `ipc: node` through
 * their IPC channel, any other program through the newline-delimited JSON socket in `OVRSEER_IPC`.
 * A socket client proves which instance it is with the token in its own environment.
 */
export class MessageBus {
  readonly #options: MessageBusOptions;
  readonly #maxBytes: number;
  readonly #endpoints = new Map<string, Set<Endpoint>>();
  readonly #channels = new Map<string, ChannelEndpoint>();
  readonly #tokens = new Map<string, string>();
  readonly #handlers = new Set<(message: IpcMessage) => void>();
  readonly #sockets = new Set<Socket>();
  #server: Server | null = null;
  #listening: Promise<void> | null = null;

  constructor(options: MessageBusOptions) {
    this.#options = options;
    this.#maxBytes = options.maxMessageBytes ?? MAX_MESSAGE_BYTES;
  }

  /** The socket's path once listening, else `null`. */
  get socketPath(): string | null {
    return this.#server === null ? null : this.#options.socketPath;
  }

  /** Opens the socket (once); every child spawned afterwards finds it in `OVRSEER_IPC`. */
  listen(): Promise<void> {
    const path = this.#options.socketPath;
    if (path === null) return Promise.resolve();
    this.#listening ??= new Promise<void>((resolve, reject) => {
      const net = process.getBuiltinModule('node:net') as typeof import('node:net');
      try {
        unlinkSync(path);
      } catch (error) {
        if (!isErrnoException(error) || error.code !== 'ENOENT') {
          reject(new OvrseerError('OVRSEER_UNSAFE_PATH', `cannot replace ${path}: ${errorMessage(error)}`));
          return;
        }
      }
      const server = net.createServer((socket) => this.#accept(socket));
      server.once('error', (error) =>
        reject(new OvrseerError('OVRSEER_INTERNAL', `cannot listen on ${path} for IPC: ${error.message}`)),
      );
      server.listen(path, () => {
        chmodSync(path, 0o600);
        server.unref();
        this.#server = server;
        resolve();
      });
    });
    return this.#listening;
  }

  /** The variables a child needs to connect as itself; empty without a socket. */
  envFor(id: string): Record<string, string> {
    const path = this.socketPath;
    if (path === null) return {};
    return { [IPC_PATH_VAR]: path, [IPC_NAME_VAR]: id, [IPC_TOKEN_VAR]: this.#tokenFor(id) };
  }

  /** Takes `{to, message}` from a Node child's channel; answers errors on it. */
  attachChannel(id: string, child: ChildProcess): void {
    this.detachChannel(id);
    const endpoint = new ChannelEndpoint(child);
    this.#channels.set(id, endpoint);
    this.#add(id, endpoint);
    child.on('message', (value: unknown) => {
      const request = checkRequest(value);
      const error = request.ok ? this.#route(id, request.value.to, request.value.message) : request.error;
      if (error !== null && child.connected) child.send(error);
    });
    child.once('disconnect', () => {
      if (this.#channels.get(id) === endpoint) this.detachChannel(id);
    });
  }

  detachChannel(id: string): void {
    const endpoint = this.#channels.get(id);
    if (endpoint === undefined) return;
    this.#channels.delete(id);
    this.#endpoints.get(id)?.delete(endpoint);
  }

  /**
   * Sends `message` from `from` to every instance `to` names. Throws when `to` is unknown, when the
   * message is over the maximum, and when none of those instances listens.
   */
  send(from: string, to: string, message: unknown): IpcMessage {
    const targets =
      to === BROADCAST ? this.#options.all().filter((id) => id !== from) : this.#options.resolve(to);
    const encoded = encodeDelivery(from, message, this.#maxBytes);
    if (!encoded.ok) throw new OvrseerError('OVRSEER_PAYLOAD_TOO_LARGE', encoded.error.error.message);
    const value = { from, message };
    const delivered: string[] = [];
    for (const id of targets) {
      let handed = false;
      for (const endpoint of this.#endpoints.get(id) ?? [])
        handed = endpoint.deliver(encoded.value, value) || handed;
      if (handed) delivered.push(id);
    }
    if (delivered.length === 0 && to !== BROADCAST) {
      const listening = targets.some((id) => (this.#endpoints.get(id)?.size ?? 0) > 0);
      throw new OvrseerError(
        'OVRSEER_NOT_LISTENING',
        listening
          ? `${to} is not reading its messages fast enough: this one was dropped`
          : `${to} does not listen for messages: connect to $${IPC_PATH_VAR} from it (docs/ipc.md), or set "ipc: node" for a Node program`,
      );
    }
    const event: IpcMessage = { from, to, message, delivered, time: this.#options.now() };
    for (const handler of this.#handlers) {
      try {
        handler(event);
      } catch (error) {
        this.#options.reportError(toError(error), 'message handler');
      }
    }
    return event;
  }

  /** Every message routed, whoever sent it; returns the unsubscriber. */
  onMessage(handler: (message: IpcMessage) => void): () => void {
    this.#handlers.add(handler);
    return () => this.#handlers.delete(handler);
  }

  /** Messages dropped for instance `id` because it read too slowly (all its endpoints). */
  dropped(id: string): number {
    let count = 0;
    for (const endpoint of this.#endpoints.get(id) ?? []) count += endpoint.dropped;
    return count;
  }

  async close(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    this.#sockets.clear();
    const server = this.#server;
    this.#server = null;
    if (server !== null) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  #route(from: string, to: string, message: unknown): ErrorLine | null {
    try {
      this.send(from, to, message);
      return null;
    } catch (error) {
      const code = error instanceof OvrseerError ? error.code : 'OVRSEER_INTERNAL';
      return errorLine(code, errorMessage(error));
    }
  }

  #add(id: string, endpoint: Endpoint): void {
    let set = this.#endpoints.get(id);
    if (set === undefined) {
      set = new Set();
      this.#endpoints.set(id, set);
    }
    set.add(endpoint);
  }

  #tokenFor(id: string): string {
    let token = this.#tokens.get(id);
    if (token === undefined) {
      token = randomHex(32);
      this.#tokens.set(id, token);
    }
    return token;
  }

  #checkToken(id: string, token: string): boolean {
    const expected = this.#tokens.get(id);
    if (expected === undefined || expected.length !== token.length) return false;
    // Constant time: every character compared, whatever the first difference.
    let difference = 0;
    for (let i = 0; i < expected.length; i += 1) difference |= expected.charCodeAt(i) ^ token.charCodeAt(i);
    return difference === 0;
  }

  #accept(socket: Socket): void {
    this.#sockets.add(socket);
    const framer = new LineFramer(this.#maxBytes);
    let id: string | null = null;
    let endpoint: SocketEndpoint | null = null;
    const answer = (line: object): void => {
      if (!socket.destroyed) socket.write(`${JSON.stringify(line)}\n`);
    };
    socket.on('data', (chunk: Buffer) => {
      for (const event of framer.push(chunk)) {
        if (event.kind === 'oversized') {
          answer(
            errorLine(
              'too_large',
              `line of ${event.bytes} bytes exceeds the maximum of ${this.#maxBytes} bytes: it was not delivered`,
            ),
          );
          continue;
        }
        if (id === null) {
          const hello = parseHello(event.text);
          if (!hello.ok || !this.#checkToken(hello.value.name, hello.value.token)) {
            answer(hello.ok ? errorLine('unauthorized', `wrong token for ${hello.value.name}`) : hello.error);
            socket.end();
            return;
          }
          id = hello.value.name;
          endpoint = new SocketEndpoint(socket);
          this.#add(id, endpoint);
          answer({ ok: true, name: id });
          continue;
        }
        const request = parseRequest(event.text);
        const error = request.ok ? this.#route(id, request.value.to, request.value.message) : request.error;
        if (error !== null) answer(error);
      }
    });
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      this.#sockets.delete(socket);
      if (id !== null && endpoint !== null) this.#endpoints.get(id)?.delete(endpoint);
    });
  }
}

/**
 * Random bytes from the kernel, as hex: node:crypto would stay in the supervisor's memory for good
 * (~0.9 MB, lazy-builtin.ts) for one token per instance.
 */
function randomHex(bytes: number): string {
  const buffer = Buffer.alloc(bytes);
  const fd = openSync('/dev/urandom', 'r');
  try {
    readSync(fd, buffer, 0, bytes, null);
  } finally {
    closeSync(fd);
  }
  return buffer.toString('hex');
}

function toError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
