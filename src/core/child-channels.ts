import type { ChildProcess, spawn as nodeSpawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ProcessSpec } from '../config/spec.js';
import { errorMessage } from '../errors.js';
import { type IpcMessage, MessageBus } from './ipc/message-bus.js';
import { NOTIFY_SOCKET_VAR, NotifyHub } from './notify/notify-hub.js';
import type { NotifySource } from './probes/probe.js';

export interface ChildChannelsOptions {
  /**
   * Where `ipc.sock` and `notify/` go (the state dir under a supervisor). `null`: a private temporary
   * directory, made when first needed.
   * @default null
   */
  runtimeDir: string | null;
  /** Open the `OVRSEER_IPC` socket for every child. @default false (the supervisor turns it on) */
  socket: boolean;
  spawn: typeof nodeSpawn;
  now(): number;
  resolve(to: string): string[];
  all(): string[];
  reportError(error: Error, operation: string): void;
}

export type PreparedChannels =
  | { ok: true; env: Record<string, string>; nodeChannel: boolean }
  | { ok: false; reason: string };

/** sun_path is 108 bytes on Linux, NUL included. */
const MAX_SOCKET_PATH = 100;

const wantsNotify = (spec: ProcessSpec): boolean => spec.ready.some((check) => check.probe.kind === 'notify');

/**
 * The ways a child talks back besides its output: messages (`OVRSEER_IPC`, Node's channel) and
 * sd_notify (`NOTIFY_SOCKET`). Each instance's spawn asks `prepare` for its variables first.
 */
export class ChildChannels {
  readonly bus: MessageBus;
  readonly #options: ChildChannelsOptions;
  #dir: string | null;
  #notify: NotifyHub | null = null;
  #listenFailed = false;

  constructor(options: ChildChannelsOptions) {
    this.#options = options;
    this.#dir = options.runtimeDir;
    this.bus = new MessageBus({
      socketPath: options.socket ? this.#socketPath() : null,
      resolve: options.resolve,
      all: options.all,
      now: options.now,
      reportError: options.reportError,
    });
  }

  /** The variables (and stdio) of instance `id`'s next run; a failure is the reason it cannot start. */
  async prepare(id: string, spec: ProcessSpec): Promise<PreparedChannels> {
    const env: Record<string, string> = {};
    if (!this.#listenFailed) {
      try {
        await this.bus.listen();
      } catch (error) {
        // Messages are an extra: the processes still start, without OVRSEER_IPC, and the log says why.
        this.#listenFailed = true;
        this.#options.reportError(error instanceof Error ? error : new Error(String(error)), 'IPC socket');
      }
    }
    Object.assign(env, this.bus.envFor(id));
    try {
      if (wantsNotify(spec)) env[NOTIFY_SOCKET_VAR] = await this.#hub().open(id);
    } catch (error) {
      return { ok: false, reason: errorMessage(error) };
    }
    return { ok: true, env, nodeChannel: spec.ipc === 'node' };
  }

  /** After a spawn with `nodeChannel`: its messages go through the bus. */
  attach(id: string, child: ChildProcess): void {
    if (child.send !== undefined) this.bus.attachChannel(id, child);
  }

  /** The latest `STATUS=` of `id`, for `ps`. */
  statusText(id: string): string | null {
    return this.#notify?.state(id)?.status ?? null;
  }

  notifySource(id: string): NotifySource {
    const hub = this.#hub();
    return { state: () => hub.state(id), subscribe: (listener) => hub.subscribe(id, listener) };
  }

  async close(): Promise<void> {
    await Promise.all([this.bus.close(), this.#notify?.close()]);
  }

  #hub(): NotifyHub {
    this.#notify ??= new NotifyHub({
      dir: this.#runtimeDir(),
      spawn: this.#options.spawn,
      reportError: this.#options.reportError,
    });
    return this.#notify;
  }

  /** `ipc.sock` in the runtime dir, or in a private temporary one when that path is too long for a socket. */
  #socketPath(): string {
    const path = join(this.#runtimeDir(), 'ipc.sock');
    if (Buffer.byteLength(path) <= MAX_SOCKET_PATH) return path;
    return join(mkdtempSync(join(tmpdir(), 'ovrseer-ipc-')), 'ipc.sock');
  }

  #runtimeDir(): string {
    this.#dir ??= mkdtempSync(join(tmpdir(), 'ovrseer-'));
    return this.#dir;
  }
}

export type { IpcMessage };
