import { afterEach, describe, expect, it } from 'vitest';
import { LinuxTreeSource } from '../../../src/metrics/linux-source.js';
import type { TreeRoot } from '../../../src/metrics/tree.js';
import { FakeProc, type FakeProcess, markedEnv, PROJECT_ID } from './fake-proc.js';

/**
 * How the Linux source finds the project's processes between listings of /proc: the children lists
 * of its processes that ran and of the supervisor (pid 10 here), never the host's other processes.
 */
let proc: FakeProc;
afterEach(() => proc.cleanup());

const SELF = 10;
const api: TreeRoot = { pid: 100, marker: 'shop/api/1' };
const leader = (over: Partial<FakeProcess> = {}): FakeProcess => ({
  pid: 100,
  ppid: SELF,
  start: 500,
  env: markedEnv('shop/api/1'),
  ...over,
});

/** A host with two processes of another user's session, the supervisor's leader 100, pid 100 handed out last. */
function host(): FakeProc {
  return new FakeProc()
    .add({ pid: 30, ppid: 1 })
    .add({ pid: 31, ppid: 30, pgrp: 30 })
    .add(leader())
    .children(SELF, [100])
    .lastPid(100);
}

function source(idleReadEvery = 8): LinuxTreeSource {
  return new LinuxTreeSource({
    projectId: PROJECT_ID,
    root: proc.root,
    pageSize: 4096,
    selfPid: SELF,
    fdsEvery: 1000,
    idleReadEvery,
  });
}

describe('LinuxTreeSource between listings of /proc', () => {
  it('does not read processes outside the project’s trees, however many the host creates', () => {
    proc = host();
    const s = source();
    s.sample([api]);
    expect(s.reader.listings).toBe(1);
    const readsAfterListing = s.reader.statReads;
    const environs = s.attributor.environReads;
    for (let pid = 101; pid < 110; pid += 1) {
      // Another session's shell starts a process every pass: the last pid moves each time.
      proc.add({ pid, ppid: 30, pgrp: 30 }).lastPid(pid);
      expect(s.sample([api])[0]?.processes).toBe(1);
    }
    expect(s.reader.listings).toBe(1);
    expect(s.attributor.environReads).toBe(environs);
    // Only the leader was read again (idle: not even every pass), not 30, 31 or the new ones.
    expect(s.reader.statReads - readsAfterListing).toBeLessThanOrEqual(9);
  });

  it('finds a new child of a process that ran, through its children list', () => {
    proc = host();
    const s = source();
    s.sample([api]);
    proc
      .add(leader({ utime: 3 }))
      .add({ pid: 101, ppid: 100, pgrp: 100, start: 600 })
      .children(100, [101])
      .lastPid(101);
    expect(s.sample([api])[0]?.processes).toBe(2);
    expect(s.reader.listings).toBe(1);
  });

  it('finds an escapee reparented to the supervisor (its subreaper) by its marker, without a listing', () => {
    proc = host();
    const s = source();
    s.sample([api]);
    proc
      .add({ pid: 101, ppid: SELF, session: 101, start: 600, env: markedEnv('shop/api/1') })
      .children(SELF, [100, 101])
      .lastPid(101);
    expect(s.sample([api])[0]?.processes).toBe(2);
    expect(s.reader.listings).toBe(1);
  });

  it('sweeps /proc by marker after a followed process ended, not because the host made processes', () => {
    proc = host();
    const s = source(1);
    s.sample([api]);
    proc
      .add(leader({ utime: 3 }))
      .add({ pid: 101, ppid: 100, pgrp: 100, start: 600 })
      .children(100, [101])
      .lastPid(101);
    expect(s.sample([api])[0]?.processes).toBe(2);
    // A double fork: 101 forks 102, which leaves the session, and ends; without a subreaper 102 goes
    // to init, where no children list of ours shows it.
    proc
      .remove(101)
      .children(100, [])
      .add({ pid: 102, ppid: 1, session: 102, start: 700, env: markedEnv('shop/api/1') })
      .lastPid(102);
    let processes = 0;
    expect(s.sample([api])[0]?.processes).toBe(1);
    for (let pass = 0; pass < 6 && processes !== 2; pass += 1) processes = s.sample([api])[0]?.processes ?? 0;
    expect(processes).toBe(2);
    expect(s.reader.listings).toBe(2);
  });

  it('reads an idle process less often, and again every pass once it runs', () => {
    proc = host();
    const s = source(8);
    s.sample([api]);
    const before = s.reader.statReads;
    for (let pass = 0; pass < 20; pass += 1) s.sample([api]);
    // Every pass for two, then every 2, 4, 8 passes.
    expect(s.reader.statReads - before).toBeLessThanOrEqual(7);
    let utime = 0;
    let reads = s.reader.statReads;
    // It ran: found within 8 passes, then read every pass while it keeps running.
    for (let pass = 0; pass < 8 && s.reader.statReads === reads; pass += 1) {
      utime += 10;
      proc.add(leader({ utime }));
      s.sample([api]);
    }
    reads = s.reader.statReads;
    for (let pass = 0; pass < 5; pass += 1) {
      utime += 10;
      proc.add(leader({ utime }));
      s.sample([api]);
    }
    expect(s.reader.statReads - reads).toBe(5);
  });

  it('a pass in which nothing changed gives the last figures, with no CPU, and does not attribute', () => {
    proc = host();
    const s = source(1);
    proc.uptime(1000);
    s.sample([api]);
    proc.uptime(1001).add(leader({ utime: 50 }));
    const busy = s.sample([api])[0];
    expect(busy?.cpu).toBeCloseTo(50, 5);
    proc.uptime(1002);
    const idle = s.sample([api])[0];
    expect(s.unchangedPasses).toBe(1);
    expect(idle).toMatchObject({ cpu: 0, processes: 1, memory: 100 * 4096 });
    // And the next change is measured over its own interval only.
    proc.uptime(1003).add(leader({ utime: 70 }));
    expect(s.sample([api])[0]?.cpu).toBeCloseTo(20, 5);
  });

  it('spreads the ticks of an idle process left unread over the passes it was not read', () => {
    proc = host();
    const s = source(8);
    for (let second = 0; second < 12; second += 1) {
      proc.uptime(1000 + second);
      s.sample([api]);
    }
    // It used 40 ticks at some point since its last read (up to 8 passes ago).
    proc.uptime(1012).add(leader({ utime: 40 }));
    let cpu: number | null | undefined = 0;
    for (let second = 12; second < 21 && cpu === 0; second += 1) {
      proc.uptime(1000 + second);
      cpu = s.sample([api])[0]?.cpu;
    }
    expect(cpu).toBeGreaterThan(0);
    expect(cpu).toBeLessThan(40);
  });

  it('a pass in which nothing moved reads only the files due, parses none whose bytes did not change', () => {
    proc = host();
    // Five sleepers of the tree (children of the leader), the leader itself, nothing else read.
    for (let pid = 101; pid <= 105; pid += 1) proc.add({ pid, ppid: 100, pgrp: 100, start: 600 });
    proc.children(100, [101, 102, 103, 104, 105]).lastPid(105);
    const s = source(8);
    s.sample([api]);
    expect(s.sample([api])[0]?.processes).toBe(6);
    for (let pass = 0; pass < 12; pass += 1) s.sample([api]);
    const reads = s.reader.statReads;
    const same = s.reader.sameStatReads;
    const quiet = s.unchangedPasses;
    for (let pass = 0; pass < 16; pass += 1) {
      // Another session makes processes all along: only the supervisor's children list is looked at.
      proc.add({ pid: 200 + pass, ppid: 30, pgrp: 30 }).lastPid(200 + pass);
      expect(s.sample([api])[0]).toMatchObject({ processes: 6, cpu: 0 });
    }
    expect(s.unchangedPasses - quiet).toBe(16);
    // Six sleepers read every 8 passes at most: 12 reads in 16 passes, not 96.
    expect(s.reader.statReads - reads).toBeLessThanOrEqual(12);
    expect(s.reader.sameStatReads - same).toBe(s.reader.statReads - reads);
    expect(s.reader.listings).toBe(1);
    // A sleeper that wakes is seen within 8 passes.
    proc.add({ pid: 103, ppid: 100, pgrp: 100, start: 600, utime: 30 });
    let cpu = 0;
    for (let pass = 0; pass < 8 && cpu === 0; pass += 1) {
      proc.uptime(1001 + pass);
      cpu = s.sample([api])[0]?.cpu ?? 0;
    }
    expect(cpu).toBeGreaterThan(0);
  });

  it('reads the idle processes of a big project less often, about 32 files a pass, up to every 16 passes', () => {
    proc = host();
    const pids: number[] = [];
    for (let pid = 1000; pid < 1400; pid += 1) {
      proc.add({ pid, ppid: 100, pgrp: 100, start: 600 });
      pids.push(pid);
    }
    proc.children(100, pids).lastPid(1399);
    const s = source(8);
    for (let pass = 0; pass < 40; pass += 1) s.sample([api]);
    expect(s.sample([api])[0]?.processes).toBe(401);
    const reads = s.reader.statReads;
    for (let pass = 0; pass < 64; pass += 1) s.sample([api]);
    // 401 sleepers every 13 passes (401 / 32, between 8 and 16): ~2,000 reads in 64 passes, not ~3,200.
    expect(s.reader.statReads - reads).toBeLessThanOrEqual(Math.ceil((401 * 64) / 13) + 401);
    expect(s.reader.statReads - reads).toBeGreaterThanOrEqual(Math.floor((401 * 64) / 16));
    // A sleeper that wakes is seen within 16 passes.
    proc.add({ pid: 1200, ppid: 100, pgrp: 100, start: 600, utime: 30 });
    let cpu = 0;
    for (let pass = 0; pass < 16 && cpu === 0; pass += 1) {
      proc.uptime(1001 + pass);
      cpu = s.sample([api])[0]?.cpu ?? 0;
    }
    expect(cpu).toBeGreaterThan(0);
  });

  it('reads the host again every 60 passes only if a process of the trees ran while one was created', () => {
    proc = host();
    const s = source(8);
    for (let pass = 0; pass < 125; pass += 1) {
      proc.add({ pid: 300 + pass, ppid: 30, pgrp: 30 }).lastPid(300 + pass);
      s.sample([api]);
    }
    // The host made a process every pass, the tree none: no sweep after the first listing.
    expect(s.reader.listings).toBe(1);
    // The leader ran (a fork's faults) while pids were handed out: the next 60th pass sweeps.
    proc.add(leader({ utime: 5 }));
    for (let pass = 0; pass < 70; pass += 1) {
      proc.lastPid(500 + pass);
      s.sample([api]);
    }
    expect(s.reader.listings).toBe(2);
  });
});
