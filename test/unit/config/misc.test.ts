import { describe, expect, it } from 'vitest';
import { projectJsonSchema } from '../../../src/config/json-schema.js';
import type { ProjectSpec } from '../../../src/config/spec.js';
import { closest, didYouMean } from '../../../src/config/suggest.js';
import { summarizeProject } from '../../../src/config/summary.js';
import { resolveUser, type UserDb } from '../../../src/config/user.js';
import { parse } from './helpers.js';

describe('projectJsonSchema', () => {
  const schema = projectJsonSchema() as {
    type: string;
    required: string[];
    additionalProperties: boolean;
    properties: Record<string, { additionalProperties?: unknown; properties?: Record<string, unknown> }>;
  };

  it('describes the canonical form, strictly', () => {
    expect(schema.type).toBe('object');
    expect(schema.required).toEqual(['processes']);
    expect(schema.additionalProperties).toBe(false);
    expect(Object.keys(schema.properties)).toEqual([
      'version',
      'name',
      'env_file',
      'env',
      'env_override',
      'settings',
      'plugins',
      'exit',
      'environments',
      'processes',
    ]);
  });

  it('describes what users write: durations as number or string, every process key', () => {
    const process = (schema.properties.processes?.additionalProperties ?? {}) as {
      properties: Record<string, unknown>;
      required: string[];
    };
    expect(process.required).toEqual(['command']);
    expect(Object.keys(process.properties)).toContain('cron_restart');
    expect(Object.keys(process.properties)).toContain('depends_on');
    const shutdown = JSON.stringify(schema.properties.settings?.properties?.shutdown_timeout);
    expect(shutdown).toContain('"number"');
    expect(shutdown).toContain('"string"');
  });

  it('is plain JSON', () => {
    expect(JSON.parse(JSON.stringify(schema))).toEqual(schema);
  });
});

describe('summarizeProject', () => {
  it('counts processes by type, in a fixed order', () => {
    const spec = parse(
      'name: shop\nprocesses:\n  c: { command: x, type: cleanup }\n  a: { command: x }\n  d: { command: x, type: dependency }\n  b: { command: x, type: main }\n',
    );
    expect(summarizeProject({ ...spec, file: '/srv/shop/ovrseer.yml' })).toBe(
      'shop: 4 processes (1 dependency, 2 services, 1 cleanup) from ovrseer.yml',
    );
  });

  it('singular forms, tasks, replicas, and a spec built in code', () => {
    const spec = parse('processes:\n  w: { command: x, replicas: 4 }\n  m: { command: x, type: task }\n');
    const inCode: ProjectSpec = { ...spec, file: null };
    expect(summarizeProject(inCode)).toBe('shop: 2 processes (1 service, 1 task, 5 instances)');
    const one = parse('processes:\n  d: { command: x, type: dependency }\n');
    expect(summarizeProject({ ...one, file: null })).toBe('shop: 1 process (1 dependency)');
  });
});

describe('resolveUser', () => {
  const db: UserDb = {
    passwd: 'root:x:0:0:root:/root:/bin/bash\n# comment\ndeploy:x:1001:1002::/home/deploy:/bin/sh\n',
    group: 'root:x:0:\nstaff:x:50:deploy\n',
  };

  it.each([
    ['deploy', { uid: 1001, gid: 1002 }],
    ['1001', { uid: 1001, gid: 1002 }],
    [1001, { uid: 1001, gid: 1002 }],
    ['deploy:staff', { uid: 1001, gid: 50 }],
    ['deploy:7', { uid: 1001, gid: 7 }],
    ['4242:4242', { uid: 4242, gid: 4242 }],
    ['0', { uid: 0, gid: 0 }],
  ] as const)('%j → %j', (spec, ids) => {
    expect(resolveUser(spec, db)).toEqual({ ok: true, value: ids });
  });

  it.each([
    ['nobody-here', 'unknown user "nobody-here" (not in /etc/passwd)'],
    ['deploy:nogroup', 'unknown group "nogroup" (not in /etc/group)'],
    ['4242', 'uid 4242 has no entry in /etc/passwd; give its group too, as "4242:GID"'],
    ['a:b:c', 'expected a user such as "www-data", "1000", "1000:1000" or "deploy:staff", got "a:b:c"'],
    [':5', 'expected a user such as "www-data", "1000", "1000:1000" or "deploy:staff", got ":5"'],
  ])('%j fails: %s', (spec, message) => {
    expect(resolveUser(spec, db)).toEqual({ ok: false, message });
  });
});

describe('did you mean', () => {
  it.each([
    ['comand', ['command', 'cwd'], 'command'],
    ['dependsOn', ['depends_on', 'env'], 'depends_on'],
    ['max-retries', ['max_retries', 'delay'], 'max_retries'],
    ['colour', ['command', 'cwd'], null],
  ] as const)('%s among %j → %s', (input, candidates, expected) => {
    expect(closest(input, candidates)).toBe(expected);
  });

  it('formats the hint, or nothing', () => {
    expect(didYouMean('tiemout', ['timeout'])).toBe(" (did you mean 'timeout'?)");
    expect(didYouMean('zzz', ['timeout'])).toBe('');
  });
});
