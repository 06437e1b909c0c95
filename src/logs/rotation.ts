import { createReadStream, createWriteStream, openSync, readdirSync, renameSync, unlinkSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { nodeZlib } from '../core/lazy-builtin.js';
import { isErrnoException } from '../errors.js';

/**
 * Rotated files of `name.log`: `name.log.1.gz` (newest) … `name.log.<keep>.gz` (oldest). Until it has
 * been compressed, a rotated file is plain: `name.log.<n>`.
 */
export function rotatedPath(path: string, index: number, gzip = true): string {
  return `${path}.${index}${gzip ? '.gz' : ''}`;
}

/** A rotated file waiting to be compressed, followed through the renames; index 0 = deleted since. */
interface Pending {
  index: number;
}

let temporaries = 0;

/**
 * Size rotation of one log file: renames synchronously (a few metadata calls, where awaiting each
 * would stall the writer for as many turns of a flooded event loop), and gzips the rotated files
 * one at a time in the background. Writing never waits for compression: under a flood faster than
 * gzip, files wait their turn — or are deleted by retention before it comes. Either way at most
 * `keep` rotated files exist.
 */
export class Rotation {
  readonly #queue: Pending[] = [];
  #active: Promise<void> | null = null;
  #abort: AbortController | null = null;
  #abandoned = false;

  constructor(
    readonly path: string,
    readonly keep: number,
    private readonly onError: (error: unknown, operation: string) => void,
  ) {}

  /**
   * Queues rotated files that a crash left uncompressed, and deletes its half-written archives.
   * @param entries the directory's file names, when the caller listed it once for many files (a
   *   project's thousand log files would otherwise list their directory a thousand times)
   */
  recover(entries: readonly string[] = readdirSync(dirname(this.path))): void {
    const base = basename(this.path);
    const prefix = `${base}.tmp-`;
    const names = new Set(entries);
    for (const name of entries) {
      if (name.startsWith(prefix)) removeIfExists(join(dirname(this.path), name));
    }
    for (let index = this.keep; index >= 1; index -= 1) {
      if (names.has(basename(rotatedPath(base, index, false)))) this.#enqueue({ index });
    }
  }

  /** Moves the current file to `.1`, the others one step older; the oldest beyond `keep` is deleted. */
  rotate(): void {
    if (this.keep === 0) {
      removeIfExists(this.path);
      return;
    }
    removeIfExists(rotatedPath(this.path, this.keep));
    removeIfExists(rotatedPath(this.path, this.keep, false));
    for (let index = this.keep - 1; index >= 1; index -= 1) {
      renameIfExists(rotatedPath(this.path, index), rotatedPath(this.path, index + 1));
      renameIfExists(rotatedPath(this.path, index, false), rotatedPath(this.path, index + 1, false));
    }
    for (const pending of this.#queue) {
      if (pending.index !== 0) pending.index = pending.index >= this.keep ? 0 : pending.index + 1;
    }
    renameSync(this.path, rotatedPath(this.path, 1, false));
    this.#enqueue({ index: 1 });
  }

  /** Resolves once nothing is being compressed or waiting to be. */
  async idle(): Promise<void> {
    while (this.#active !== null) await this.#active;
  }

  /**
   * Waits for the compressions for at most `budgetMs`, then abandons the rest: a shutdown must not
   * wait minutes for gzip to get through a rotated 3 GB file. What is abandoned stays a plain rotated
   * file, which `recover` queues again at the next start; its half-written archive is deleted now.
   */
  async finish(budgetMs: number): Promise<void> {
    if (this.#active === null) return;
    let timer: NodeJS.Timeout | undefined;
    const outOfTime = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, budgetMs);
    });
    await Promise.race([this.idle(), outOfTime]);
    clearTimeout(timer);
    if (this.#active === null) return;
    this.#abandoned = true;
    this.#queue.splice(1);
    this.#abort?.abort();
    await this.idle();
  }

  #enqueue(pending: Pending): void {
    this.#queue.push(pending);
    if (this.#active === null) this.#next();
  }

  #next(): void {
    // Oldest first; a file retention has deleted meanwhile is skipped.
    let pending = this.#queue[0];
    while (pending !== undefined && pending.index === 0) {
      this.#queue.shift();
      pending = this.#queue[0];
    }
    if (pending === undefined) {
      this.#active = null;
      return;
    }
    if (this.#abandoned) {
      this.#queue.length = 0;
      this.#active = null;
      return;
    }
    const current = pending;
    this.#abort = new AbortController();
    this.#active = this.#compress(current, this.#abort.signal)
      .catch((error: unknown) => {
        if (!this.#abandoned) this.onError(error, `compress ${rotatedPath(this.path, current.index, false)}`);
      })
      .finally(() => {
        this.#abort = null;
        this.#queue.shift();
        this.#next();
      });
  }

  /** Level 1: logs still shrink several times, and a flood rotates often, so speed matters more. */
  async #compress(pending: Pending, signal: AbortSignal): Promise<void> {
    // Opened now, synchronously: a rotation may rename the file before an asynchronous open ran.
    const fd = openSync(rotatedPath(this.path, pending.index, false), 'r');
    temporaries += 1;
    const temporary = `${this.path}.tmp-${process.pid}-${temporaries}`;
    const gzip = nodeZlib();
    try {
      await pipeline(
        createReadStream('', { fd }),
        gzip.createGzip({ level: gzip.constants.Z_BEST_SPEED }),
        createWriteStream(temporary, { mode: 0o600 }),
        { signal },
      );
    } catch (error) {
      removeIfExists(temporary);
      throw error;
    }
    // Synchronous from here: no rotation can rename between checking the index and using it.
    if (pending.index === 0) {
      removeIfExists(temporary);
      return;
    }
    renameSync(temporary, rotatedPath(this.path, pending.index));
    removeIfExists(rotatedPath(this.path, pending.index, false));
  }
}

function removeIfExists(path: string): void {
  try {
    unlinkSync(path);
  } catch (error) {
    if (!(isErrnoException(error) && error.code === 'ENOENT')) throw error;
  }
}

function renameIfExists(from: string, to: string): void {
  try {
    renameSync(from, to);
  } catch (error) {
    if (!(isErrnoException(error) && error.code === 'ENOENT')) throw error;
  }
}
