import type { ChildProcess, spawn as nodeSpawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { errorMessage, isErrnoException, OvrseerError } from '../../errors.js';
import { applyDatagram, initialNotifyState, type NotifyState } from './notify-state.js';
import { PERL_RECEIVER, PYTHON_RECEIVER } from './receiver-scripts.js';

export const NOTIFY_SOCKET_VAR = 'NOTIFY_SOCKET';

/** sun_path is 108 bytes on Linux, NUL included. */
const MAX_SOCKET_PATH = 100;

/** The receivers tried, in order: the first one found on PATH runs. */
const RECEIVERS: readonly { command: string; args: string[] }[] = [
  { command: 'perl', args: ['-e', PERL_RECEIVER] },
  { command: 'python3', args: ['-c', PYTHON_RECEIVER] },
];

export interface NotifyHubOptions {
  /** Holds `notify/<id>.sock`; the state dir (0700) under a supervisor. */
  dir: string;
  spawn: typeof nodeSpawn;
  reportError(error: Error, operation: string): void;
}

interface Waiter {
  resolve(path: string): void;
  reject(error: Error): void;
  path: string;
}

/**
 * The `NOTIFY_SOCKET`s of the instances with `ready: {notify: true}`: one datagram socket each
 * (so a message says who sent it), all received by one helper process (receiver-scripts.ts) started
 * with the first of them.
 */
export class NotifyHub {
  readonly #options: NotifyHubOptions;
  readonly #states = new Map<string, NotifyState>();
  readonly #listeners = new Map<string, Set<() => void>>();
  readonly #waiters = new Map<string, Waiter>();
  #receiver: Promise<ChildProcess> | null = null;
  #closed = false;

  constructor(options: NotifyHubOptions) {
    this.#options = options;
  }

  /** Binds (or rebinds) instance `id`'s socket for a new run; resolves with its path once bound. */
  async open(id: string): Promise<string> {
    const dir = join(this.#options.dir, 'notify');
    const path = join(dir, `${id}.sock`);
    if (Buffer.byteLength(path) > MAX_SOCKET_PATH) {
      throw new OvrseerError(
        'OVRSEER_UNSAFE_PATH',
        `the sd_notify socket ${path} is longer than a unix socket path may be (${MAX_SOCKET_PATH} bytes): choose a shorter settings.state_dir`,
      );
    }
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    this.#states.set(id, initialNotifyState());
    const receiver = await this.#start();
    return new Promise<string>((resolve, reject) => {
      this.#waiters.get(id)?.reject(new Error('superseded by a newer start'));
      this.#waiters.set(id, { resolve, reject, path });
      receiver.stdin?.write(`open ${id} ${path}\n`);
    });
  }

  state(id: string): NotifyState | undefined {
    return this.#states.get(id);
  }

  /** Called on each change of `id`'s state; returns the unsubscriber. */
  subscribe(id: string, listener: () => void): () => void {
    let set = this.#listeners.get(id);
    if (set === undefined) {
      set = new Set();
      this.#listeners.set(id, set);
    }
    set.add(listener);
    return () => set.delete(listener);
  }

  async close(): Promise<void> {
    this.#closed = true;
    const receiver = this.#receiver;
    this.#receiver = null;
    if (receiver === null) return;
    const child = await receiver.catch(() => null);
    if (child === null || child.exitCode !== null) return;
    // Closing stdin ends the helper; its sockets go with the state dir's next use (open unlinks).
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.stdin?.end();
    await exited;
  }

  #start(): Promise<ChildProcess> {
    this.#receiver ??= this.#spawnReceiver(0);
    return this.#receiver;
  }

  async #spawnReceiver(index: number): Promise<ChildProcess> {
    const receiver = RECEIVERS[index];
    if (receiver === undefined) {
      this.#receiver = null;
      throw new OvrseerError(
        'OVRSEER_NOTIFY_UNAVAILABLE',
        `ready: {notify: true} needs perl or python3 on PATH to receive sd_notify datagrams (Node cannot without a native module); install one (Debian: apt-get install perl-base) or use another ready probe`,
      );
    }
    const child = this.#options.spawn(receiver.command, receiver.args, {
      stdio: ['pipe', 'pipe', 'pipe'],
      // Its own group: a Ctrl-C at the terminal must not end it before the processes it listens for.
      detached: true,
    });
    const started = await new Promise<boolean>((resolve) => {
      child.once('spawn', () => resolve(true));
      child.once('error', (error) => {
        if (isErrnoException(error) && error.code === 'ENOENT') resolve(false);
        else {
          this.#options.reportError(error, 'sd_notify receiver');
          resolve(false);
        }
      });
    });
    if (!started) return this.#spawnReceiver(index + 1);
    child.unref();
    for (const stream of [child.stdin, child.stdout, child.stderr])
      (stream as { unref?(): void } | null)?.unref?.();
    // The helper writes ASCII only (hex for datagrams): lines split on text without a decoder.
    let pending = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      const lines = (pending + chunk.toString('latin1')).split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) this.#onLine(line);
    });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-500);
    });
    child.once('exit', (code, signal) => {
      if (this.#receiver !== null) this.#receiver = null;
      const why = new OvrseerError(
        'OVRSEER_INTERNAL',
        `the sd_notify receiver (${receiver.command}) exited (${signal ?? code})${stderr === '' ? '' : `: ${stderr.trim()}`}`,
      );
      for (const waiter of this.#waiters.values()) waiter.reject(why);
      this.#waiters.clear();
      if (!this.#closed) this.#options.reportError(why, 'sd_notify receiver');
    });
    return child;
  }

  #onLine(line: string): void {
    const [kind = '', id = '', ...rest] = line.split(' ');
    if (kind === 'opened' || kind === 'error') {
      const waiter = this.#waiters.get(id);
      if (waiter === undefined) return;
      this.#waiters.delete(id);
      if (kind === 'opened') waiter.resolve(waiter.path);
      else
        waiter.reject(
          new OvrseerError('OVRSEER_SPAWN_FAILED', `cannot bind ${waiter.path}: ${rest.join(' ')}`),
        );
      return;
    }
    if (kind !== 'msg') return;
    const state = this.#states.get(id);
    if (state === undefined) return;
    let text: string;
    try {
      text = Buffer.from(rest[0] ?? '', 'hex').toString('utf8');
    } catch (error) {
      this.#options.reportError(
        new Error(`bad sd_notify line: ${errorMessage(error)}`),
        'sd_notify receiver',
      );
      return;
    }
    if (!applyDatagram(state, text)) return;
    for (const listener of this.#listeners.get(id) ?? []) listener();
  }
}
