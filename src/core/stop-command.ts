import type { CommandSpec } from '../config/spec.js';
import { spawnArgv } from './command.js';
import { signalGroup } from './kill.js';
import { instanceEnv } from './launch.js';
import { eachText, LineBatch } from './line-batch.js';
import { LineSplitter } from './line-splitter.js';
import type { ManagedProcess, ManagedProcessContext } from './managed-process.js';

/**
 * Runs a process's stop command with the process's environment and cwd; its output is logged as the
 * process's system lines. Aborting (the stop timeout) kills the command's group.
 */
export function runStopCommand(
  command: CommandSpec,
  target: ManagedProcess,
  context: ManagedProcessContext,
  signal: AbortSignal,
): Promise<void> {
  const [file, ...args] = spawnArgv(command);
  return new Promise((resolve) => {
    const log = (text: string): void => {
      context.emitter.emit('output', {
        process: target.id,
        name: target.name,
        instance: target.instance,
        stream: 'system',
        lines: LineBatch.fromTexts([`stop command: ${text}`]),
        time: context.clock.now(),
      });
    };
    const child = context.spawn(file as string, args, {
      cwd: target.spec.cwd,
      env: {
        ...instanceEnv(target.spec, target.instance, context, `${target.marker}/stop`),
        MAINPID: String(target.pid),
      },
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const splitter = new LineSplitter(eachText(log));
    child.stdout?.on('data', (chunk: Buffer) => splitter.push(chunk));
    child.stderr?.on('data', (chunk: Buffer) => splitter.push(chunk));
    const onAbort = (): void => {
      log('timed out; killing it');
      if (child.pid !== undefined) signalGroup(child.pid, 'SIGKILL');
    };
    signal.addEventListener('abort', onAbort, { once: true });
    child.once('error', (error) => {
      signal.removeEventListener('abort', onAbort);
      context.reportError(error, { operation: 'stop command', severity: 'error' });
      resolve();
    });
    child.once('close', (code) => {
      signal.removeEventListener('abort', onAbort);
      splitter.end();
      if (code !== 0 && code !== null) log(`exited with code ${code}`);
      resolve();
    });
  });
}
