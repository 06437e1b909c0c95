import { afterEach, describe, expect, it } from 'vitest';
import { LinuxTreeSource } from '../../../src/metrics/linux-source.js';
import type { TreeRoot } from '../../../src/metrics/tree.js';
import { FakeProc, type FakeProcess, markedEnv, PROJECT_ID } from './fake-proc.js';

let proc: FakeProc;
afterEach(() => proc.cleanup());

const PAGE = 4096;
const api: TreeRoot = { pid: 100, marker: 'shop/api/1' };
const leader = (over: Partial<FakeProcess> = {}): FakeProcess => ({
  pid: 100,
  ppid: 1,
  start: 500,
  env: markedEnv('shop/api/1'),
  ...over,
});

function source(fdsEvery = 1): LinuxTreeSource {
  return new LinuxTreeSource({
    projectId: PROJECT_ID,
    root: proc.root,
    pageSize: PAGE,
    selfPid: -1,
    fdsEvery,
  });
}

describe('LinuxTreeSource', () => {
  it('first sample has no CPU figure; then CPU is the tick delta over the interval', () => {
    proc = new FakeProc().uptime(1000).add(leader({ utime: 100, stime: 0 }));
    const s = source();
    expect(s.sample([api])[0]?.cpu).toBeNull();
    // 50 ticks (0.5 s of CPU) in 1 s of uptime: 50 % of one core.
    proc.uptime(1001).add(leader({ utime: 140, stime: 10 }));
    expect(s.sample([api])[0]?.cpu).toBeCloseTo(50, 5);
    // Two busy processes in the tree over 2 s (the child started at 1001.5 s): over 100 %.
    proc
      .uptime(1003)
      .add(leader({ utime: 340, stime: 10 }))
      .add({ pid: 101, ppid: 100, pgrp: 100, start: 100_150, utime: 150 });
    expect(s.sample([api])[0]?.cpu).toBeCloseTo(175, 5);
  });

  it('a child born since the previous pass counts all its ticks; one seen before only its delta', () => {
    proc = new FakeProc().uptime(1000).add(leader({ utime: 0 }));
    const s = source();
    s.sample([api]);
    // Started at 1000.5 s (tick 100050): every tick it has was spent in this interval.
    proc.uptime(1001).add({ pid: 101, ppid: 100, pgrp: 100, start: 100_050, utime: 30 });
    expect(s.sample([api])[0]?.cpu).toBeCloseTo(30, 5);
    proc.uptime(1002).add({ pid: 101, ppid: 100, pgrp: 100, start: 100_050, utime: 40 });
    expect(s.sample([api])[0]?.cpu).toBeCloseTo(10, 5);
  });

  it('a process newly attributed but older than the previous pass contributes no past ticks', () => {
    proc = new FakeProc().uptime(1000).add(leader({ utime: 0 }));
    const s = source();
    s.sample([api]);
    // An escapee found by its marker, started long ago with 5000 ticks: not this interval's.
    proc
      .uptime(1001)
      .add({ pid: 150, ppid: 1, pgrp: 150, start: 600, utime: 5000, env: markedEnv('shop/api/1') });
    expect(s.sample([api])[0]?.cpu).toBeCloseTo(0, 5);
  });

  it('a reused pid is a new process (start time differs), not a negative delta', () => {
    proc = new FakeProc()
      .uptime(1000)
      .add(leader())
      .add({ pid: 101, ppid: 100, pgrp: 100, start: 600, utime: 900 });
    const s = source();
    s.sample([api]);
    proc.uptime(1001).add({ pid: 101, ppid: 100, pgrp: 100, start: 100_020, utime: 20 });
    expect(s.sample([api])[0]?.cpu).toBeCloseTo(20, 5);
  });

  it('a restarted leader (same pid, new start) has no CPU figure on its first sample', () => {
    proc = new FakeProc().uptime(1000).add(leader());
    const s = source();
    s.sample([api]);
    s.sample([api]);
    proc.uptime(1002).add(leader({ start: 100_150, utime: 10 }));
    expect(s.sample([api])[0]?.cpu).toBeNull();
  });

  it('memory and process count sum the tree; zombies and foreign processes do not count', () => {
    proc = new FakeProc()
      .add({ pid: 1, ppid: 0, rss: 10_000 })
      .add(leader({ rss: 100 }))
      .add({ pid: 101, ppid: 100, pgrp: 100, rss: 250 })
      .add({ pid: 102, ppid: 101, pgrp: 100, rss: 0, state: 'Z' })
      .add({ pid: 150, ppid: 1, pgrp: 150, rss: 50, env: markedEnv('shop/api/1') });
    const [figures] = source().sample([api]);
    expect(figures).toMatchObject({ memory: 400 * PAGE, processes: 3 });
  });

  it('a root whose leader is gone gets null', () => {
    proc = new FakeProc();
    expect(source().sample([api])).toEqual([null]);
  });

  it('counts descriptors and finds the listening ports of the tree', () => {
    proc = new FakeProc()
      .add(leader({ fds: { 0: '/dev/null', 1: 'pipe:[77]' } }))
      .add({
        pid: 101,
        ppid: 100,
        pgrp: 100,
        fds: { 0: '/dev/null', 3: 'socket:[9001]', 4: 'socket:[9002]' },
      })
      .add({ pid: 60, ppid: 1, fds: { 3: 'socket:[8000]' } })
      .tcp([
        { port: 3000, inode: 9001 },
        { port: 22, inode: 8000 },
        { port: 4000, inode: 9002, state: '01' }, // established, not listening
      ]);
    const [figures] = source().sample([api]);
    expect(figures).toMatchObject({ fds: 5, ports: [3000] });
  });
});
