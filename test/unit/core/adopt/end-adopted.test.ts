import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { checkAdoptable } from '../../../../src/core/adopt/adoptable.js';
import { endAdopted } from '../../../../src/core/adopt/end-adopted.js';
import { readProcStat, watchExit } from '../../../../src/core/adopt/exit-watch.js';
import { systemClock } from '../../../../src/core/clock.js';
import { isRunning } from '../../../helpers/processes.js';
import { waitFor } from '../../../helpers/wait-for.js';

const started: number[] = [];
afterEach(() => {
  for (const pid of started.splice(0)) if (isRunning(pid)) process.kill(pid, 'SIGKILL');
});

describe.skipIf(process.platform !== 'linux')('endAdopted: a pid that does not lead its group', () => {
  it('is signalled alone, and gets SIGKILL when it ignores SIGTERM past the timeout', async () => {
    // Not detached: it stays in the test runner's process group, which must not be signalled.
    const child = spawn('sh', ['-c', 'trap "" TERM; exec sleep 30'], { stdio: 'ignore' });
    const pid = child.pid as number;
    started.push(pid);
    // Once it is `sleep`, the trap was set before the exec (and the exec kept SIGTERM ignored).
    await waitFor(() => readFileSync(`/proc/${pid}/cmdline`, 'latin1').startsWith('sleep'), 'the exec');
    const target = checkAdoptable(pid, { projectId: 'none', isManaged: () => false });
    expect(target.leadsGroup).toBe(false);
    const watch = watchExit(pid, target.startTime, { clock: systemClock, intervalMs: 50 });
    const signals: string[] = [];
    const result = await endAdopted(
      target,
      {
        signal: 'SIGTERM',
        timeout: 300,
        leaderExited: watch.exited,
        force: false,
        clock: systemClock,
        onSignal: (signal) => signals.push(signal),
      },
      readProcStat,
    );
    expect(result).toEqual({ escalated: true });
    expect(signals).toEqual(['SIGTERM', 'SIGKILL']);
    expect(isRunning(pid)).toBe(false);
    watch.cancel();
  });
});
