import { afterEach, describe, expect, it } from 'vitest';
import { markerInEnviron, NO_OWNER, TreeAttributor, type TreeRoot } from '../../../src/metrics/tree.js';
import { ProcReader } from '../../../src/os/proc.js';
import { ProcTable } from '../../../src/os/proc-table.js';
import { FakeProc, markedEnv, PROJECT_ID } from './fake-proc.js';

let proc: FakeProc;
afterEach(() => proc.cleanup());

const roots: TreeRoot[] = [
  { pid: 100, marker: 'shop/api/1' },
  { pid: 200, marker: 'shop/worker/1' },
];

/** The owner (root index) of each pid after one pass. */
function owners(attributor: TreeAttributor, table: ProcTable): Record<number, number> {
  attributor.read(table, roots, -1);
  const owner = attributor.attribute(table, roots);
  const result: Record<number, number> = {};
  for (let row = 0; row < table.size; row += 1) result[table.pid[row] ?? 0] = owner[row] ?? NO_OWNER;
  return result;
}

function machine(): FakeProc {
  return new FakeProc()
    .add({ pid: 1, ppid: 0, comm: 'init' })
    .add({ pid: 2, ppid: 0, comm: 'kthreadd' })
    .add({ pid: 3, ppid: 2, comm: 'kworker/0:1' })
    .add({ pid: 50, ppid: 1, comm: 'sshd' })
    .add({ pid: 100, ppid: 1, comm: 'sh', env: markedEnv('shop/api/1') })
    .add({ pid: 101, ppid: 100, pgrp: 100, comm: 'node server.js', env: markedEnv('shop/api/1') })
    .add({ pid: 102, ppid: 101, pgrp: 100, comm: 'esbuild', env: markedEnv('shop/api/1') })
    .add({ pid: 200, ppid: 1, comm: 'worker', env: markedEnv('shop/worker/1') });
}

describe('TreeAttributor', () => {
  it('attributes the leader and its descendants by ancestry', () => {
    proc = machine();
    const attributor = new TreeAttributor(new ProcReader(proc.root), PROJECT_ID);
    const result = owners(attributor, new ProcTable());
    expect(result[100]).toBe(0);
    expect(result[101]).toBe(0);
    expect(result[102]).toBe(0);
    expect(result[200]).toBe(1);
    // Not ours (and read once: they become foreign, so their stat is not read again).
    expect(result[1]).toBe(NO_OWNER);
    expect(result[50]).toBe(NO_OWNER);
  });

  it('attributes a reparented group member by its process group', () => {
    proc = machine().add({ pid: 110, ppid: 1, pgrp: 100, comm: 'orphan', env: { PATH: '/bin' } });
    const attributor = new TreeAttributor(new ProcReader(proc.root), PROJECT_ID);
    expect(owners(attributor, new ProcTable())[110]).toBe(0);
  });

  it('attributes a setsid escapee by its marker, and its children by ancestry', () => {
    proc = machine()
      .add({ pid: 120, ppid: 1, pgrp: 120, comm: 'daemon', env: markedEnv('shop/worker/1') })
      .add({ pid: 121, ppid: 120, pgrp: 120, comm: 'daemon child', env: { PATH: '/bin' } });
    const attributor = new TreeAttributor(new ProcReader(proc.root), PROJECT_ID);
    const result = owners(attributor, new ProcTable());
    expect(result[120]).toBe(1);
    expect(result[121]).toBe(NO_OWNER); // no marker, not in a tree: nothing says it is ours
  });

  it('ignores markers of another project, and of the supervisor’s own helpers (probes)', () => {
    proc = machine()
      .add({ pid: 130, ppid: 1, pgrp: 130, env: markedEnv('shop/api/1', 'another-project') })
      .add({ pid: 131, ppid: 1, pgrp: 131, env: markedEnv('shop/api/1/probe') });
    const attributor = new TreeAttributor(new ProcReader(proc.root), PROJECT_ID);
    const result = owners(attributor, new ProcTable());
    expect(result[130]).toBe(NO_OWNER);
    expect(result[131]).toBe(NO_OWNER);
  });

  it('reads each environment once, and stops reading foreign processes at all', () => {
    proc = machine().add({ pid: 120, ppid: 1, pgrp: 120, env: markedEnv('shop/worker/1') });
    const attributor = new TreeAttributor(new ProcReader(proc.root), PROJECT_ID);
    const table = new ProcTable();
    owners(attributor, table);
    // sshd and the escapee: init and kernel threads are never read, the trees need no marker.
    expect(attributor.environReads).toBe(2);
    expect(table.size).toBe(9);
    owners(attributor, table);
    expect(attributor.environReads).toBe(2);
    // Foreign pids (1, 2, 3, 50) are no longer read; ours and the escapee are.
    expect([...table.rowOf.keys()].sort((a, b) => a - b)).toEqual([100, 101, 102, 120, 200]);
  });

  it('a foreign pid that ends is forgotten; a new process with its pid is read again', () => {
    proc = machine();
    const attributor = new TreeAttributor(new ProcReader(proc.root), PROJECT_ID);
    const table = new ProcTable();
    owners(attributor, table);
    expect(attributor.foreign.has(50)).toBe(true);
    proc.remove(50);
    owners(attributor, table);
    expect(attributor.foreign.has(50)).toBe(false);
    proc.add({ pid: 50, ppid: 101, pgrp: 100, start: 5000, env: markedEnv('shop/api/1') });
    expect(owners(attributor, table)[50]).toBe(0);
  });

  it('a leader whose pid was foreign a moment ago is read (pid reuse)', () => {
    proc = machine().add({ pid: 300, ppid: 1, env: { PATH: '/bin' } });
    const attributor = new TreeAttributor(new ProcReader(proc.root), PROJECT_ID);
    const table = new ProcTable();
    owners(attributor, table);
    proc.add({ pid: 300, ppid: 1, start: 9000, env: markedEnv('shop/db/1') });
    const withDb = [...roots, { pid: 300, marker: 'shop/db/1' }];
    attributor.read(table, withDb, -1);
    const owner = attributor.attribute(table, withDb);
    expect(owner[table.rowOf.get(300) ?? -1]).toBe(2);
  });

  it('a child in the same session as a foreign parent is foreign without reading its environment', () => {
    proc = machine().add({ pid: 400, ppid: 1, pgrp: 400, session: 400, comm: 'bash' });
    const attributor = new TreeAttributor(new ProcReader(proc.root), PROJECT_ID);
    const table = new ProcTable();
    owners(attributor, table);
    const reads = attributor.environReads;
    proc
      .add({ pid: 401, ppid: 400, pgrp: 401, session: 400, comm: 'make' })
      // Double-forked from a tree of ours between two passes: its parent is now a subreaper (400).
      .add({ pid: 402, ppid: 400, pgrp: 402, session: 402, env: markedEnv('shop/api/1') });
    const result = owners(attributor, table);
    expect(result[401]).toBe(NO_OWNER);
    expect(result[402]).toBe(0);
    expect(attributor.environReads - reads).toBe(1);
  });

  it('zombies belong to nobody', () => {
    proc = machine().add({ pid: 140, ppid: 1, pgrp: 140, state: 'Z', env: markedEnv('shop/api/1') });
    const attributor = new TreeAttributor(new ProcReader(proc.root), PROJECT_ID);
    expect(owners(attributor, new ProcTable())[140]).toBe(NO_OWNER);
  });
});

describe('markerInEnviron', () => {
  it('needs the project id and returns the marker', () => {
    const env = (vars: Record<string, string>) =>
      Buffer.from(
        Object.entries(vars)
          .map(([k, v]) => `${k}=${v}\0`)
          .join(''),
      );
    expect(markerInEnviron(env(markedEnv('shop/api/2')), PROJECT_ID)).toBe('shop/api/2');
    expect(markerInEnviron(env(markedEnv('shop/api/2', 'other')), PROJECT_ID)).toBeNull();
    expect(markerInEnviron(env({ OVRSEER_PROJECT_ID: PROJECT_ID }), PROJECT_ID)).toBeNull();
  });
});
