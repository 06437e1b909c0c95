import type { FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { nodeFsPromises } from '../core/lazy-builtin.js';
import { errorMessage, isErrnoException, OvrseerError } from '../errors.js';
import { matches, parseLogText } from './file-reader.js';
import { type CompiledQuery, compileQuery, mergeByTime } from './query.js';
import type { LogEntry, LogQuery } from './types.js';

const READ_CHUNK = 1024 * 1024;

interface Tracked {
  name: string;
  path: string;
  handle: FileHandle | null;
  ino: number;
  offset: number;
  /** Bytes after the last newline: a line being written right now. */
  partial: Buffer;
}

export interface FollowOptions {
  dir: string;
  names: readonly string[];
  query?: Omit<LogQuery, 'limit' | 'after'>;
  /** New entries of one poll, merged by time, oldest first. */
  onEntries(entries: LogEntry[]): void;
  onError(error: Error): void;
  /** @default 100 */
  interval?: number;
}

/**
 * `tail -F` for log files: reads what is appended to `<dir>/<name>.log`, and when the file is rotated
 * (renamed away and replaced), finishes the old one through the open handle and continues with the
 * new one from its start, so no line is skipped or shown twice.
 */
export class LogFollower {
  readonly #options: FollowOptions;
  readonly #query: CompiledQuery;
  readonly #files: Tracked[];
  #timer: NodeJS.Timeout | null = null;
  #stopped = false;
  #polling: Promise<void> = Promise.resolve();

  constructor(options: FollowOptions) {
    this.#options = options;
    this.#query = compileQuery(options.query ?? {});
    this.#files = options.names.map((name) => ({
      name,
      path: join(options.dir, `${name}.log`),
      handle: null,
      ino: 0,
      offset: 0,
      partial: Buffer.alloc(0),
    }));
  }

  /**
   * Opens the files as they are now and returns how far each one goes: read the history up to there,
   * then `start()` to follow from there.
   */
  async snapshot(): Promise<Map<string, number>> {
    const offsets = new Map<string, number>();
    for (const file of this.#files) {
      if (await this.#open(file)) {
        file.offset = (await (file.handle as FileHandle).stat()).size;
        offsets.set(file.path, file.offset);
      }
    }
    return offsets;
  }

  start(): void {
    const tick = (): void => {
      void this.poll()
        .catch((error: unknown) => this.#options.onError(toError(error)))
        .then(() => {
          if (!this.#stopped) this.#timer = setTimeout(tick, this.#options.interval ?? 100);
        });
    };
    tick();
  }

  /** Ends following and closes the files; calling it again does nothing. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer !== null) clearTimeout(this.#timer);
    await this.#polling;
    await Promise.all(
      this.#files.map((file) => {
        const handle = file.handle;
        file.handle = null;
        return handle?.close();
      }),
    );
  }

  /** One round: new lines of every file, delivered together. Rounds never overlap. */
  poll(): Promise<void> {
    const round = this.#polling.then(() => this.#pollAll());
    // The next round waits for this one whether it fails or not; the caller sees the failure.
    this.#polling = round.catch(() => undefined);
    return round;
  }

  async #pollAll(): Promise<void> {
    const runs: LogEntry[][] = [];
    for (const file of this.#files) runs.push(await this.#pollFile(file));
    const entries = mergeByTime(runs);
    if (entries.length > 0 && !this.#stopped) this.#options.onEntries(entries);
  }

  async #pollFile(file: Tracked): Promise<LogEntry[]> {
    if (file.handle === null && !(await this.#open(file))) return [];
    const entries = await this.#readNew(file);
    const now = await statOrNull(file.path);
    if (now === null) return entries;
    if (now.ino !== file.ino) {
      // Rotated: everything of the old file has just been read through its handle.
      append(entries, this.#lines(file, Buffer.from('\n')));
      await file.handle?.close();
      file.handle = null;
      if (await this.#open(file)) append(entries, await this.#readNew(file));
    } else if (now.size < file.offset) {
      file.offset = 0;
      file.partial = Buffer.alloc(0);
      append(entries, await this.#readNew(file));
    }
    return entries;
  }

  async #readNew(file: Tracked): Promise<LogEntry[]> {
    const handle = file.handle;
    if (handle === null) return [];
    const entries: LogEntry[] = [];
    const buffer = Buffer.allocUnsafe(READ_CHUNK);
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, READ_CHUNK, file.offset);
      if (bytesRead === 0) return entries;
      file.offset += bytesRead;
      append(entries, this.#lines(file, buffer.subarray(0, bytesRead)));
    }
  }

  /** Complete lines of what was read, filtered; the unfinished tail waits for the next read. */
  #lines(file: Tracked, chunk: Buffer): LogEntry[] {
    const data = file.partial.length === 0 ? chunk : Buffer.concat([file.partial, chunk]);
    const end = data.lastIndexOf(0x0a);
    if (end === -1) {
      file.partial = Buffer.from(data);
      return [];
    }
    file.partial = Buffer.from(data.subarray(end + 1));
    return parseLogText(data.toString('utf8', 0, end), file.name).filter((entry) =>
      matches(entry, this.#query),
    );
  }

  async #open(file: Tracked): Promise<boolean> {
    try {
      file.handle = await nodeFsPromises().open(file.path, 'r');
    } catch (error) {
      if (isErrnoException(error) && error.code === 'ENOENT') return false;
      throw new OvrseerError('OVRSEER_LOG_READ_FAILED', `cannot open ${file.path}: ${errorMessage(error)}`, {
        cause: error,
      });
    }
    file.ino = (await file.handle.stat()).ino;
    file.offset = 0;
    file.partial = Buffer.alloc(0);
    return true;
  }
}

async function statOrNull(path: string): Promise<{ ino: number; size: number } | null> {
  try {
    return await nodeFsPromises().stat(path);
  } catch (error) {
    if (isErrnoException(error) && error.code === 'ENOENT') return null;
    throw error;
  }
}

/** `push(...more)` without the argument-count limit of a spread: a flood can bring 100k lines a read. */
function append(target: LogEntry[], more: readonly LogEntry[]): void {
  for (const entry of more) target.push(entry);
}

function toError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
