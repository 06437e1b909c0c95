import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ensurePrivateDir } from '../../os/private-dir.js';
import type { StatePaths } from '../../os/state-dir.js';

/** sun_path is 108 bytes on Linux (104 on macOS), NUL included. */
const MAX_SOCKET_PATH = 100;

/** The socket in the state dir, or — when that path is too long for a unix socket — a short one. */
export function socketPathFor(paths: StatePaths, projectId: string): string {
  if (Buffer.byteLength(paths.socket) <= MAX_SOCKET_PATH) return paths.socket;
  const uid = process.getuid?.() ?? 0;
  const base = process.env.XDG_RUNTIME_DIR ?? join(tmpdir(), `ovrseer-${uid}`);
  return join(base, `${projectId}.sock`);
}

/**
 * The fallback directory of a socket outside the state dir (which `ensureStateDir` keeps at 0700)
 * must be as private: created 0700 when missing, refused when someone else could reach into it.
 */
export function ensureSocketDir(socketPath: string, paths: StatePaths): void {
  if (socketPath === paths.socket) return;
  ensurePrivateDir(
    dirname(socketPath),
    `where the API socket goes: the state dir's path is too long for a unix socket`,
    'choose a shorter settings.state_dir',
  );
}
