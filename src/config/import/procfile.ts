import { ConfigError, type ConfigIssue } from '../../errors.js';
import type { Locator, ProcessInput } from '../input.js';
import { FOREMAN_STOP_TIMEOUT_MS } from './foreman-defaults.js';
import type { ImportContext, Imported } from './types.js';

const LINE_RE = /^([A-Za-z0-9_-]+):\s*(.+)$/;
const DEFAULT_BASE_PORT = 5000;

/** Procfile positions: path[0] is the 1-based line, path[1] the process name when known. */
export function procfileLocator(file: string): Locator {
  return (path, message) => ({
    file,
    line: typeof path[0] === 'number' ? path[0] : null,
    column: typeof path[0] === 'number' ? 1 : null,
    path: path[1] === undefined ? '' : String(path[1]),
    message,
  });
}

/**
 * foreman's base port: `-p`, else `PORT` from the env files (`.env`, or `-e` files), else `PORT` in the
 * shell, else 5000.
 */
function basePort(context: ImportContext, at: Locator, issues: ConfigIssue[]): number {
  if (context.port !== undefined) return context.port;
  const fromFiles = context.fileVars.PORT;
  const [text, where] =
    fromFiles !== undefined ? [fromFiles, 'the env file'] : [context.shell.PORT, 'the environment'];
  if (text === undefined || text.trim() === '') return DEFAULT_BASE_PORT;
  const port = Number(text.trim());
  if (Number.isInteger(port) && port >= 1 && port <= 65535) return port;
  issues.push(at([], `PORT in ${where} is not a port number: ${JSON.stringify(text)}`));
  return DEFAULT_BASE_PORT;
}

/**
 * A Procfile as foreman reads it: `name: command` lines (comments and blank lines skipped, CRLF or not),
 * each a `service` whose command runs in /bin/sh with `PORT` = base + 100 × its position (replicas add
 * 1 each, as `web.1`, `web.2`). An empty Procfile is an error.
 */
export function importProcfile(text: string, context: ImportContext): Imported {
  const at = procfileLocator(context.file);
  const issues: ConfigIssue[] = [];
  const base = basePort(context, at, issues);
  const processes: ProcessInput[] = [];
  const origins: Record<string, string> = {};
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trimEnd();
    if (line.trim() === '' || line.trimStart().startsWith('#')) return;
    const [, name, script] = LINE_RE.exec(line) ?? [];
    if (name === undefined || script === undefined) {
      const message = `expected "name: command" (name: letters, digits, "_" or "-"), got ${JSON.stringify(line)}`;
      issues.push(at([index + 1], message));
      return;
    }
    // foreman counts every process of the file, whether the formation runs it or not.
    const port = base + processes.length * 100;
    if (port > 65535)
      issues.push(at([index + 1, name], `PORT ${port} is above 65535: lower the base port (-p)`));
    processes.push({
      name,
      namePath: [index + 1, name],
      nameIsKey: false,
      command: { kind: 'shell', script: script.trim() },
      port: Math.min(port, 65535),
      // foreman sends SIGTERM, then SIGKILL after `-t` (5 s by default).
      stop: { signal: 'SIGTERM', timeout: context.stopTimeout ?? FOREMAN_STOP_TIMEOUT_MS },
      // foreman names every instance `name.N`, the only one too; replicas number themselves.
      env: { PS: `${name}.1` },
    });
    origins[name] = `${context.file} line ${index + 1}`;
  });
  if (processes.length === 0 && issues.length === 0) issues.push(at([], 'the Procfile defines no processes'));
  if (issues.length > 0) throw new ConfigError(issues);
  return {
    format: 'procfile',
    processes,
    processesPath: [],
    environments: {},
    notTranslated: [],
    origins,
    at,
    // foreman (Engine#wait_for_shutdown_or_child_termination) and honcho (Manager#loop) stop every
    // process when one exits, and exit with the code of the first that exited.
    exit: { stopOn: Object.fromEntries(processes.map((p) => [p.name, ['end'] as const])), codeFrom: null },
  };
}
