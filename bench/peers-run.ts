/** Running the peers' commands: to their end, and until a supervisor's pid is gone. */
import { spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { isAlive } from './peers-proc.js';
import { sleep } from './report.js';

/** The repository's root. */
export const ROOT = fileURLToPath(new URL('../', import.meta.url));

/** Runs a command to its end; rejects with its output when it fails. */
export function run(
  command: string,
  args: string[],
  options: { cwd?: string; env: NodeJS.ProcessEnv },
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once('error', reject);
    child.once('close', (code) => {
      if (code === 0) resolve(output);
      else reject(new Error(`${command} ${args.join(' ')} exited ${code}:\n${output.slice(-2000)}`));
    });
  });
}

export async function waitGone(pid: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (isAlive(pid)) {
    if (Date.now() > deadline)
      throw new Error(`pid ${pid} still runs ${timeoutMs} ms after its stop command`);
    await sleep(20);
  }
}

export function executable(path: string): boolean {
  return existsSync(path) && statSync(path).isFile();
}
