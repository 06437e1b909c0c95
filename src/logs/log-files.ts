import { basename, dirname, join } from 'node:path';
import { readDirectory } from '../core/lazy-builtin.js';
import { isErrnoException } from '../errors.js';

/** The files holding the log of `name.log` (`path`), oldest first: rotated ones, then the current. */
export async function logFiles(path: string): Promise<string[]> {
  const dir = dirname(path);
  const base = basename(path);
  let names: string[];
  try {
    names = await readDirectory(dir);
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
