import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkAdoptable } from '../../../../src/core/adopt/adoptable.js';
import { findAdoptTarget } from '../../../../src/core/adopt/find-target.js';
import { ProcReader } from '../../../../src/os/proc.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ovrseer-adopt-'));
  dirs.push(dir);
  return dir;
}

/** A folder laid out like /proc, with the processes given (stat, cmdline, environ). */
function fakeProc(
  processes: Array<{
    pid: number;
    ppid?: number;
    pgrp?: number;
    argv: string[];
    env?: string[];
    state?: string;
  }>,
): string {
  const root = tempDir();
  for (const p of processes) {
    const dir = join(root, String(p.pid));
    mkdirSync(dir);
    const rest = Array.from({ length: 30 }, () => '0');
    // Fields 4…: ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime cutime cstime prio nice threads itreal starttime
    const fields = [
      p.ppid ?? 1,
      p.pgrp ?? p.pid,
      p.pid,
      0,
      -1,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      20,
      0,
      1,
      0,
      777,
      ...rest,
    ];
    writeFileSync(join(dir, 'stat'), `${p.pid} (${p.argv[0]}) ${p.state ?? 'S'} ${fields.join(' ')}\n`);
    writeFileSync(join(dir, 'cmdline'), `${p.argv.join('\0')}\0`);
    writeFileSync(join(dir, 'environ'), `${(p.env ?? []).join('\0')}\0`);
  }
  return root;
}

const uid = process.getuid?.() ?? 0;
const SELF = 10;

describe('findAdoptTarget: what `adopt:` points at on up', () => {
  it('a pidfile that is missing, empty or names a dead pid means spawn; garbage is an error', () => {
    const dir = tempDir();
    expect(findAdoptTarget({ pidfile: join(dir, 'none.pid') }, { projectId: 'p' })).toEqual({
      pid: null,
      why: `pidfile ${join(dir, 'none.pid')} does not exist`,
    });
    writeFileSync(join(dir, 'empty.pid'), '\n');
    expect(findAdoptTarget({ pidfile: join(dir, 'empty.pid') }, { projectId: 'p' }).pid).toBeNull();
    writeFileSync(join(dir, 'dead.pid'), '4194001\n');
    expect(findAdoptTarget({ pidfile: join(dir, 'dead.pid') }, { projectId: 'p' })).toMatchObject({
      pid: null,
      why: expect.stringContaining('is not running'),
    });
    writeFileSync(join(dir, 'live.pid'), `${process.pid}\n`);
    expect(findAdoptTarget({ pidfile: join(dir, 'live.pid') }, { projectId: 'p' }).pid).toBe(process.pid);
    writeFileSync(join(dir, 'bad.pid'), 'hello');
    expect(() => findAdoptTarget({ pidfile: join(dir, 'bad.pid') }, { projectId: 'p' })).toThrow(
      expect.objectContaining({
        code: 'OVRSEER_ADOPT_NO_PROCESS',
        message: expect.stringContaining('not a process id'),
      }),
    );
  });

  it('a regex over argv: exactly one match is adopted; ours, our parents and zombies never match; two is an error', () => {
    const procRoot = fakeProc([
      { pid: 1, argv: ['init'] },
      { pid: 5, argv: ['sh', '-c', 'run sleep 1000'] }, // the supervisor's parent
      { pid: SELF, ppid: 5, argv: ['node', 'ovrseer', 'up'] },
      { pid: 20, argv: ['sleep', '1000'] },
      { pid: 21, argv: ['sleep', '1000'], env: ['OVRSEER_PROJECT_ID=p'] }, // one of ours
      { pid: 22, argv: ['sleep', '1000'], state: 'Z' },
      { pid: 30, argv: ['redis-server', '*:6379'] },
    ]);
    const options = { projectId: 'p', procRoot, selfPid: SELF, uid };
    expect(findAdoptTarget({ match: 'sleep 1000' }, options)).toEqual({ pid: 20, from: 'argv "sleep 1000"' });
    expect(findAdoptTarget({ match: '^postgres' }, options)).toEqual({
      pid: null,
      why: `no process of uid ${uid} matches "^postgres"`,
    });
    const two = fakeProc([
      { pid: SELF, argv: ['node'] },
      { pid: 40, argv: ['worker', '--queue=a'] },
      { pid: 41, argv: ['worker', '--queue=b'] },
    ]);
    expect(() => findAdoptTarget({ match: '^worker' }, { ...options, procRoot: two })).toThrow(
      expect.objectContaining({
        code: 'OVRSEER_ADOPT_AMBIGUOUS',
        message: expect.stringContaining('matches 2 processes: 40 (worker --queue=a), 41 (worker --queue=b)'),
      }),
    );
  });
});

describe('checkAdoptable: clear errors with codes', () => {
  const base = { projectId: 'p', isManaged: () => false };

  it('no such pid; the supervisor itself; a pid an instance runs as', () => {
    expect(() => checkAdoptable(4194002, base)).toThrow(
      expect.objectContaining({ code: 'OVRSEER_ADOPT_NO_PROCESS' }),
    );
    expect(() => checkAdoptable(process.pid, base)).toThrow(
      expect.objectContaining({ code: 'OVRSEER_ADOPT_OURS' }),
    );
    expect(() => checkAdoptable(1, base)).toThrow(expect.objectContaining({ code: 'OVRSEER_USAGE' }));
    const procRoot = fakeProc([
      { pid: SELF, argv: ['node'] },
      { pid: 50, argv: ['sleep'] },
    ]);
    const reader = new ProcReader(procRoot);
    const options = { ...base, reader, selfPid: SELF, kill: () => undefined };
    expect(() => checkAdoptable(50, { ...options, isManaged: (pid) => pid === 50 })).toThrow(
      expect.objectContaining({ code: 'OVRSEER_ADOPT_OURS' }),
    );
    expect(checkAdoptable(50, options)).toEqual({ pid: 50, startTime: 777, leadsGroup: true });
  });

  it("another user's process (EPERM) says which user ovrseer runs as", () => {
    const eperm = Object.assign(new Error('kill EPERM'), { code: 'EPERM' });
    const procRoot = fakeProc([{ pid: SELF, argv: ['node'] }]);
    expect(() =>
      checkAdoptable(60, {
        ...base,
        reader: new ProcReader(procRoot),
        selfPid: SELF,
        kill: () => {
          throw eperm;
        },
      }),
    ).toThrow(
      expect.objectContaining({
        code: 'OVRSEER_ADOPT_FORBIDDEN',
        message: expect.stringContaining('another user'),
      }),
    );
  });

  it('a process in a group it does not lead is signalled alone', () => {
    const procRoot = fakeProc([
      { pid: SELF, argv: ['node'] },
      { pid: 70, pgrp: 69, argv: ['sleep'] },
    ]);
    const reader = new ProcReader(procRoot);
    expect(checkAdoptable(70, { ...base, reader, selfPid: SELF, kill: () => undefined }).leadsGroup).toBe(
      false,
    );
  });
});
