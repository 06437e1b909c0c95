import { describe, expect, it } from 'vitest';
import type { ProcessSpec } from '../../../src/config/spec.js';
import { resolveSelectors, selectInstances } from '../../../src/core/selectors.js';
import { OvrseerError } from '../../../src/errors.js';
import { processSpec } from './spec-builder.js';

const processes: ProcessSpec[] = [
  processSpec('db', { type: 'dependency', group: 'infra', tags: ['storage'] }),
  processSpec('cache', { type: 'dependency', group: 'infra', tags: ['storage', 'fast'] }),
  processSpec('api', { group: 'app', tags: ['backend'] }),
  processSpec('worker', { group: 'app', tags: ['backend'], replicas: 3 }),
  processSpec('migrate', { type: 'task' }),
  processSpec('teardown', { type: 'cleanup', tags: ['storage'] }),
];

const names = (selectors: string[]): string[] => resolveSelectors(processes, selectors).map((p) => p.name);

function thrown(selectors: string[], list: readonly ProcessSpec[] = processes): OvrseerError {
  try {
    resolveSelectors(list, selectors);
  } catch (error) {
    if (error instanceof OvrseerError) return error;
    throw error;
  }
  throw new Error(`expected ${selectors.join(' ')} to be rejected`);
}

describe('resolveSelectors', () => {
  it('resolves a name to its process spec', () => {
    const [api] = resolveSelectors(processes, ['api']);
    expect(api).toBe(processes[2]);
  });

  it('resolves a replica name.N to its process', () => {
    expect(names(['worker.1'])).toEqual(['worker']);
    expect(names(['worker.3'])).toEqual(['worker']);
  });

  it('rejects replica numbers outside 1..replicas, and replicas of single-instance processes beyond 1', () => {
    expect(thrown(['worker.4']).code).toBe('OVRSEER_UNKNOWN_PROCESS');
    expect(thrown(['worker.0']).code).toBe('OVRSEER_UNKNOWN_PROCESS');
    expect(thrown(['api.2']).code).toBe('OVRSEER_UNKNOWN_PROCESS');
    expect(names(['api.1'])).toEqual(['api']);
  });

  it('prefers a process whose name looks like a replica id', () => {
    const list = [processSpec('node'), processSpec('node.2')];
    expect(resolveSelectors(list, ['node.2']).map((p) => p.name)).toEqual(['node.2']);
  });

  it('resolves group:G to every process of the group', () => {
    expect(names(['group:infra'])).toEqual(['db', 'cache']);
    expect(names(['group:app'])).toEqual(['api', 'worker']);
  });

  it('resolves tag:T to every process with the tag, cleanup included', () => {
    expect(names(['tag:storage'])).toEqual(['db', 'cache', 'teardown']);
    expect(names(['tag:fast'])).toEqual(['cache']);
  });

  it('resolves all to every process except cleanup ones', () => {
    expect(names(['all'])).toEqual(['db', 'cache', 'api', 'worker', 'migrate']);
  });

  it('still lets a cleanup process be named explicitly', () => {
    expect(names(['teardown'])).toEqual(['teardown']);
  });

  it('returns each process once, in config order, whatever the selector order', () => {
    expect(names(['migrate', 'api', 'group:app', 'worker.2', 'db', 'api'])).toEqual([
      'db',
      'api',
      'worker',
      'migrate',
    ]);
  });

  it('returns nothing for no selectors', () => {
    expect(resolveSelectors(processes, [])).toEqual([]);
  });

  describe('errors', () => {
    it('rejects an unknown name with OVRSEER_UNKNOWN_PROCESS, a did-you-mean and the known names', () => {
      const error = thrown(['wroker']);
      expect(error.code).toBe('OVRSEER_UNKNOWN_PROCESS');
      expect(error.message).toBe(
        'unknown process "wroker" (did you mean "worker"?); known processes: db, cache, api, worker, migrate, teardown',
      );
    });

    it('leaves out the did-you-mean when nothing is close', () => {
      const error = thrown(['zzzzzzzz']);
      expect(error.code).toBe('OVRSEER_UNKNOWN_PROCESS');
      expect(error.message).not.toContain('did you mean');
      expect(error.message).toContain('unknown process "zzzzzzzz"');
      expect(error.message).toContain('known processes: db, cache, api');
    });

    it('suggests the process for a mistyped replica name', () => {
      expect(thrown(['worker.9']).message).toContain('unknown process "worker.9"');
    });

    it('fails the whole call when any selector is unknown', () => {
      expect(() => resolveSelectors(processes, ['api', 'nope'])).toThrow(OvrseerError);
    });

    it('rejects an empty group, naming the groups that exist', () => {
      const error = thrown(['group:web']);
      expect(error.code).toBe('OVRSEER_UNKNOWN_PROCESS');
      expect(error.message).toBe('no process is in group "web"; known groups: infra, app');
    });

    it('rejects an unused tag, naming the tags that exist', () => {
      const error = thrown(['tag:frontend']);
      expect(error.code).toBe('OVRSEER_UNKNOWN_PROCESS');
      expect(error.message).toBe('no process has tag "frontend"; known tags: storage, fast, backend');
    });

    it('says so when no groups or tags are configured at all', () => {
      const plain = [processSpec('a'), processSpec('b')];
      expect(thrown(['group:x'], plain).message).toBe('no process is in group "x"; no groups are configured');
      expect(thrown(['tag:x'], plain).message).toBe('no process has tag "x"; no tags are configured');
    });
  });
});

describe('selectInstances (the instances a running project has now)', () => {
  const specs: ProcessSpec[] = [
    processSpec('web', { group: 'front', tags: ['http'] }),
    processSpec('echo'),
    processSpec('teardown', { type: 'cleanup' }),
  ];
  // `web` has one replica in the config and was scaled to 3; `echo` runs its single instance.
  const scaled = [
    { id: 'web.1', name: 'web' },
    { id: 'web.2', name: 'web' },
    { id: 'web.3', name: 'web' },
    { id: 'echo', name: 'echo' },
    { id: 'teardown', name: 'teardown' },
  ];
  const ids = (selectors: string[], instances = scaled): string[] =>
    selectInstances(specs, instances, selectors).map((instance) => instance.id);

  it('finds a replica the scaling added, whatever the config says', () => {
    expect(ids(['web.3'])).toEqual(['web.3']);
    expect(ids(['web.2', 'echo'])).toEqual(['web.2', 'echo']);
  });

  it('takes a name for every instance it has now', () => {
    expect(ids(['web'])).toEqual(['web.1', 'web.2', 'web.3']);
    expect(ids(['web'], [{ id: 'echo', name: 'echo' }])).toEqual([]);
  });

  it('takes name.1 for the single instance of a one-instance process', () => {
    expect(ids(['echo.1'])).toEqual(['echo']);
  });

  it('resolves group:, tag: and all to instances, in instance order, each once', () => {
    expect(ids(['group:front'])).toEqual(['web.1', 'web.2', 'web.3']);
    expect(ids(['tag:http', 'web.2'])).toEqual(['web.1', 'web.2', 'web.3']);
    expect(ids(['echo', 'all'])).toEqual(['web.1', 'web.2', 'web.3', 'echo']);
  });

  it('rejects a replica that does not exist, listing those that do', () => {
    expect(() => ids(['web.4'])).toThrow(
      'unknown process "web.4"; web has 3 instances now: web.1, web.2, web.3',
    );
    expect(() => ids(['web.0'])).toThrow(expect.objectContaining({ code: 'OVRSEER_UNKNOWN_PROCESS' }));
    expect(() => ids(['echo.2'])).toThrow('unknown process "echo.2"; echo has 1 instance now: echo');
    expect(() => ids(['web.1'], [{ id: 'echo', name: 'echo' }])).toThrow(
      'unknown process "web.1"; web has no instances now (scaled to 0)',
    );
  });

  it('rejects an unknown name as resolveSelectors does', () => {
    expect(() => ids(['webb'])).toThrow(
      /unknown process "webb" \(did you mean "web"\?\); known processes: web/,
    );
    expect(() => ids(['group:none'])).toThrow('no process is in group "none"; known groups: front');
  });
});
