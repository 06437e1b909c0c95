// biome-ignore-all lint/suspicious/noTemplateCurlyInString: configs under test contain ${VAR} references
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadProject } from '../../../src/config/load.js';
import { issuesOf, processOf } from './helpers.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ovrseer-environments-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function write(files: Record<string, string>): void {
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
}

const load = (options: Parameters<typeof loadProject>[0] = {}) =>
  loadProject({ cwd: dir, env: {}, ...options });
const LAYERS = {
  '.env': 'A=.env\nB=.env\nC=.env\nD=.env\nE=.env\n',
  '.env.production': 'B=.env.production\nC=.env.production\nD=.env.production\nE=.env.production\n',
  '.env.local': 'C=.env.local\nD=.env.local\nE=.env.local\n',
  '.env.production.local': 'D=.env.production.local\nE=.env.production.local\n',
  'extra.env': 'E=extra.env\n',
};

describe('--env NAME: env file precedence', () => {
  it('.env < .env.NAME < .env.local < .env.NAME.local < -e files (later wins)', () => {
    write({ ...LAYERS, 'ovrseer.yml': 'processes:\n  a: { command: x }\n' });
    const spec = load({ envName: 'production', envFiles: ['extra.env'] });
    expect(processOf(spec, 'a').env).toEqual({
      A: '.env',
      B: '.env.production',
      C: '.env.local',
      D: '.env.production.local',
      E: 'extra.env',
    });
  });

  it('without an environment, only the config env_file list (and -e) are read', () => {
    write({ ...LAYERS, 'ovrseer.yml': 'processes:\n  a: { command: x }\n' });
    expect(processOf(load(), 'a').env).toEqual({});
    expect(processOf(load({ envFiles: ['extra.env'] }), 'a').env).toEqual({ E: 'extra.env' });
  });

  it("the config's env_file comes first; naming .env there does not let it override .env.NAME", () => {
    write({
      ...LAYERS,
      'base.env': 'A=base\nZ=base\n',
      'ovrseer.yml': 'env_file: [.env, base.env]\nprocesses:\n  a: { command: x }\n',
    });
    const env = processOf(load({ envName: 'production' }), 'a').env;
    expect(env).toMatchObject({ A: 'base', Z: 'base', B: '.env.production', D: '.env.production.local' });
  });

  it('OVRSEER_ENV chooses the environment; --env wins over it', () => {
    write({
      ...LAYERS,
      '.env.test': 'B=.env.test\n',
      'ovrseer.yml': 'processes:\n  a: { command: x, group: "${B}" }\n',
    });
    expect(processOf(load({ env: { OVRSEER_ENV: 'test' } }), 'a').group).toBe('.env.test');
    expect(processOf(load({ env: { OVRSEER_ENV: 'test' }, envName: 'production' }), 'a').group).toBe(
      '.env.production',
    );
    expect(issuesOf(() => load({ env: { OVRSEER_ENV: 'staging' } }))[0]?.message).toMatch(
      /^OVRSEER_ENV=staging: no .env.staging or .env.staging.local in /,
    );
  });

  it('-e paths are relative to where the command runs, not to the config', () => {
    write({ 'deploy/ovrseer.yml': 'processes:\n  a: { command: x }\n', 'extra.env': 'E=here\n' });
    expect(processOf(load({ file: 'deploy/ovrseer.yml', envFiles: ['extra.env'] }), 'a').env).toEqual({
      E: 'here',
    });
  });
});

describe('environments: overlay', () => {
  const CONFIG = [
    'env: { LOG_LEVEL: debug, KEEP: yes }',
    'environments:',
    '  production:',
    '    env_file: prod.env',
    '    env: { LOG_LEVEL: warn }',
    '    processes:',
    '      api: { env: { WORKERS: 4 }, replicas: 3, restart: always }',
    'processes:',
    '  api: { command: x, env: { WORKERS: 1, NAME: api }, replicas: 1 }',
    '  worker: { command: y }',
  ].join('\n');

  it('changes project env, and each named process (maps merged, other keys replaced)', () => {
    write({ 'ovrseer.yml': CONFIG, 'prod.env': 'SECRET=from-prod-env\n' });
    const spec = load({ envName: 'production' });
    expect(processOf(spec, 'api')).toMatchObject({
      env: { LOG_LEVEL: 'warn', KEEP: 'yes', WORKERS: '4', NAME: 'api', SECRET: 'from-prod-env' },
      replicas: 3,
      restart: { policy: 'always' },
    });
    expect(processOf(spec, 'worker').env).toEqual({
      LOG_LEVEL: 'warn',
      KEEP: 'yes',
      SECRET: 'from-prod-env',
    });
  });

  it('is not applied without --env, and needs no .env.NAME file to exist', () => {
    write({ 'ovrseer.yml': CONFIG });
    expect(processOf(load(), 'api')).toMatchObject({
      env: { LOG_LEVEL: 'debug', WORKERS: '1' },
      replicas: 1,
    });
    expect(processOf(load({ envName: 'production' }), 'api').replicas).toBe(3);
  });

  it('an overlay of an unknown process is an error at its key, with a suggestion', () => {
    write({
      'ovrseer.yml':
        'environments:\n  test:\n    processes:\n      apii: { replicas: 2 }\nprocesses:\n  api: { command: x }\n',
    });
    expect(issuesOf(() => load({ envName: 'test' }))).toEqual([
      {
        file: 'ovrseer.yml',
        line: 4,
        column: 7,
        path: 'environments.test.processes.apii',
        message: "unknown process 'apii' (did you mean 'api'?)",
      },
    ]);
  });

  it('is validated like the processes, whichever environment is chosen', () => {
    write({
      'ovrseer.yml':
        'environments:\n  test:\n    processes:\n      api: { replicas: 0 }\nprocesses:\n  api: { command: x }\n',
    });
    expect(issuesOf(() => load())).toEqual([
      expect.objectContaining({
        line: 4,
        path: 'environments.test.processes.api.replicas',
        message: 'expected a number >= 1, got 0',
      }),
    ]);
  });

  it('commands in an overlay are left to the shell; other values are interpolated', () => {
    write({
      'ovrseer.yml':
        'environments:\n  test:\n    processes:\n      api: { command: "echo ${HOME}", group: "${G:-g}" }\nprocesses:\n  api: { command: x }\n',
    });
    expect(processOf(load({ envName: 'test' }), 'api')).toMatchObject({
      command: { kind: 'shell', script: 'echo ${HOME}' },
      group: 'g',
    });
  });
});
