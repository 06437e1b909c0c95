import { errorMessage } from '../../errors.js';
import type { ShellEnv } from '../env.js';
import { isRecord } from './source.js';

export type PcVars = Readonly<Record<string, string | number | boolean | null>>;

/**
 * Renders process-compose's Go templates (`{{.NAME}}`, src/templater/templater.go) with `vars`. Go's
 * `text/template` prints a missing map key as `<no value>`; that is what it prints here too. Anything
 * beyond a variable (`{{if …}}`, pipes) is refused: ovrseer does not run Go templates.
 */
export function renderTemplate(text: string, vars: PcVars): { text: string } | { error: string } {
  let error: string | null = null;
  const out = text.replace(/\{\{-?\s*([^}]*?)\s*-?\}\}/g, (whole, inner: string) => {
    const match = /^\.([A-Za-z_][A-Za-z0-9_]*)$/.exec(inner);
    if (match === null) {
      error ??= `${whole} is a Go template action ovrseer does not run: only {{.NAME}} of vars is supported`;
      return whole;
    }
    const value = vars[match[1] ?? ''];
    return value === undefined ? '<no value>' : value === null ? '<nil>' : String(value);
  });
  return error === null ? { text: out } : { error };
}

/**
 * `extends: base` in a process: the base's keys under the process's own, maps merged key by key, as
 * process-compose merges a process with the one it extends. Returns the merged raw processes, or the
 * problem (an unknown base, a cycle).
 */
export function extendProcesses(
  raw: Record<string, unknown>,
): { processes: Record<string, unknown> } | { name: string; error: string } {
  const done: Record<string, unknown> = {};
  const resolve = (name: string, chain: string[]): unknown => {
    if (name in done) return done[name];
    const p = raw[name];
    if (!isRecord(p) || typeof p.extends !== 'string') {
      done[name] = p;
      return p;
    }
    const base = p.extends;
    if (!(base in raw))
      throw new ExtendsError(name, `extends '${base}', which is not a process of this file`);
    if (chain.includes(base))
      throw new ExtendsError(name, `extends in a cycle: ${[...chain, name, base].join(' → ')}`);
    const { extends: _, ...own } = p;
    const out = merge(resolve(base, [...chain, name]), own);
    done[name] = out;
    return out;
  };
  try {
    for (const name of Object.keys(raw)) resolve(name, []);
  } catch (error) {
    if (error instanceof ExtendsError) return { name: error.process, error: error.message };
    throw error;
  }
  return { processes: done };
}

class ExtendsError extends Error {
  constructor(
    readonly process: string,
    message: string,
  ) {
    super(message);
  }
}

function merge(base: unknown, own: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = isRecord(base) ? { ...base } : {};
  for (const [key, value] of Object.entries(own)) {
    const under = out[key];
    out[key] = isRecord(under) && isRecord(value) ? merge(under, value) : value;
  }
  return out;
}

/** How long process-compose gives each `env_cmds` command (src/app/project_runner.go, runCmd). */
export const ENV_CMD_TIMEOUT = 2000;

/**
 * `env_cmds`: each command's trimmed output becomes a variable of every process, as process-compose
 * runs them when the project starts — with `$COMPOSE_SHELL` (else bash) `-c`, 2 s each. A command that
 * fails sets nothing there; here it says so (`failed`).
 */
export function runEnvCmds(
  cmds: Readonly<Record<string, string>>,
  shell: ShellEnv,
  cwd: string,
): { vars: Record<string, string>; failed: Record<string, string> } {
  const vars: Record<string, string> = {};
  const failed: Record<string, string> = {};
  const program = shell.COMPOSE_SHELL || 'bash';
  for (const [name, cmd] of Object.entries(cmds)) {
    try {
      const out = (
        process.getBuiltinModule('node:child_process') as typeof import('node:child_process')
      ).execFileSync(program, ['-c', cmd], {
        cwd,
        env: shell,
        timeout: ENV_CMD_TIMEOUT,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      vars[name] = out.trim();
    } catch (error) {
      failed[name] = errorMessage(error).split('\n')[0] ?? 'failed';
    }
  }
  return { vars, failed };
}
