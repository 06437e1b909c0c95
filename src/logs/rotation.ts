import { createReadStream, createWriteStream, renameSync, unlinkSync } from 'node:fs';
import { readdir, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { constants, createGzip } from 'node:zlib';
import { isErrnoException } from '../errors.js';

/**
 * Rotated files of `name.log`: `name.log.1.gz` (newest) … `name.log.<keep>.gz` (oldest). While it is
 * being compressed, the newest is briefly `name.log.1`.
 */
export function rotatedPath(path: string, index: number, gzip = true): string {
  return `${path}.${index}${gzip ? '.gz' : ''}`;
}

/**
 * Moves the current file out of the way: with `keep` 0 it is deleted; otherwise the rotated files
 * move one step older (the oldest is deleted) and the current one becomes `.1`, whose path is
 * returned for compression.
 */
export function rotateSync(path: string, keep: number): string | null {
  if (keep === 0) {
    removeIfExistsSync(path);
    return null;
  }
  shiftRotatedSync(path, keep);
  const newest = rotatedPath(path, 1, false);
  renameSync(path, newest);
  return newest;
}

/** Deletes the oldest rotated file and renames the others one step older, making room for a new `.1`. */
function shiftRotatedSync(path: string, keep: number): void {
  removeIfExistsSync(rotatedPath(path, keep));
  for (let index = keep - 1; index >= 1; index -= 1) {
    try {
      renameSync(rotatedPath(path, index), rotatedPath(path, index + 1));
    } catch (error) {
      if (!(isErrnoException(error) && error.code === 'ENOENT')) throw error;
    }
  }
}

function removeIfExistsSync(path: string): void {
  try {
    unlinkSync(path);
  } catch (error) {
    if (!(isErrnoException(error) && error.code === 'ENOENT')) throw error;
  }
}

/**
 * Gzips `source` into `source.gz` and removes `source`. Level 1: logs still shrink several times, and
 * a flood rotates often, so speed matters more than the last few percent.
 */
export async function compressFile(source: string): Promise<void> {
  await pipeline(
    createReadStream(source),
    createGzip({ level: constants.Z_BEST_SPEED }),
    createWriteStream(`${source}.gz`, { mode: 0o600 }),
  );
  await unlink(source);
}

/** The files holding the log of `name.log` (`path`), oldest first: rotated ones, then the current. */
export async function logFiles(path: string): Promise<string[]> {
  const dir = dirname(path);
  const base = basename(path);
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    if (isErrnoException(error) && error.code === 'ENOENT') return [];
    throw error;
  }
  const rotated = new Map<number, string>();
  let current: string | null = null;
  for (const name of names) {
    if (name === base) {
      current = name;
      continue;
    }
    if (!name.startsWith(`${base}.`)) continue;
    const match = /^(\d+)(\.gz)?$/.exec(name.slice(base.length + 1));
    if (match === null) continue;
    const index = Number(match[1]);
    // `.1` and `.1.gz` both exist only when compression was cut short: the plain one is whole.
    if (match[2] === undefined || !rotated.has(index)) rotated.set(index, name);
  }
  const ordered = [...rotated.entries()].sort((a, b) => b[0] - a[0]).map(([, name]) => join(dir, name));
  if (current !== null) ordered.push(join(dir, current));
  return ordered;
}
