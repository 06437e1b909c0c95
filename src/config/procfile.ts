import { dirname, resolve } from 'node:path';
import { ConfigError, type ConfigIssue, errorMessage } from '../errors.js';
import { loadEnvNameFile, readEnvFile } from './env.js';
import type { Locator, ProcessInput } from './input.js';
import { normalizeProject } from './normalize.js';
import type { ProjectSpec } from './spec.js';

export interface ProcfileOptions {
  /** Shown in errors and kept as the spec's file (resolved against `dir`). */
  file: string;
  dir?: string;
  /** `--env NAME`: also load `.env.NAME` (required to exist). */
  envName?: string;
}

const LINE_RE = /^([A-Za-z0-9_-]+):\s*(.+)$/;

/**
 * Zero-config mode: `name: command` lines, as foreman and overmind read them. Each becomes a `service`
 * whose command runs in /bin/sh; `.env` beside the Procfile is loaded if present, as foreman does.
 */
export function parseProcfile(text: string, options: ProcfileOptions): ProjectSpec {
  const dir = options.dir ?? dirname(resolve(options.file));
  // Procfile positions: path[0] is the 1-based line, path[1] the process name when known.
  const at: Locator = (path, message) => ({
    file: options.file,
    line: typeof path[0] === 'number' ? path[0] : null,
    column: typeof path[0] === 'number' ? 1 : null,
    path: path[1] === undefined ? '' : String(path[1]),
    message,
  });
  const issues: ConfigIssue[] = [];
  const processes: ProcessInput[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trimEnd();
    if (line.trim() === '' || line.trimStart().startsWith('#')) return;
    const match = LINE_RE.exec(line);
    const [, name, script] = match ?? [];
    if (name === undefined || script === undefined) {
      issues.push(
        at(
          [index + 1],
          `expected "name: command" (name: letters, digits, "_" or "-"), got ${JSON.stringify(line)}`,
        ),
      );
      return;
    }
    processes.push({
      name,
      namePath: [index + 1, name],
      nameIsKey: false,
      command: { kind: 'shell', script: script.trim() },
    });
  });
  if (processes.length === 0 && issues.length === 0) issues.push(at([], 'the Procfile defines no processes'));

  const fileEnv: Record<string, string> = {};
  try {
    Object.assign(fileEnv, readEnvFile(resolve(dir, '.env')) ?? {});
  } catch (error) {
    issues.push(at([], `cannot read ${resolve(dir, '.env')}: ${errorMessage(error)}`));
  }
  if (options.envName !== undefined) {
    const named = loadEnvNameFile(options.envName, dir, options.file);
    Object.assign(fileEnv, named.vars);
    issues.push(...named.issues);
  }
  if (issues.length > 0) throw new ConfigError(issues);
  const file = resolve(dir, options.file);
  return normalizeProject({ fileEnv, processes, processesPath: [] }, { file, dir, at });
}
