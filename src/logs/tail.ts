import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { isErrnoException } from '../errors.js';

/** The size of a file, 0 when there is none: where "what is written from now on" starts. */
export function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch (error) {
    if (isErrnoException(error) && error.code === 'ENOENT') return 0;
    throw error;
  }
}

/**
 * The last lines written to a file after `from` (a size taken earlier), reading at most `maxBytes`
 * from its end: a log may be gigabytes, and only its end is wanted. '' when the file is missing.
 */
export function tailSince(path: string, from: number, maxLines: number, maxBytes = 64 * 1024): string {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    if (isErrnoException(error) && error.code === 'ENOENT') return '';
    throw error;
  }
  try {
    const size = statSync(path).size;
    // Smaller than before: rotated since; what is there now is all new.
    const start = Math.max(size < from ? 0 : from, size - maxBytes);
    const buffer = Buffer.alloc(size - start);
    const read = readSync(fd, buffer, 0, buffer.length, start);
    const lines = buffer.toString('utf8', 0, read).trimEnd().split('\n');
    // A read that began mid-file may have begun mid-line.
    if (start > from && lines.length > 1) lines.shift();
    return lines.slice(-maxLines).join('\n');
  } finally {
    closeSync(fd);
  }
}
