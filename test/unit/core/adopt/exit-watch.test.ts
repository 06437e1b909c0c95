import { describe, expect, it } from 'vitest';
import { watchExit } from '../../../../src/core/adopt/exit-watch.js';
import { FakeClock } from '../../../helpers/fake-clock.js';

/** A /proc that the test edits: pid → start time and state. */
function fakeProc(): {
  table: Map<number, { startTime: number; state: string }>;
  reads: number[];
  readStat: (pid: number) => { startTime: number; state: string } | null;
} {
  const table = new Map<number, { startTime: number; state: string }>();
  const reads: number[] = [];
  const readStat = (pid: number): { startTime: number; state: string } | null => {
    reads.push(pid);
    return table.get(pid) ?? null;
  };
  return { table, reads, readStat };
}

function settledFlag(promise: Promise<void>): { done: boolean } {
  const flag = { done: false };
  void promise.then(() => {
    flag.done = true;
  });
  return flag;
}

describe('watchExit: exit of a process that is not our child, by polling its stat', () => {
  it('notices the pid gone at the next poll, not before, and stops polling', async () => {
    const clock = new FakeClock();
    const proc = fakeProc();
    proc.table.set(42, { startTime: 1000, state: 'S' });
    const watch = watchExit(42, 1000, { clock, readStat: proc.readStat, intervalMs: 250 });
    const exited = settledFlag(watch.exited);
    await clock.advanceAsync(1000);
    expect(proc.reads).toHaveLength(5); // once at once, then every 250 ms
    proc.table.delete(42);
    await clock.advanceAsync(249);
    expect(exited.done).toBe(false);
    await clock.advanceAsync(1);
    expect(exited.done).toBe(true);
    expect(clock.pendingTimers).toBe(0);
  });

  it('a reused pid (another start time) and a zombie count as exited', async () => {
    const clock = new FakeClock();
    const proc = fakeProc();
    proc.table.set(7, { startTime: 5, state: 'S' });
    proc.table.set(8, { startTime: 9, state: 'R' });
    const reused = watchExit(7, 5, { clock, readStat: proc.readStat, intervalMs: 500 });
    const zombie = watchExit(8, 9, { clock, readStat: proc.readStat, intervalMs: 500 });
    const reusedDone = settledFlag(reused.exited);
    const zombieDone = settledFlag(zombie.exited);
    proc.table.set(7, { startTime: 6, state: 'S' });
    proc.table.set(8, { startTime: 9, state: 'Z' });
    await clock.advanceAsync(500);
    expect(reusedDone.done).toBe(true);
    expect(zombieDone.done).toBe(true);
  });

  it('check() looks at once (a stop that saw it go need not wait a tick); cancel() ends the polling', async () => {
    const clock = new FakeClock();
    const proc = fakeProc();
    proc.table.set(3, { startTime: 1, state: 'S' });
    const watch = watchExit(3, 1, { clock, readStat: proc.readStat, intervalMs: 1000 });
    expect(watch.check()).toBe(false);
    proc.table.delete(3);
    expect(watch.check()).toBe(true);
    await expect(watch.exited).resolves.toBeUndefined();
    expect(clock.pendingTimers).toBe(0);

    proc.table.set(4, { startTime: 1, state: 'S' });
    const cancelled = watchExit(4, 1, { clock, readStat: proc.readStat });
    cancelled.cancel();
    expect(clock.pendingTimers).toBe(0);
  });
});
