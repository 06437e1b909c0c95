import { createReadStream, createWriteStream } from 'node:fs';
import { readdir, rename, unlink } from 'node:fs/promises';
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

/** Deletes the oldest rotated file and renames the others one step older, making room for a new `.1`. */
export async function shiftRotated(path: string, keep: number): Promise<void> {
  await removeIfExists(rotatedPath(path, keep));
  for (let index = keep - 1; index >= 1; index -= 1) {
    await renameIfExists(rotatedPath(path, index), rotatedPath(path, index + 1));
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

async function removeIfExists(path: string): Promise<void> {
  try {
    await unlink(path);
  } catch (error) {
    if (!(isErrnoException(error) && error.code === 'ENOENT')) throw error;
  }
}

async function renameIfExists(from: string, to: string): Promise<void> {
  try {
    await rename(from, to);
  } catch (error) {
    if (!(isErrnoException(error) && error.code === 'ENOENT')) throw error;
  }
}
