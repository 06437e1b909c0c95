import { statSync } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';

/**
 * `which`: the executable file `name` names, looked up on `path` when it has no slash (as execvp
 * does), else `null`. Relative names with a slash resolve against `cwd`.
 */
export function findExecutable(name: string, path: string, cwd = process.cwd()): string | null {
  const candidates = name.includes('/')
    ? [isAbsolute(name) ? name : join(cwd, name)]
    : path
        .split(delimiter)
        .filter((dir) => dir !== '')
        .map((dir) => join(isAbsolute(dir) ? dir : join(cwd, dir), name));
  for (const candidate of candidates) {
    const stat = statSync(candidate, { throwIfNoEntry: false });
    if (stat?.isFile() && (stat.mode & 0o111) !== 0) return candidate;
  }
  return null;
}
