import { describe, expect, it } from 'vitest';
import { loadProject } from '../../../src/config/load.js';
import { osLimitProblem, osLimitWarnings, prlimitFlags, withOsLimits } from '../../../src/core/os-limits.js';
import { parseProcLimits, type RlimitCeiling } from '../../../src/os/rlimits.js';
import { tempProject } from '../../helpers/project.js';
import { processSpec } from './spec-builder.js';

const LIMITS = `Limit                     Soft Limit           Hard Limit           Units
Max cpu time              unlimited            unlimited            seconds
Max core file size        0                    unlimited            bytes
Max processes             96363                96363                processes
Max open files            20000                20000                files
`;

const unprivileged: RlimitCeiling = { own: parseProcLimits(LIMITS), privileged: false, nrOpen: 1_048_576 };

function load(limits: string) {
  const project = tempProject(`processes:\n  api:\n    command: sleep 100\n    limits: ${limits}\n`);
  try {
    return loadProject({ file: project.file });
  } finally {
    project.remove();
  }
}

describe('limits: in the config', () => {
  it('accepts numbers, sizes, "unlimited" and {soft, hard}', () => {
    const spec = load(
      '{ memory: 512MB, nofile: 4096, core: unlimited, stack: 8MB, cpu_seconds: { soft: 10, hard: 20 } }',
    );
    expect(spec.processes[0]?.limits.os).toEqual([
      { key: 'nofile', resource: 'nofile', soft: 4096, hard: 4096 },
      { key: 'core', resource: 'core', soft: null, hard: null },
      { key: 'cpu_seconds', resource: 'cpu', soft: 10, hard: 20 },
      { key: 'stack', resource: 'stack', soft: 8 * 1024 * 1024, hard: 8 * 1024 * 1024 },
    ]);
    expect(spec.processes[0]?.limits.memory).toBe(512 * 1024 * 1024);
  });

  it('rejects a soft limit above the hard one and values that are not limits, naming the key', () => {
    expect(() => load('{ nofile: { soft: 200, hard: 100 } }')).toThrow(
      /processes\.api\.limits\.nofile.*soft limit must not be above the hard limit/s,
    );
    expect(() => load('{ nproc: -1 }')).toThrow(/limits\.nproc/);
    expect(() => load('{ nofiles: 10 }')).toThrow(/nofiles/);
  });
});

describe('prlimit argv', () => {
  it('gives soft:hard per limit, unlimited for none, then -- and the program', () => {
    const limits = [
      { key: 'nofile', resource: 'nofile' as const, soft: 1024, hard: 4096 },
      { key: 'core', resource: 'core' as const, soft: null, hard: null },
    ];
    expect(prlimitFlags(limits)).toEqual(['--nofile=1024:4096', '--core=unlimited:unlimited']);
    expect(
      withOsLimits(['/bin/sh', '-c', 'echo hi'], limits, { PATH: '/usr/bin:/bin' }, '/', {
        prlimit: '/usr/bin/prlimit',
        ceiling: { ...unprivileged, privileged: true },
      }),
    ).toEqual({
      ok: true,
      argv: [
        '/usr/bin/prlimit',
        '--nofile=1024:4096',
        '--core=unlimited:unlimited',
        '--',
        '/bin/sh',
        '-c',
        'echo hi',
      ],
    });
  });

  it('without limits, the argv is the program itself', () => {
    expect(withOsLimits(['sleep', '1'], [], {}, '/', { prlimit: null })).toEqual({
      ok: true,
      argv: ['sleep', '1'],
    });
  });

  it('says what is missing: prlimit, or the program', () => {
    const nofile = [{ key: 'nofile', resource: 'nofile' as const, soft: 10, hard: 10 }];
    expect(withOsLimits(['sleep', '1'], nofile, {}, '/', { prlimit: null, ceiling: unprivileged })).toEqual({
      ok: false,
      reason:
        'limits.nofile needs prlimit (util-linux), which is not installed: install util-linux, or remove nofile from limits',
    });
    expect(
      withOsLimits(['no-such-program-here'], nofile, { PATH: '/usr/bin' }, '/', {
        prlimit: '/usr/bin/prlimit',
        ceiling: unprivileged,
      }),
    ).toEqual({ ok: false, reason: 'command not found: no-such-program-here' });
  });
});

describe('limits that cannot be applied', () => {
  it('a hard limit above the supervisor own needs privilege, and names the maximum', () => {
    const raise = [{ key: 'nofile', resource: 'nofile' as const, soft: 1000, hard: 30_000 }];
    expect(osLimitProblem(raise, unprivileged)).toBe(
      "limits.nofile: hard limit 30000 is above ovrseer's own (20000), and raising it needs root (CAP_SYS_RESOURCE); the maximum is 20000",
    );
    expect(osLimitProblem(raise, { ...unprivileged, privileged: true })).toBeNull();
    // Lowering, and resources whose own hard limit is unlimited, are always allowed.
    expect(
      osLimitProblem([{ key: 'nofile', resource: 'nofile', soft: 100, hard: 100 }], unprivileged),
    ).toBeNull();
    expect(
      osLimitProblem([{ key: 'core', resource: 'core', soft: null, hard: null }], unprivileged),
    ).toBeNull();
  });

  it('nofile above fs.nr_open fails for everyone, unlimited included', () => {
    const root = { ...unprivileged, privileged: true };
    expect(osLimitProblem([{ key: 'nofile', resource: 'nofile', soft: null, hard: null }], root)).toBe(
      "limits.nofile: unlimited is above the kernel's maximum of open files (fs.nr_open = 1048576); the maximum is 1048576",
    );
  });

  it('validate warns up front, per process', () => {
    const api = processSpec('api', {
      limits: {
        memory: null,
        cpu: null,
        cpuAction: 'warn',
        os: [{ key: 'nproc', resource: 'nproc', soft: 1, hard: 200_000 }],
      },
    });
    expect(
      osLimitWarnings([api, processSpec('web')], { prlimit: '/usr/bin/prlimit', ceiling: unprivileged }),
    ).toEqual([
      "processes.api.limits.nproc: hard limit 200000 is above ovrseer's own (96363), and raising it needs root (CAP_SYS_RESOURCE); the maximum is 96363 (it will fail to start)",
    ]);
  });
});

describe('parseProcLimits', () => {
  it('reads soft and hard, unlimited as null', () => {
    const limits = parseProcLimits(LIMITS);
    expect(limits.get('nofile')).toEqual({ soft: 20000, hard: 20000 });
    expect(limits.get('core')).toEqual({ soft: 0, hard: null });
    expect(limits.get('cpu')).toEqual({ soft: null, hard: null });
  });
});
