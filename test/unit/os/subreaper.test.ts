import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Subreaper } from '../../../src/os/subreaper.js';
import { waitFor } from '../../helpers/wait-for.js';

const state = (pid: number): string | null => {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0] ?? null;
  } catch (error) {
    if (['ENOENT', 'ESRCH'].includes((error as NodeJS.ErrnoException).code ?? '')) return null;
    throw error;
  }
};

describe.runIf(process.platform === 'linux')('Subreaper', () => {
  it('adopts an orphan that cleared its environment and left its session, tells it from Node’s own children, and reaps it', async () => {
    const subreaper = Subreaper.enable();
    expect(subreaper).toBeInstanceOf(Subreaper);
    if (!(subreaper instanceof Subreaper)) return;
    const own = spawn('sleep', ['30'], { stdio: 'ignore' });
    const parent = spawn('sh', ['-c', 'env -i setsid sleep 31 & echo $!'], {
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    let out = '';
    parent.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    await new Promise((resolve) => parent.once('exit', resolve));
    const orphan = Number(out.trim());
    try {
      await waitFor(() => subreaper.orphans().includes(orphan), 'the orphan to be reparented here');
      expect(subreaper.orphans()).not.toContain(own.pid);
      process.kill(orphan, 'SIGKILL');
      await waitFor(() => state(orphan) === 'Z', 'the orphan to be a zombie');
      expect(subreaper.reap()).toBe(1);
      expect(state(orphan)).toBeNull();
    } finally {
      own.kill('SIGKILL');
      if (state(orphan) !== null) process.kill(orphan, 'SIGKILL');
    }
    // Node still gets the exit of its own child: it was not reaped behind its back.
    if (own.exitCode === null && own.signalCode === null)
      await new Promise((resolve) => own.once('exit', resolve));
    expect(own.signalCode).toBe('SIGKILL');
  });

  it('reapChanged lists the threads’ children only when the main thread’s list moved or orphans were alive', async () => {
    const subreaper = Subreaper.enable();
    if (!(subreaper instanceof Subreaper)) throw new Error('no subreaper here');
    subreaper.reapChanged();
    subreaper.reapChanged();
    const looks = subreaper.looks;
    // Nothing was spawned or reparented since: one read of the kept file, no listing.
    for (let tick = 0; tick < 5; tick += 1) expect(subreaper.reapChanged()).toBe(0);
    expect(subreaper.looks).toBe(looks);
    const parent = spawn('sh', ['-c', 'env -i setsid sleep 32 & echo $!'], {
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    let out = '';
    parent.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    await new Promise((resolve) => parent.once('exit', resolve));
    const orphan = Number(out.trim());
    try {
      await waitFor(() => subreaper.orphans().includes(orphan), 'the orphan to be reparented here');
      subreaper.reapChanged();
      expect(subreaper.looks).toBeGreaterThan(looks);
      process.kill(orphan, 'SIGKILL');
      await waitFor(() => state(orphan) === 'Z', 'the orphan to be a zombie');
      // Its list did not move (a zombie stays listed), but it was alive at the last look.
      expect(subreaper.reapChanged()).toBe(1);
      expect(state(orphan)).toBeNull();
    } finally {
      if (state(orphan) !== null) process.kill(orphan, 'SIGKILL');
      subreaper.close();
    }
  });
});
