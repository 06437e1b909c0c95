import { describe, expect, it } from 'vitest';
import { PS_ARGS, PsTreeSource, parseCpuTime, parsePsTable } from '../../../src/metrics/ps-source.js';
import { ProcTable } from '../../../src/os/proc-table.js';

describe('parseCpuTime', () => {
  it('reads the formats of procps, macOS and the BSDs', () => {
    expect(parseCpuTime('00:00:07')).toBe(7);
    expect(parseCpuTime('01:02:03')).toBe(3723);
    expect(parseCpuTime('2-00:00:01')).toBe(2 * 86_400 + 1);
    expect(parseCpuTime('0:01.50')).toBeCloseTo(1.5);
    expect(parseCpuTime('12:34.56')).toBeCloseTo(754.56);
    expect(parseCpuTime('garbage')).toBeNaN();
  });
});

describe('parsePsTable', () => {
  it('fills the table, skipping headers, blank lines and the supervisor', () => {
    const table = new ProcTable();
    parsePsTable(
      '  PID  PPID  PGID   RSS TIME\n  100     1   100  2048 0:01.00\n  101   100   100  1024 00:00:02\n    7     1     7    10 0:00.00\n\n',
      table,
      7,
    );
    expect([...table.rowOf.keys()]).toEqual([100, 101]);
    expect(table.ticks[table.rowOf.get(101) ?? -1]).toBe(200);
    expect(table.rssPages[table.rowOf.get(100) ?? -1]).toBe(2048);
  });
});

describe('PsTreeSource', () => {
  it('sums the tree from one ps call per pass; CPU from the time deltas; first sample null', async () => {
    const outputs = [
      '100 1 100 10240 0:01.00\n101 100 100 20480 0:02.00\n200 1 200 512 0:00.00\n',
      '100 1 100 10240 0:01.50\n101 100 100 20480 0:02.50\n200 1 200 512 0:00.00\n',
    ];
    const calls: (readonly string[])[] = [];
    const source = new PsTreeSource({
      projectId: 'p1',
      selfPid: -1,
      run: (args) => {
        calls.push(args);
        return Promise.resolve(outputs[calls.length - 1] ?? '');
      },
    });
    const roots = [{ pid: 100, marker: 'shop/api/1' }];
    const [first] = await source.sample(roots);
    expect(first).toEqual({ cpu: null, memory: 30720 * 1024, processes: 2, fds: null, ports: [] });
    await new Promise((resolve) => setTimeout(resolve, 200));
    const [second] = await source.sample(roots);
    // 1 s of CPU over ~0.2 s of wall time: a busy tree, far over 100 %.
    expect(second?.cpu ?? 0).toBeGreaterThan(200);
    expect(calls).toEqual([PS_ARGS, PS_ARGS]);
  });

  it('works with the real ps of this machine', async () => {
    const source = new PsTreeSource({ projectId: 'p1', selfPid: -1 });
    const [figures] = await source.sample([{ pid: process.pid, marker: 'x/y/1' }]);
    expect(figures?.processes ?? 0).toBeGreaterThanOrEqual(1);
    expect(figures?.memory ?? 0).toBeGreaterThan(10 * 1024 * 1024);
  });
});
