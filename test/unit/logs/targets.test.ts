import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resolveLogTargets } from '../../../src/logs/targets.js';
import { processSpec } from '../core/spec-builder.js';

let dir = '';
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ovrseer-targets-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('resolveLogTargets', () => {
  const project = () => ({
    processes: [
      processSpec('api', { group: 'web' }),
      processSpec('worker', { replicas: 2, tags: ['jobs'] }),
      processSpec('db'),
    ],
  });

  it('reads every process when nothing is named', () => {
    expect(resolveLogTargets(project().processes, [], dir)).toEqual({
      names: ['api', 'worker', 'db'],
      processes: undefined,
    });
  });

  it('resolves names, replicas, groups and tags', () => {
    const processes = project().processes;
    expect(resolveLogTargets(processes, ['worker.2'], dir)).toEqual({
      names: ['worker'],
      processes: ['worker.2'],
    });
    expect(resolveLogTargets(processes, ['group:web', 'tag:jobs'], dir)).toEqual({
      names: ['api', 'worker'],
      processes: ['api', 'worker'],
    });
    expect(resolveLogTargets(processes, ['db', 'api'], dir).names).toEqual(['db', 'api']);
  });

  it('accepts a name no longer in the config while its log file exists; otherwise suggests', () => {
    const processes = project().processes;
    writeFileSync(join(dir, 'old.log'), '');
    expect(resolveLogTargets(processes, ['old'], dir)).toEqual({ names: ['old'], processes: ['old'] });
    expect(() => resolveLogTargets(processes, ['wroker'], dir)).toThrow(/did you mean "worker"/);
    expect(() => resolveLogTargets(processes, ['worker.3'], dir)).toThrow(
      expect.objectContaining({ code: 'OVRSEER_UNKNOWN_PROCESS' }),
    );
  });
});

describe('resolveLogTargets against a running supervisor', () => {
  const processes = [processSpec('web'), processSpec('echo')];
  const live = [
    { id: 'web.1', name: 'web' },
    { id: 'web.2', name: 'web' },
    { id: 'web.3', name: 'web' },
    { id: 'echo', name: 'echo' },
  ];

  it('checks a replica against the instances that run, not the config', () => {
    expect(resolveLogTargets(processes, ['web.3'], dir, live)).toEqual({
      names: ['web'],
      processes: ['web.3'],
    });
    expect(() => resolveLogTargets(processes, ['web.3'], dir)).toThrow(/unknown process "web.3"/);
    expect(() => resolveLogTargets(processes, ['web.4'], dir, live)).toThrow(
      'unknown process "web.4"; web has 3 instances now: web.1, web.2, web.3',
    );
  });

  it('reads name.1 of a one-instance process as that process, with or without a supervisor', () => {
    expect(resolveLogTargets(processes, ['echo.1'], dir, live)).toEqual({
      names: ['echo'],
      processes: ['echo'],
    });
    expect(resolveLogTargets(processes, ['echo.1'], dir)).toEqual({ names: ['echo'], processes: ['echo'] });
  });
});
