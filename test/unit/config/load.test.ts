// biome-ignore-all lint/suspicious/noTemplateCurlyInString: configs under test contain ${VAR} references
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { discoverConfig, loadProject } from '../../../src/config/load.js';
import { ConfigError, OvrseerError } from '../../../src/errors.js';
import { issuesOf } from './helpers.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ovrseer-load-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function write(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe('discoverConfig', () => {
  it('prefers ovrseer.yml, then ovrseer.yaml, then Procfile', () => {
    write('Procfile', 'web: x\n');
    expect(discoverConfig(dir)).toEqual({ file: join(dir, 'Procfile'), kind: 'procfile' });
    write('ovrseer.yaml', 'processes: { a: { command: x } }\n');
    expect(discoverConfig(dir)).toEqual({ file: join(dir, 'ovrseer.yaml'), kind: 'yaml' });
    write('ovrseer.yml', 'processes: { a: { command: x } }\n');
    expect(discoverConfig(dir)).toEqual({ file: join(dir, 'ovrseer.yml'), kind: 'yaml' });
  });

  it('says what it looked for and suggests ovrseer init', () => {
    try {
      discoverConfig(dir);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(OvrseerError);
      expect((error as OvrseerError).code).toBe('OVRSEER_CONFIG_NOT_FOUND');
      expect((error as OvrseerError).message).toBe(
        `no config found in ${dir} (looked for ovrseer.yml, ovrseer.yaml, Procfile); run \`ovrseer init\` to create one, or pass -f FILE`,
      );
    }
  });
});

describe('loadProject', () => {
  it('loads the discovered file; the spec has absolute file and dir', () => {
    write('ovrseer.yml', 'processes:\n  a: { command: x, cwd: sub }\n');
    const spec = loadProject({ cwd: dir, env: {} });
    expect(spec.file).toBe(join(dir, 'ovrseer.yml'));
    expect(spec.dir).toBe(dir);
    expect(spec.processes[0]?.cwd).toBe(join(dir, 'sub'));
  });

  it('-f FILE is resolved against cwd, and relative paths inside against its own directory', () => {
    mkdirSync(join(dir, 'deploy'));
    write('deploy/prod.yml', 'processes:\n  a: { command: x, cwd: . }\n');
    const spec = loadProject({ cwd: dir, file: 'deploy/prod.yml' });
    expect(spec.file).toBe(join(dir, 'deploy/prod.yml'));
    expect(spec.processes[0]?.cwd).toBe(join(dir, 'deploy'));
    expect(spec.name).toBe('deploy');
  });

  it('-f naming a Procfile reads it as one', () => {
    write('Procfile.dev', 'web: npm run dev\n');
    const spec = loadProject({ cwd: dir, file: 'Procfile.dev' });
    expect(spec.processes.map((p) => p.name)).toEqual(['web']);
  });

  it('-f naming a missing file', () => {
    expect(() => loadProject({ cwd: dir, file: 'nope.yml' })).toThrow(
      expect.objectContaining({
        code: 'OVRSEER_CONFIG_NOT_FOUND',
        message: 'config file not found: nope.yml',
      }),
    );
  });

  it('errors name the file as the user would: relative to cwd, or as given with -f', () => {
    write('ovrseer.yml', 'processes:\n  a: { command: x, replicas: 0 }\n');
    expect(issuesOf(() => loadProject({ cwd: dir }))[0]?.file).toBe('ovrseer.yml');
    expect(issuesOf(() => loadProject({ cwd: dir, file: join(dir, 'ovrseer.yml') }))[0]?.file).toBe(
      join(dir, 'ovrseer.yml'),
    );
  });

  it('passes envName and env through', () => {
    write('ovrseer.yml', 'processes:\n  a: { command: x, group: "${MODE}-${WHO}" }\n');
    write('.env.staging', 'MODE=staging\n');
    const spec = loadProject({ cwd: dir, envName: 'staging', env: { WHO: 'me' } });
    expect(spec.processes[0]?.group).toBe('staging-me');
    expect(() => loadProject({ cwd: dir, envName: 'prod', env: {} })).toThrow(ConfigError);
  });
});
