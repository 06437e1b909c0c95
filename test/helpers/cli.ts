import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { waitFor } from './wait-for.js';

export const BIN = fileURLToPath(new URL('../../dist/cli/bin.js', import.meta.url));

export interface CliRun {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  lines(): string[];
  /** Resolves with the exit code (null when killed by a signal). */
  exited: Promise<number | null>;
  waitForOutput(pattern: RegExp, timeout?: number): Promise<void>;
  signal(signal: NodeJS.Signals): void;
}

const running = new Set<ChildProcess>();

/** Starts the built CLI (`dist/cli/bin.js`) with NO_COLOR, in its own process group. */
export function startCli(
  args: string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; input?: boolean },
): CliRun {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: options.cwd,
    env: { ...process.env, NO_COLOR: '1', CI: 'true', ...options.env },
    stdio: [options.input ? 'pipe' : 'ignore', 'pipe', 'pipe'],
    detached: true,
  });
  running.add(child);
  let out = '';
  let err = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    err += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => {
    child.on('close', (code) => {
      running.delete(child);
      resolve(code);
    });
  });
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    lines: () => out.split('\n').filter((line) => line !== ''),
    exited,
    waitForOutput: (pattern, timeout = 15_000) =>
      waitFor(() => pattern.test(out), `output matching ${pattern}; got:\n${out}\n${err}`, { timeout }),
    signal: (signal) => {
      if (child.pid !== undefined) process.kill(child.pid, signal);
    },
  };
}

/** Runs the CLI to completion. */
export async function runCli(
  args: string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv },
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const run = startCli(args, options);
  const code = await run.exited;
  return { code, stdout: run.stdout(), stderr: run.stderr() };
}

/** afterEach safety net: SIGKILLs the process group of every CLI a test left running. */
export function killStrayClis(): void {
  for (const child of running) {
    if (child.pid === undefined) continue;
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
    }
  }
  running.clear();
}
