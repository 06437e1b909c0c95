/* How pm2 turns `script`, `args`, `interpreter` and `node_args` into a command (lib/Common.js,
 * `prepareAppConf` and `sink.resolveInterpreter`; lib/API/interpreter.json). */
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { delimiter, extname, isAbsolute, join, resolve } from 'node:path';
import type { CommandInput } from '../input.js';
import type { App } from './pm2-schema.js';

/** lib/API/interpreter.json: the interpreter pm2 picks by extension. */
const INTERPRETERS: Record<string, string> = {
  '.sh': 'bash',
  '.py': 'python',
  '.rb': 'ruby',
  '.php': 'php',
  '.pl': 'perl',
  '.js': 'node',
  '.coffee': 'coffee',
  '.ls': 'lsc',
  '.ts': 'bun',
  '.tsx': 'bun',
};

/** pm2's `renderApplicationName`: the script's base name up to its last dot. */
export function defaultName(script: string): string {
  const base = script.split('/').pop() ?? script;
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(0, dot) : base;
}

export interface Pm2Command {
  command: CommandInput;
  /** The shell of a `shell` command (pm2 uses bash). */
  shell?: string;
  /** pm2 sets PYTHONUNBUFFERED=1 for a python interpreter, over the app's env. */
  env: Record<string, string>;
  /** What pm2 does here that deserves saying (args dropped, interpreter chosen by content). */
  notes: Array<{ key: string; reason: string }>;
}

function onPath(name: string, path: string | undefined): string | null {
  for (const dir of (path ?? '').split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, name);
    try {
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // Not in this directory of PATH: try the next.
    }
  }
  return null;
}

/**
 * pm2's test for "a binary" (lib/tools/isbinaryfile.js): a NUL byte in the first 512 bytes, or more
 * than 10 % of them neither text nor UTF-8.
 */
export function looksBinary(file: string): boolean {
  let bytes: Buffer;
  try {
    if (!statSync(file).isFile()) return false;
    const fd = openSync(file, 'r');
    try {
      bytes = Buffer.alloc(512);
      bytes = bytes.subarray(0, readSync(fd, bytes, 0, 512, 0));
    } finally {
      closeSync(fd);
    }
  } catch {
    // Unreadable: pm2 would fail on it too; not a binary for the choice of interpreter.
    return false;
  }
  if (bytes.length === 0 || (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf)) return false;
  if (bytes.includes(0)) return true;
  const text = bytes.toString('utf8');
  const odd = [...text].filter((c) => {
    const code = c.codePointAt(0) ?? 0;
    return c === '\uFFFD' || (code < 32 && !(code >= 7 && code <= 14));
  }).length;
  return (odd * 100) / bytes.length > 10;
}

/**
 * The command pm2 runs. `dir` is where relative paths start (the app's cwd), `path` the PATH pm2 would
 * search: a script that is not a file there is looked up on PATH, as pm2 does.
 */
export function pm2Command(app: App, dir: string, path: string | undefined): Pm2Command {
  const notes: Pm2Command['notes'] = [];
  const script = app.script.trim();
  // pm2 runs a script holding a space as `bash -c "<script>"`, and drops `args`.
  if (script.includes(' ') && app.interpreter === undefined) {
    if (app.args !== undefined && app.args.length > 0)
      notes.push({
        key: 'args',
        reason: 'ignored, as pm2 ignores args when script holds a whole command line',
      });
    return { command: { kind: 'shell', script }, shell: 'bash', env: {}, notes };
  }
  const args = app.args ?? [];
  const local = isAbsolute(script) ? script : resolve(dir, script);
  const found = existsSync(local) ? local : onPath(script, path);
  let interpreter = app.interpreter ?? INTERPRETERS[extname(script)];
  if (interpreter === undefined) {
    // No interpreter for the extension: pm2 runs a binary itself and anything else with node.
    interpreter = found !== null && looksBinary(found) ? 'none' : 'node';
    if (app.interpreter === undefined && interpreter === 'node' && extname(script) !== '')
      notes.push({
        key: 'script',
        reason: `runs with node, as pm2 runs a non-binary ${extname(script)} file`,
      });
  }
  if (interpreter === 'python' && app.interpreter === undefined && onPath('python', path) === null) {
    // pm2 falls back to python3 when there is no `python`.
    if (onPath('python3', path) !== null) interpreter = 'python3';
  }
  const env: Record<string, string> = interpreter.includes('python') ? { PYTHONUNBUFFERED: '1' } : {};
  // A file in the app's directory is run from there, not searched on PATH.
  const program = found === local && !script.includes('/') ? `./${script}` : script;
  if (interpreter === 'none') return { command: { kind: 'argv', argv: [program, ...args] }, env, notes };
  const interpreterArgs = app.interpreter_args ?? app.node_args ?? [];
  // pm2 hands the interpreter the resolved path (`pm_exec_path`): `node /usr/bin/npm start`.
  const file = found !== null && found !== local ? found : script;
  return { command: { kind: 'argv', argv: [interpreter, ...interpreterArgs, file, ...args] }, env, notes };
}
