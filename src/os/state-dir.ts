import { chmodSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

/** The files of a project's state directory (README, `settings.state_dir`). */
export interface StatePaths {
  root: string;
  socket: string;
  stateFile: string;
  supervisorLog: string;
  logs: string;
  reports: string;
}

export function statePaths(stateDir: string): StatePaths {
  return {
    root: stateDir,
    socket: join(stateDir, 'ovrseer.sock'),
    stateFile: join(stateDir, 'state.json'),
    supervisorLog: join(stateDir, 'ovrseer.log'),
    logs: join(stateDir, 'logs'),
    reports: join(stateDir, 'reports'),
  };
}

/**
 * Creates the state directory (mode 0700: it will hold the API socket, logs and crash reports, which
 * may contain secrets) and the given subdirectories. Tightens the mode of an existing directory.
 */
export function ensureStateDir(stateDir: string, ...subdirectories: ('logs' | 'reports')[]): StatePaths {
  const paths = statePaths(stateDir);
  mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  chmodSync(stateDir, 0o700);
  for (const subdirectory of subdirectories) mkdirSync(paths[subdirectory], { recursive: true, mode: 0o700 });
  return paths;
}
