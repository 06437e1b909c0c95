import type { FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { nodeFsPromises } from '../core/lazy-builtin.js';
import { errorMessage, isErrnoException, OvrseerError } from '../errors.js';
import { matches } from './file-reader.js';
import { indexPathOf } from './log-index.js';
import { LogPair } from './log-pair.js';
import { type CompiledQuery, compileQuery, mergeByTime } from './query.js';
import type { LogEntry, LogQuery } from './types.js';

const READ_CHUNK = 1024 * 1024;

interface Tracked {
  name: string;
  path: string;
  indexPath: string;
  handle: FileHandle | null;
  ino: number;
  /** Where the next read of the text file starts. */
  offset: number;
  index: FileHandle | null;
  indexIno: number;
  indexOffset: number;
  /**
   * The index of the pair before a rotation: while `indexPath` still names it (the writer renames the
   * two files one after the other), the new pair's index is not there yet.
   */
  oldIndexIno: number;
  pair: LogPair;
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
 * `tail -F` for log files: reads what is appended to `<dir>/<name>.log` and its index `<name>.idx`
 * (`log-index.ts`), and shows lines once both the text and its record are there. When the files are
 * rotated (renamed away and replaced), it finishes the old pair through the open handles and continues
 * with the new one from its start, so no line is skipped or shown twice. A log without an index (an
 * earlier version's) is followed as the prefixed lines it holds.
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
    this.#files = options.names.map((name) => {
      const path = join(options.dir, `${name}.log`);
      return {
        name,
        path,
        indexPath: indexPathOf(path),
        handle: null,
        ino: 0,
        offset: 0,
        index: null,
        indexIno: 0,
        indexOffset: 0,
        oldIndexIno: 0,
        pair: new LogPair(name),
      };
    });
  }

  /**
   * Opens the files as they are now and returns how far each one goes — the text file's size under its
   * path, the index's under `indexPathOf` — for `queryLogFiles({ endOffsets })` to read the history up
   * to there; then `start()` follows from there.
   */
  async snapshot(): Promise<Map<string, number>> {
    const offsets = new Map<string, number>();
    for (const file of this.#files) {
      if (!(await this.#open(file))) continue;
      // The index first: every record read now describes text written before it, so within the size
      // taken after.
      let textFrom: number | null = null;
      if (file.index !== null) {
        const index = await readFrom(file.index, 0);
        file.indexOffset = index.length;
        offsets.set(file.indexPath, index.length);
        textFrom = file.pair.skipIndex(index);
      }
      const size = (await (file.handle as FileHandle).stat()).size;
      offsets.set(file.path, size);
      if (textFrom !== null) {
        file.offset = textFrom;
      } else if (file.index !== null || size > 0) {
        // Legacy text (no index, or not one): the history read all of it, as earlier versions did.
        offsets.delete(file.indexPath);
        file.pair = new LogPair(file.name, size);
        file.pair.setLegacy();
        file.offset = size;
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
    await Promise.all(this.#files.map((file) => closePair(file)));
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
    for (const file of this.#files) {
      runs.push((await this.#pollFile(file)).filter((entry) => matches(entry, this.#query)));
    }
    const entries = mergeByTime(runs);
    if (entries.length > 0 && !this.#stopped) this.#options.onEntries(entries);
  }

  async #pollFile(file: Tracked): Promise<LogEntry[]> {
    if (file.handle === null && !(await this.#open(file))) return [];
    const entries = await this.#readNew(file);
    const now = await statOrNull(file.path);
    if (now === null) return entries;
    if (now.ino !== file.ino) {
      // Rotated: what was written to the old pair until the rename is read through its handles.
      append(entries, await this.#readNew(file));
      append(entries, file.pair.finish());
      file.oldIndexIno = file.index === null ? 0 : file.indexIno;
      await closePair(file);
      if (await this.#open(file)) append(entries, await this.#readNew(file));
    } else if (now.size < file.offset) {
      const index = file.index === null ? null : await file.index.stat();
      file.offset = 0;
      if (index !== null && index.size >= file.indexOffset) {
        file.pair.restartText();
      } else {
        // Both cut (or a legacy file): it begins again.
        await file.index?.close();
        file.index = null;
        file.indexOffset = 0;
        file.pair = new LogPair(file.name);
      }
      append(entries, await this.#readNew(file));
    }
    return entries;
  }

  /**
   * New index records, new text, then the records written meanwhile and the text after them: the
   * writer writes a run's text before its record, so the second round usually completes the first.
   * Records come first so that a large file's text is made into entries chunk by chunk, not buffered.
   */
  async #readNew(file: Tracked): Promise<LogEntry[]> {
    if (!file.pair.legacy) await this.#readIndex(file);
    const entries = await this.#readText(file);
    // Records whose text was already there.
    append(entries, file.pair.entries());
    if (file.pair.legacy) return entries;
    if (file.index === null && (await this.#openIndex(file)) === 'missing' && file.pair.hasText) {
      // Text without an index beside it: an earlier version's file (a writer creates the index first).
      file.pair.setLegacy();
      append(entries, file.pair.entries());
      return entries;
    }
    if (!(await this.#readIndex(file))) return entries;
    append(entries, file.pair.entries());
    append(entries, await this.#readText(file));
    return entries;
  }

  /** New bytes of the index to the pair; false when there were none. */
  async #readIndex(file: Tracked): Promise<boolean> {
    if (file.index === null) return false;
    const index = await readFrom(file.index, file.indexOffset);
    if (index.length === 0) return false;
    file.indexOffset += index.length;
    file.pair.pushIndex(index);
    return true;
  }

  async #readText(file: Tracked): Promise<LogEntry[]> {
    const handle = file.handle;
    if (handle === null) return [];
    const entries: LogEntry[] = [];
    const buffer = Buffer.allocUnsafe(READ_CHUNK);
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, READ_CHUNK, file.offset);
      if (bytesRead === 0) return entries;
      file.offset += bytesRead;
      file.pair.pushText(buffer.subarray(0, bytesRead));
      append(entries, file.pair.entries());
    }
  }

  async #open(file: Tracked): Promise<boolean> {
    file.handle = await openOrNull(file.path);
    if (file.handle === null) return false;
    file.ino = (await file.handle.stat()).ino;
    file.offset = 0;
    file.pair = new LogPair(file.name);
    await this.#openIndex(file);
    return true;
  }

  async #openIndex(file: Tracked): Promise<'open' | 'missing' | 'not yet'> {
    const handle = await openOrNull(file.indexPath);
    if (handle === null) return 'missing';
    const { ino } = await handle.stat();
    if (ino === file.oldIndexIno) {
      await handle.close();
      return 'not yet';
    }
    file.index = handle;
    file.indexIno = ino;
    file.indexOffset = 0;
    return 'open';
  }
}

async function closePair(file: Tracked): Promise<void> {
  const handles = [file.handle, file.index];
  file.handle = null;
  file.index = null;
  await Promise.all(handles.map((handle) => handle?.close()));
}

async function openOrNull(path: string): Promise<FileHandle | null> {
  try {
    return await nodeFsPromises().open(path, 'r');
  } catch (error) {
    if (isErrnoException(error) && error.code === 'ENOENT') return null;
    throw new OvrseerError('OVRSEER_LOG_READ_FAILED', `cannot open ${path}: ${errorMessage(error)}`, {
      cause: error,
    });
  }
}

/** Everything from `offset` to the end of the file as it is now. */
async function readFrom(handle: FileHandle, offset: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let at = offset;
  for (;;) {
    const buffer = Buffer.allocUnsafe(READ_CHUNK);
    const { bytesRead } = await handle.read(buffer, 0, READ_CHUNK, at);
    if (bytesRead === 0) return Buffer.concat(chunks);
    chunks.push(buffer.subarray(0, bytesRead));
    at += bytesRead;
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
