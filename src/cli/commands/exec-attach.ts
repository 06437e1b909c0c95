import { spawn } from 'node:child_process';
import { OvrseerError } from '../../errors.js';
import { type LocateOptions, locateSupervisor } from '../locate.js';

/** Ctrl-] detaches, as in telnet and docker attach. */
const DETACH_BYTE = 0x1d;

/**
 * `ovrseer exec NAME -- CMD…`: runs a command with the environment and working directory the process
 * has under the supervisor; exits with the command's code.
 */
export async function runExec(name: string, command: string[], options: LocateOptions): Promise<number> {
  if (command.length === 0)
    throw new OvrseerError('OVRSEER_USAGE', 'usage: ovrseer exec NAME -- COMMAND [ARGS…]');
  const client = await locateSupervisor(options);
  const context = await client.get<{ env: Record<string, string>; cwd: string }>(
    `/v1/processes/${encodeURIComponent(name)}/context`,
  );
  // One argument with spaces is a shell command line, as users type it; several are an argv.
  const [file, ...args] =
    command.length === 1 && /\s/.test(command[0] ?? '') ? ['/bin/sh', '-c', command[0] as string] : command;
  return new Promise((resolve, reject) => {
    const child = spawn(file as string, args, { cwd: context.cwd, env: context.env, stdio: 'inherit' });
    child.once('error', (error) =>
      reject(new OvrseerError('OVRSEER_SPAWN_FAILED', `could not run ${file}: ${error.message}`)),
    );
    child.once('exit', (code, signal) => resolve(code ?? (signal === null ? 1 : 128 + signalNumber(signal))));
  });
}

/**
 * `ovrseer attach NAME`: shows the process's output as it comes and forwards this terminal's input to
 * its stdin, until Ctrl-] (or the end of input).
 */
export async function runAttach(name: string, options: LocateOptions): Promise<number> {
  const client = await locateSupervisor(options);
  await client.get(`/v1/processes/${encodeURIComponent(name)}`);
  const stdin = process.stdin;
  const abort = new AbortController();
  process.stderr.write(`attached to ${name}; Ctrl-] to detach\n`);
  const raw = stdin.isTTY === true;
  if (raw) stdin.setRawMode(true);
  const detach = (): void => {
    if (raw) stdin.setRawMode(false);
    stdin.pause();
    abort.abort();
  };
  let sending = Promise.resolve();
  stdin.on('data', (chunk: Buffer) => {
    const stop = chunk.indexOf(DETACH_BYTE);
    const data = stop === -1 ? chunk : chunk.subarray(0, stop);
    if (data.length > 0) {
      sending = sending.then(() =>
        client.postBytes(`/v1/processes/${encodeURIComponent(name)}/input`, data).then(
          () => undefined,
          (error: unknown) => {
            process.stderr.write(`ovrseer: ${error instanceof Error ? error.message : String(error)}\n`);
            detach();
          },
        ),
      );
    }
    if (stop !== -1) detach();
  });
  stdin.on('end', () => void sending.then(detach));
  await client.stream(
    `/v1/logs?names=${encodeURIComponent(name)}&limit=20&follow=1`,
    (_event, data) => {
      const entry = data as { text: string };
      process.stdout.write(`${entry.text}\n`);
    },
    abort.signal,
  );
  await sending;
  process.stderr.write(`detached from ${name}\n`);
  return 0;
}

function signalNumber(signal: NodeJS.Signals): number {
  const numbers: Partial<Record<NodeJS.Signals, number>> = { SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGTERM: 15 };
  return numbers[signal] ?? 1;
}
