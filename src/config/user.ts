import { readFileSync } from 'node:fs';
import { errorMessage } from '../errors.js';

export interface UserIds {
  uid: number;
  gid: number;
}

/** The contents of /etc/passwd and /etc/group (injectable for tests). */
export interface UserDb {
  passwd: string;
  group: string;
}

export type UserResult = { ok: true; value: UserIds } | { ok: false; message: string };

function readOptional(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    // No /etc/passwd (minimal containers): names cannot be resolved, numeric ids still work.
    process.emitWarning(`ovrseer: cannot read ${path}: ${errorMessage(error)}`);
    return '';
  }
}

export function readUserDb(): UserDb {
  return { passwd: readOptional('/etc/passwd'), group: readOptional('/etc/group') };
}

function entries(text: string): string[][] {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.startsWith('#'))
    .map((line) => line.split(':'));
}

const NUMERIC_RE = /^\d+$/;

function lookupUser(db: UserDb, user: string): { uid: number; gid: number } | null {
  const numeric = NUMERIC_RE.test(user);
  for (const [name, , uid, gid] of entries(db.passwd)) {
    if ((numeric ? uid === user : name === user) && uid !== undefined && gid !== undefined) {
      return { uid: Number(uid), gid: Number(gid) };
    }
  }
  return null;
}

function lookupGroup(db: UserDb, group: string): number | null {
  if (NUMERIC_RE.test(group)) return Number(group);
  for (const [name, , gid] of entries(db.group)) {
    if (name === group && gid !== undefined) return Number(gid);
  }
  return null;
}

/** `www-data`, `1000`, `1000:1000`, `deploy:www-data` → numeric ids, via /etc/passwd and /etc/group. */
export function resolveUser(spec: string | number, db: UserDb = readUserDb()): UserResult {
  const text = String(spec).trim();
  const [user = '', group, extra] = text.split(':');
  if (user === '' || group === '' || extra !== undefined) {
    return {
      ok: false,
      message: `expected a user such as "www-data", "1000", "1000:1000" or "deploy:staff", got "${text}"`,
    };
  }
  const found = lookupUser(db, user);
  let uid: number;
  if (found !== null) uid = found.uid;
  else if (NUMERIC_RE.test(user) && group !== undefined) uid = Number(user);
  else if (NUMERIC_RE.test(user)) {
    return {
      ok: false,
      message: `uid ${user} has no entry in /etc/passwd; give its group too, as "${user}:GID"`,
    };
  } else return { ok: false, message: `unknown user "${user}" (not in /etc/passwd)` };
  if (group === undefined) return { ok: true, value: { uid, gid: found?.gid ?? uid } };
  const gid = lookupGroup(db, group);
  if (gid === null) return { ok: false, message: `unknown group "${group}" (not in /etc/group)` };
  return { ok: true, value: { uid, gid } };
}
