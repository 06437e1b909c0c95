import { closeSync, openSync, writeSync } from 'node:fs';
import { OvrseerError } from '../errors.js';
import { closeFd, openFd, sizeOf, writeFd } from './fd.js';
import { IndexQueue } from './index-queue.js';
import { skipBytes } from './line-queue.js';
import { INDEX_MAGIC, indexPathOf } from './log-index.js';
import { Rotation } from './rotation.js';

/**
 * The index beside a raw log file (`<name>.idx`, see log-index.ts), for `LogFileWriter`: its fd, the
 * records waiting for their text to be written, and its rotation, which follows the text's.
 */
export class IndexFile {
  readonly path: string;
  readonly queue = new IndexQueue();
  readonly #rotation: Rotation;
  #fd: number | null = null;

  constructor(logPath: string, keep: number, onError: (error: unknown, operation: string) => void) {
    this.path = indexPathOf(logPath);
    this.#rotation = new Rotation(this.path, keep, onError);
  }

  /**
   * Opens the index for text that is `textSize` bytes long now, and writes — before any text — the
   * magic (a new index) and an anchor. Returns `true` when the text has no index at all although it
   * has bytes: a file of the earlier, prefixed format, which the caller rotates away first.
   */
  async open(textSize: number, firstOpen: boolean): Promise<boolean> {
    this.#fd = await openFd(this.path);
    const size = await sizeOf(this.#fd);
    if (size === 0 && textSize > 0 && firstOpen) return true;
    await this.#anchor(textSize, size === 0);
    return false;
  }

  /** After the caller moved the legacy text away: the new pair starts empty. */
  async openedEmpty(): Promise<void> {
    await this.#anchor(0, true);
  }

  recover(entries: readonly string[] | undefined): void {
    this.#rotation.recover(entries);
  }

  /**
   * Synchronous, between the text's rename and its new file (docs/log-format.md): old index away, new
   * index with its magic and anchor, so that a follower never pairs an old index with new text.
   */
  rotate(): void {
    if (this.#fd !== null) closeSync(this.#fd);
    this.#fd = null;
    this.#rotation.rotate();
    this.#fd = openSync(this.path, 'a', 0o600);
    this.queue.restart(Date.now());
    writeSync(this.#fd, Buffer.concat([Buffer.from(INDEX_MAGIC), this.queue.take(0, 0)]));
  }

  /** Writes the records of the next `bytes` bytes (`lines` lines) of text, which are on disk now. */
  async written(bytes: number, lines: number): Promise<void> {
    const records = this.queue.take(bytes, lines);
    if (records.length === 0) return;
    let buffers = [records];
    let left = records.length;
    while (left > 0) {
      if (this.#fd === null) throw new OvrseerError('OVRSEER_INTERNAL', 'log index closed during a write');
      const done = await writeFd(this.#fd, buffers);
      left -= done;
      if (left > 0) buffers = skipBytes(buffers, done);
    }
  }

  async close(compressBudgetMs: number): Promise<void> {
    const fd = this.#fd;
    this.#fd = null;
    if (fd !== null) await closeFd(fd);
    await this.#rotation.finish(compressBudgetMs);
  }

  /** After a disk error: the fd goes (closing may fail too, which adds nothing to the report). */
  abandon(): void {
    const fd = this.#fd;
    this.#fd = null;
    if (fd !== null) closeFd(fd).catch(() => undefined);
  }

  async #anchor(textSize: number, fresh: boolean): Promise<void> {
    if (this.#fd === null) throw new OvrseerError('OVRSEER_INTERNAL', 'log index not open');
    this.queue.anchor(Date.now(), textSize);
    const head = this.queue.take(0, 0);
    await writeFd(this.#fd, fresh ? [Buffer.from(INDEX_MAGIC), head] : [head]);
  }
}
