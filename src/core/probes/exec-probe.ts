import { spawn } from 'node:child_process';
import type { ProbeSpec } from '../../config/spec.js';
import { spawnArgv } from '../command.js';
import { signalGroup } from '../kill.js';
import { eachText } from '../line-batch.js';
import { LineSplitter } from '../line-splitter.js';
import { RingBuffer } from '../ring-buffer.js';
import { describeProbe, type Probe, type ProbeContext, type ProbeResult } from './probe.js';

type ExecProbeSpec = Extract<ProbeSpec, { kind: 'exec' }>;

/** Passes when the command exits 0. An attempt that overruns its timeout is killed, with its whole group. */
export class ExecProbe implements Probe {
  readonly description: string;

  constructor(
    private readonly spec: ExecProbeSpec,
    private readonly context: ProbeContext,
  ) {
    this.description = describeProbe(spec);
  }

  check(signal: AbortSignal): Promise<ProbeResult> {
    return new Promise((resolve) => {
      const [file, ...args] = spawnArgv(this.spec.command);
      const output = new RingBuffer<string>(3);
      const splitter = new LineSplitter(
        eachText((line) => output.push(line)),
        4096,
      );
      const child = spawn(file as string, args, {
        cwd: this.context.cwd,
        env: this.context.env,
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child.stdout.on('data', (chunk: Buffer) => splitter.push(chunk));
      child.stderr.on('data', (chunk: Buffer) => splitter.push(chunk));
      let timedOut = false;
      const onAbort = (): void => {
        timedOut = true;
        if (child.pid !== undefined) signalGroup(child.pid, 'SIGKILL');
      };
      signal.addEventListener('abort', onAbort, { once: true });
      if (signal.aborted) onAbort();
      child.once('error', (error) => {
        signal.removeEventListener('abort', onAbort);
        resolve({ ok: false, message: `could not run: ${error.message}` });
      });
      child.once('close', (code, exitSignal) => {
        signal.removeEventListener('abort', onAbort);
        splitter.end();
        const said = output.toArray().join(' / ');
        if (timedOut) {
          resolve({ ok: false, message: 'timed out and was killed' });
        } else if (code === 0) {
          resolve({ ok: true, message: said === '' ? 'exited 0' : said });
        } else {
          const how = exitSignal === null ? `exited with code ${code}` : `killed by ${exitSignal}`;
          resolve({ ok: false, message: said === '' ? how : `${how}: ${said}` });
        }
      });
    });
  }
}
