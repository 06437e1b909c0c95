// biome-ignore-all lint/suspicious/noTemplateCurlyInString: a config under test holds a ${VAR} reference
import { describe, expect, it } from 'vitest';
import { parseProjectText } from '../../../src/config/load-yaml.js';
import type { ProjectSpec } from '../../../src/config/spec.js';
import { planIsEmpty, planReload, same } from '../../../src/core/reload-plan.js';

function spec(yaml: string, env: Record<string, string> = {}): ProjectSpec {
  return parseProjectText(yaml, { file: 'ovrseer.yml', dir: '/srv/shop', env });
}

const BASE = [
  'processes:',
  '  web: { command: "node web.js", env: { PORT: "3000" } }',
  '  worker: { command: "node worker.js" }',
].join('\n');

function plan(before: string, after: string, env?: Record<string, string>) {
  return planReload(spec(before, env), spec(after, env));
}

function actions(p: ReturnType<typeof planReload>): Record<string, string> {
  return Object.fromEntries(p.entries.map((entry) => [entry.name, entry.action]));
}

function entry(p: ReturnType<typeof planReload>, name: string) {
  const found = p.entries.find((e) => e.name === name);
  if (found === undefined) throw new Error(`no entry for ${name}`);
  return found;
}

describe('planReload', () => {
  it('the same file plans nothing', () => {
    const p = plan(BASE, BASE);
    expect(actions(p)).toEqual({ web: 'unchanged', worker: 'unchanged' });
    expect(planIsEmpty(p)).toBe(true);
  });

  it('a new process is added, a missing one removed (listed after the file’s own)', () => {
    const p = plan(
      BASE,
      'processes:\n  web: { command: "node web.js", env: { PORT: "3000" } }\n  mail: { command: "x" }',
    );
    expect(p.entries.map((e) => [e.name, e.action])).toEqual([
      ['web', 'unchanged'],
      ['mail', 'add'],
      ['worker', 'remove'],
    ]);
    expect(entry(p, 'worker').reason).toBe('not in the file any more');
  });

  it('a changed command restarts, with the key as the reason', () => {
    const p = plan(BASE, BASE.replace('node worker.js', 'node worker2.js'));
    expect(entry(p, 'worker')).toEqual({
      name: 'worker',
      action: 'restart',
      keys: ['command'],
      reason: 'command changed',
    });
    expect(entry(p, 'web').action).toBe('unchanged');
  });

  it('an env change restarts and names the variable, never its value', () => {
    const p = plan(BASE, BASE.replace('"3000"', '"4000"'));
    expect(entry(p, 'web')).toMatchObject({ action: 'restart', keys: ['env.PORT'] });
    expect(JSON.stringify(p)).not.toContain('4000');
  });

  it('env is compared after interpolation: a changed shell variable restarts', () => {
    const yaml = 'processes:\n  web: { command: "x", env: { URL: "${DB_URL}" } }';
    const p = planReload(spec(yaml, { DB_URL: 'a' }), spec(yaml, { DB_URL: 'b' }));
    expect(entry(p, 'web')).toMatchObject({ action: 'restart', keys: ['env.URL'] });
  });

  it('the order of env entries is no change', () => {
    const a = 'processes:\n  web: { command: "x", env: { A: "1", B: "2" } }';
    const b = 'processes:\n  web: { command: "x", env: { B: "2", A: "1" } }';
    expect(entry(plan(a, b), 'web').action).toBe('unchanged');
  });

  it.each([
    ['cwd', 'cwd: ./api', 'cwd'],
    ['shell', 'shell: /bin/bash', 'command'],
    ['type', 'type: task', 'type'],
    ['port', 'port: 4000', 'port'],
  ])('a changed %s restarts', (_, line, key) => {
    const after = `processes:\n  web:\n    command: "node web.js"\n    env: { PORT: "3000" }\n    ${line}\n  worker: { command: "node worker.js" }`;
    expect(entry(plan(BASE, after), 'web')).toMatchObject({
      action: 'restart',
      keys: expect.arrayContaining([key]),
    });
  });

  it.each([
    ['replicas', 'replicas: 3', ['replicas']],
    ['restart policy', 'restart: { policy: always }', ['restart.policy']],
    ['health probe', 'health: { http: "http://127.0.0.1:3000/" }', ['health']],
    ['readiness', 'ready: { log: "listening" }', ['ready']],
    ['memory limit', 'limits: { memory: 64MB }', ['limits.memory']],
    ['log settings', 'log: { max_size: 1MB }', ['log.max_size']],
    ['group and tags', 'group: front\n    tags: [a]', ['group', 'tags']],
    ['priority', 'priority: 9', ['priority']],
    ['stop settings', 'stop: { timeout: 1s }', ['stop.timeout']],
    ['cron', 'cron_restart: "0 4 * * *"', ['cron_restart']],
    ['disabled', 'disabled: true', ['disabled']],
  ])('%s apply in place', (_, line, keys) => {
    const after = `processes:\n  web:\n    command: "node web.js"\n    env: { PORT: "3000" }\n    ${line}\n  worker: { command: "node worker.js" }`;
    const e = entry(plan(BASE, after), 'web');
    expect(e.action).toBe('in-place');
    expect(e.keys).toEqual(keys);
    expect(e.reason).toBe(`${keys.join(', ')} changed`);
  });

  it('a restart and an in-place change together restart, listing both', () => {
    const after = BASE.replace('{ command: "node worker.js" }', '{ command: "node w.js", replicas: 2 }');
    expect(entry(plan(BASE, after), 'worker')).toEqual({
      name: 'worker',
      action: 'restart',
      keys: ['command', 'replicas'],
      reason: 'command changed',
    });
  });

  describe('depends_on restart: true', () => {
    const chain = (dbCommand: string, restartFlag: string) =>
      [
        'processes:',
        `  db: { command: "${dbCommand}" }`,
        `  api: { command: "api", depends_on: { db: { condition: started${restartFlag} } } }`,
        '  web: { command: "web", depends_on: { api: { condition: started, restart: true } } }',
        '  other: { command: "other", depends_on: { db: { condition: started } } }',
      ].join('\n');

    it('restarts the dependent, transitively, and only those that say so', () => {
      const p = plan(chain('pg', ', restart: true'), chain('pg2', ', restart: true'));
      expect(actions(p)).toEqual({ db: 'restart', api: 'restart', web: 'restart', other: 'unchanged' });
      expect(entry(p, 'api').reason).toBe('db restarts (depends_on.db.restart: true)');
      expect(entry(p, 'web').reason).toBe('api restarts (depends_on.api.restart: true)');
    });

    it('without the flag the dependent keeps running', () => {
      const p = plan(chain('pg', ''), chain('pg2', ''));
      expect(actions(p)).toEqual({ db: 'restart', api: 'unchanged', web: 'unchanged', other: 'unchanged' });
    });

    it('an in-place change of the dependent is kept in its reason', () => {
      const before = chain('pg', ', restart: true');
      const after = chain('pg2', ', restart: true').replace(
        '{ command: "api",',
        '{ command: "api", priority: 3,',
      );
      expect(entry(plan(before, after), 'api')).toMatchObject({
        action: 'restart',
        keys: ['priority'],
        reason: 'db restarts (depends_on.db.restart: true); priority changed',
      });
    });

    it('adding the flag is an in-place change of depends_on', () => {
      expect(entry(plan(chain('pg', ''), chain('pg', ', restart: true')), 'api')).toMatchObject({
        action: 'in-place',
        keys: ['depends_on'],
      });
    });
  });

  describe('settings', () => {
    it('state_dir and the API need down/up; shutdown_timeout applies now', () => {
      const after = `settings:\n  state_dir: .other\n  shutdown_timeout: 3s\n  api: { listen: "127.0.0.1:7777", token: abcdefghijklmnopqrstuvwxyz012345 }\n${BASE}`;
      const p = plan(BASE, after);
      expect(p.settings).toEqual(['settings.shutdown_timeout']);
      expect(p.needsDownUp).toEqual(
        expect.arrayContaining(['settings.state_dir', 'settings.api.listen', 'settings.api.token']),
      );
      // A process's stop timeout defaults to the shutdown timeout: it follows, in place.
      expect(entry(p, 'web')).toMatchObject({ action: 'in-place', keys: ['stop.timeout'] });
      expect(planIsEmpty(p)).toBe(false);
    });

    it('max_processes applies now; the crash report limits need down/up', () => {
      const after = `settings:\n  limits: { max_processes: 50, max_crash_reports: 5 }\n${BASE}`;
      const p = plan(BASE, after);
      expect(p.settings).toEqual(['settings.limits.max_processes']);
      expect(p.needsDownUp).toEqual(['settings.limits.max_crash_reports']);
    });

    it('a new project name needs down/up', () => {
      expect(plan(BASE, `name: other\n${BASE}`).needsDownUp).toEqual(['name']);
    });
  });
});

describe('same', () => {
  it('ignores key order and undefined members, not array order', () => {
    expect(same({ a: 1, b: [1, 2] }, { b: [1, 2], a: 1 })).toBe(true);
    expect(same({ a: 1, c: undefined }, { a: 1 })).toBe(true);
    expect(same([1, 2], [2, 1])).toBe(false);
    expect(same({ a: null }, { a: undefined })).toBe(false);
  });
});
