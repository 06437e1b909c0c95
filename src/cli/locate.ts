import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { CONFIG_FILE_NAMES, PROCFILE_NAME } from '../config/defaults.js';
import { noConfigHint } from '../config/import/formats.js';
import type { ProjectSpec } from '../config/spec.js';
import { OvrseerError } from '../errors.js';
import { ApiClient } from '../supervisor/client.js';

export interface LocateOptions {
  file?: string;
  cwd?: string;
}

/**
 * Finds the API socket of the supervisor running for the project here, cheaply: the config file is
 * only located, not parsed, and the default state directory is tried first. Only when the socket is
 * not there is the config loaded (it may set `settings.state_dir`).
 */
export async function locateSupervisor(options: LocateOptions = {}): Promise<ApiClient> {
  return (await askSupervisor(options, async (client) => ((await client.ping()) ? client : null))).answer;
}

/**
 * Sends a read-only request to the project's supervisor, found as `locateSupervisor` finds it, and
 * returns the answer: the request itself tells whether the supervisor answers, so `ps` makes one
 * round trip instead of a ping and then the request. Only for requests that are safe to send twice.
 */
export async function querySupervisor<T>(
  options: LocateOptions,
  query: (client: ApiClient) => Promise<T>,
): Promise<{ client: ApiClient; answer: T }> {
  return askSupervisor(options, async (client) => {
    try {
      return await query(client);
    } catch (error) {
      if (error instanceof OvrseerError && error.code === 'OVRSEER_NOT_RUNNING') return null;
      throw error;
    }
  });
}

/**
 * Loads the project that `locateSupervisor` would talk to, for the commands that act without a
 * supervisor (`down` after one died). `shown` is its file as the user would write it.
 */
export async function locateProject(
  options: LocateOptions = {},
): Promise<{ spec: ProjectSpec; shown: string }> {
  const cwd = options.cwd ?? process.cwd();
  const file = options.file === undefined ? findConfigFile(cwd) : resolve(cwd, options.file);
  const { loadProject } = await import('../config/load.js');
  return { spec: loadProject({ file, cwd }), shown: relativeToCwd(file, cwd) };
}

/** `ask` returns null when no supervisor answers on that socket. */
async function askSupervisor<T>(
  options: LocateOptions,
  ask: (client: ApiClient) => Promise<T | null>,
): Promise<{ client: ApiClient; answer: T }> {
  const cwd = options.cwd ?? process.cwd();
  const file = options.file === undefined ? findConfigFile(cwd) : resolve(cwd, options.file);
  const client = clientFor(join(dirname(file), '.ovrseer'));
  const answer = client === null ? null : await ask(client);
  if (client !== null && answer !== null) return { client, answer };
  const { loadProject } = await import('../config/load.js');
  const spec = loadProject({ file, cwd });
  const configured = clientFor(spec.settings.stateDir);
  const configuredAnswer = configured === null ? null : await ask(configured);
  if (configured !== null && configuredAnswer !== null)
    return { client: configured, answer: configuredAnswer };
  throw new OvrseerError(
    'OVRSEER_NOT_RUNNING',
    `no ovrseer running for ${relativeToCwd(file, cwd)}; start it with \`ovrseer up\` (or \`ovrseer up -d\`)`,
  );
}

function clientFor(stateDir: string): ApiClient | null {
  const socket = join(stateDir, 'ovrseer.sock');
  if (existsSync(socket)) return new ApiClient(socket);
  // A state dir too deep for a unix socket path records where the socket went instead.
  const pointer = join(stateDir, 'socket-path');
  if (existsSync(pointer)) return new ApiClient(readFileSync(pointer, 'utf8').trim());
  return null;
}

function findConfigFile(cwd: string): string {
  for (const name of [...CONFIG_FILE_NAMES, PROCFILE_NAME]) {
    const path = join(cwd, name);
    if (existsSync(path)) return path;
  }
  throw new OvrseerError(
    'OVRSEER_CONFIG_NOT_FOUND',
    `no ${[...CONFIG_FILE_NAMES, PROCFILE_NAME].join(', ')} in ${cwd}: nothing to talk to (use -f FILE)${noConfigHint(cwd)}`,
  );
}

function relativeToCwd(file: string, cwd: string): string {
  return file.startsWith(`${cwd}/`) ? `./${file.slice(cwd.length + 1)}` : file;
}
