import { lstatSync, mkdirSync } from 'node:fs';
import { OvrseerError } from '../errors.js';

/**
 * Creates `dir` (mode 0700) when missing, then makes sure that only this user can reach into it: a
 * directory of this uid, not a symlink, with no permission bits for group or others. A socket in a
 * directory others can write could be replaced by theirs, and the CLI would talk to it.
 * @param why what the directory is for, in the message: "the API socket's directory"
 * @param fix what the user can do besides `chmod 700`
 */
export function ensurePrivateDir(dir: string, why: string, fix: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const stat = lstatSync(dir);
  const uid = process.getuid?.() ?? stat.uid;
  const mode = (stat.mode & 0o777).toString(8).padStart(4, '0');
  let problem: string | null = null;
  if (stat.isSymbolicLink()) problem = 'is a symbolic link';
  else if (!stat.isDirectory()) problem = 'is not a directory';
  else if (stat.uid !== uid) problem = `belongs to uid ${stat.uid}, not to you (uid ${uid})`;
  else if ((stat.mode & 0o077) !== 0) problem = `is mode ${mode}: others can reach into it`;
  if (problem === null) return;
  throw new OvrseerError(
    'OVRSEER_UNSAFE_PATH',
    `${dir} (${why}) ${problem}; it must be a directory of yours with mode 0700 (chmod 700 ${dir}), or ${fix}`,
  );
}
