import { join } from 'node:path';
import { promisify } from 'node:util';
import type { ErrorSeverity } from '../core/events.js';
import { nodeCrypto, nodeFsPromises, nodeZlib, readDirectory } from '../core/lazy-builtin.js';
import { errorMessage, isErrnoException, OvrseerError } from '../errors.js';

const gzipAsync = (data: Buffer): Promise<Buffer> => promisify(nodeZlib().gzip)(data);
const gunzipAsync = (data: Buffer): Promise<Buffer> => promisify(nodeZlib().gunzip)(data);
const randomHex = (bytes: number): string => nodeCrypto().randomBytes(bytes).toString('hex');

export const REPORT_FILE_SUFFIX = '.json.gz';
const TEMP_PREFIX = '.';
const TEMP_SUFFIX = '.tmp';

/** `kind` groups failures that are reported once (the same full disk must not flood the error log). */
export type DiskErrorSink = (
  error: Error,
  operation: string,
  severity: ErrorSeverity,
  kind: string | null,
) => void;

/**
 * The on-disk side of the crash reporter: one gzip file per report, written atomically (temp file,
 * then rename) by a single background loop, so the engine never waits for the disk. Pending work is
 * coalesced: a report evicted before its write started is never written, so a crash storm costs at
 * most `maxReports` writes, not one per crash.
 */
export class ReportDisk {
  readonly #dir: string;
  readonly #onError: DiskErrorSink;
  readonly #onWritten: () => void;
  readonly #toWrite = new Map<string, string>();
  readonly #toDelete = new Set<string>();
  #running = false;
  #loop: Promise<void> = Promise.resolve();
  #dirReady = false;

  constructor(dir: string, onError: DiskErrorSink, onWritten: () => void = () => undefined) {
    this.#dir = dir;
    this.#onError = onError;
    this.#onWritten = onWritten;
  }

  fileOf(id: string): string {
    return join(this.#dir, `${id}${REPORT_FILE_SUFFIX}`);
  }

  write(id: string, json: string): void {
    this.#toWrite.set(id, json);
    this.#kick();
  }

  delete(id: string): void {
    // Not written yet: dropping the pending write is the whole deletion.
    if (this.#toWrite.delete(id)) return;
    this.#toDelete.add(id);
    this.#kick();
  }

  /** Resolves when every write and delete asked for so far has been done (or has failed and been reported). */
  async flush(): Promise<void> {
    while (this.#running) await this.#loop;
  }

  #kick(): void {
    if (this.#running) return;
    this.#running = true;
    this.#loop = this.#drain();
  }

  async #drain(): Promise<void> {
    try {
      // Let the caller's synchronous burst finish first, so that it coalesces.
      await new Promise<void>((resolve) => setImmediate(resolve));
      for (;;) {
        // Deletes first: evictions free the space that the next write needs.
        const [deleteId] = this.#toDelete;
        if (deleteId !== undefined) {
          this.#toDelete.delete(deleteId);
          await this.#deleteNow(deleteId);
          continue;
        }
        const [next] = this.#toWrite;
        if (next === undefined) break;
        this.#toWrite.delete(next[0]);
        await this.#writeNow(next[0], next[1]);
      }
    } catch (error) {
      // Each operation reports its own failures; reaching this is a bug in the loop itself.
      this.#onError(asError(error), 'crash report disk loop', 'critical', null);
    } finally {
      // Same synchronous step as the emptiness check above: a later `write` starts a new loop.
      this.#running = false;
    }
  }

  async #writeNow(id: string, json: string): Promise<void> {
    const file = this.fileOf(id);
    const temp = join(this.#dir, `${TEMP_PREFIX}${id}.${process.pid}.${randomHex(4)}${TEMP_SUFFIX}`);
    let created = false;
    try {
      if (!this.#dirReady) {
        await nodeFsPromises().mkdir(this.#dir, { recursive: true, mode: 0o700 });
        this.#dirReady = true;
      }
      const data = await gzipAsync(Buffer.from(json, 'utf8'));
      const handle = await nodeFsPromises().open(temp, 'wx', 0o600);
      created = true;
      try {
        await handle.writeFile(data);
        // Durable before visible: after a power cut the rename must not point at an empty file.
        await handle.datasync();
      } finally {
        await handle.close();
      }
      await nodeFsPromises().rename(temp, file);
      created = false;
      this.#onWritten();
    } catch (error) {
      const code = isErrnoException(error) ? error.code : asError(error).name;
      const failure = new OvrseerError(
        'OVRSEER_REPORT_WRITE_FAILED',
        `cannot write crash report ${id} to ${this.#dir} (${errorMessage(error)}); it is kept in memory only`,
        { cause: error },
      );
      this.#onError(failure, 'write crash report', 'error', `write:${code}`);
    } finally {
      if (created) await this.#removeQuietly(temp, 'remove crash report temp file');
    }
  }

  async #deleteNow(id: string): Promise<void> {
    await this.#removeQuietly(this.fileOf(id), 'delete evicted crash report');
  }

  async #removeQuietly(path: string, operation: string): Promise<void> {
    try {
      await nodeFsPromises().unlink(path);
    } catch (error) {
      if (isErrnoException(error) && error.code === 'ENOENT') return;
      const code = isErrnoException(error) ? error.code : 'unknown';
      const failure = new OvrseerError(
        'OVRSEER_REPORT_WRITE_FAILED',
        `cannot remove ${path}: ${errorMessage(error)}`,
        { cause: error },
      );
      this.#onError(failure, operation, 'warning', `${operation}:${code}`);
    }
  }

  /** Report ids found in the directory (none when it does not exist yet). */
  async listIds(): Promise<string[]> {
    const names = await this.#readdir();
    return names
      .filter((name) => name.endsWith(REPORT_FILE_SUFFIX) && !name.startsWith(TEMP_PREFIX))
      .map((name) => name.slice(0, -REPORT_FILE_SUFFIX.length));
  }

  /** Parsed JSON of one report file; throws OVRSEER_REPORT_CORRUPT when it is not readable gzip JSON. */
  async read(id: string): Promise<unknown> {
    const file = this.fileOf(id);
    try {
      const data = await gunzipAsync(await nodeFsPromises().readFile(file));
      return JSON.parse(data.toString('utf8'));
    } catch (error) {
      throw new OvrseerError(
        'OVRSEER_REPORT_CORRUPT',
        `skipping unreadable crash report ${file}: ${errorMessage(error)}`,
        {
          cause: error,
        },
      );
    }
  }

  /** Temp files left by another ovrseer process that died mid-write (ours may still be in flight). */
  async removeStaleTempFiles(): Promise<void> {
    for (const name of await this.#readdir()) {
      if (!name.startsWith(TEMP_PREFIX) || !name.endsWith(TEMP_SUFFIX)) continue;
      // `.<id>.<pid>.<random>.tmp`
      const writer = name.slice(0, -TEMP_SUFFIX.length).split('.').at(-2);
      if (writer !== String(process.pid)) {
        await this.#removeQuietly(join(this.#dir, name), 'remove stale crash report temp file');
      }
    }
  }

  async #readdir(): Promise<string[]> {
    try {
      return await readDirectory(this.#dir);
    } catch (error) {
      if (isErrnoException(error) && error.code === 'ENOENT') return [];
      const failure = new OvrseerError(
        'OVRSEER_REPORT_READ_FAILED',
        `cannot read the crash report directory ${this.#dir}: ${errorMessage(error)}`,
        { cause: error },
      );
      this.#onError(failure, 'read crash reports', 'error', null);
      return [];
    }
  }
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
