import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { classifyContent, detectKind } from '../../../src/config/import/detect.js';
import { kindOfName } from '../../../src/config/import/formats.js';
import { discoverConfig, loadProject } from '../../../src/config/load.js';
import { OvrseerError } from '../../../src/errors.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ovrseer-detect-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function write(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

function errorOf(run: () => unknown): OvrseerError {
  try {
    run();
  } catch (error) {
    if (error instanceof OvrseerError) return error;
    throw error;
  }
  throw new Error('expected an OvrseerError');
}

describe('kindOfName', () => {
  it.each([
    ['ovrseer.yml', 'yaml'],
    ['Procfile', 'procfile'],
    ['Procfile.dev', 'procfile'],
    ['package.json', 'package-json'],
    ['process-compose.override.yaml', 'process-compose'],
    ['docker-compose.dev.yml', 'compose'],
    ['ecosystem.yml', 'pm2'],
    ['ecosystem.yaml', 'pm2'],
    ['process.json', 'pm2'],
    ['ecosystem.json', 'pm2'],
    ['pm2.config.js', 'pm2'],
    ['apps.config.cjs', 'pm2'],
    ['dev.yml', null],
    ['apps.json', null],
  ])('%s is %s', (name, kind) => {
    expect(kindOfName(name)).toBe(kind);
  });
});

describe('classifyContent', () => {
  it("takes pm2's other shapes: apps under pm2, a list of apps, one app alone", () => {
    expect(classifyContent('{"pm2": [{"name": "a", "script": "a.js"}]}', 'x.json').found?.kind).toBe('pm2');
    expect(classifyContent('[{"script": "b.js"}]', 'x.json').found?.kind).toBe('pm2');
    expect(classifyContent('{"script": "worker.js"}', 'x.json').found?.kind).toBe('pm2');
    expect(
      classifyContent('script: worker.js\nprocesses: {a: {command: x}}\n', 'x.yml').found?.kind,
    ).not.toBe('pm2');
  });

  it('a .json with apps that is not plain JSON is pm2 (pm2 evaluates .json files as JavaScript)', () => {
    expect(classifyContent('{\n  // the api\n  apps: [{script: "a.js"}]\n}\n', 'apps.json').found?.kind).toBe(
      'pm2',
    );
    expect(classifyContent('{\n  // the api\n  apps: [{script: "a.js"}]\n}\n', 'apps.yml').found).toBeNull();
  });

  it('a map with apps is pm2, and so is a list of {script}', () => {
    expect(classifyContent('{"apps": [{"script": "a.js"}]}').found?.kind).toBe('pm2');
    expect(classifyContent('- script: a.js\n').found?.kind).toBe('pm2');
  });

  it('services with image, build or another compose key is compose, naming the key', () => {
    expect(classifyContent('services:\n  db:\n    image: postgres\n').found).toEqual({
      kind: 'compose',
      why: 'services.db.image',
    });
    expect(classifyContent('services:\n  a:\n    command: x\nnetworks: {}\n').found?.kind).toBe('compose');
    expect(
      classifyContent('services:\n  a:\n    command: x\n    depends_on: {b: {condition: service_started}}\n')
        .found?.kind,
    ).toBe('compose');
    expect(classifyContent("version: '3.8'\nservices:\n  a:\n    command: x\n").found?.kind).toBe('compose');
  });

  it("services of ovrseer's own keys only is ovrseer's services: form", () => {
    const text =
      'services:\n  a:\n    command: x\n    depends_on: [b]\n    healthcheck: {http_get: {port: 1}}\n';
    expect(classifyContent(text).found?.kind).toBe('yaml');
  });

  it('processes with a process-compose key, condition or version is process-compose', () => {
    expect(
      classifyContent('processes:\n  a:\n    command: x\n    availability: {restart: always}\n').found?.kind,
    ).toBe('process-compose');
    expect(
      classifyContent(
        'processes:\n  a:\n    command: x\n    depends_on: {b: {condition: process_completed}}\n',
      ).found,
    ).toEqual({
      kind: 'process-compose',
      why: 'processes.a.depends_on.b.condition: process_completed',
    });
    expect(classifyContent('version: "0.5"\nprocesses:\n  a:\n    command: x\n').found?.kind).toBe(
      'process-compose',
    );
  });

  it("processes of ovrseer's keys (and version 1) is ovrseer.yml", () => {
    expect(
      classifyContent(
        'version: 1\nprocesses:\n  a:\n    command: x\n    depends_on: {b: {condition: ready}}\n',
      ).found?.kind,
    ).toBe('yaml');
    expect(classifyContent('processes:\n  - id: a\n    command: x\n').found?.kind).toBe('yaml');
  });

  it('scripts is package.json; name: command lines are a Procfile', () => {
    expect(classifyContent('{"name": "x", "scripts": {"dev": "vite"}}').found?.kind).toBe('package-json');
    expect(classifyContent('web: node server.js --port $PORT\n# c\nworker: node w.js\n').found?.kind).toBe(
      'procfile',
    );
  });
});

describe('detectKind', () => {
  it('a neutral name is decided by the content', () => {
    const file = write('weird-name.yml', 'processes:\n  a:\n    command: x\n    is_daemon: false\n');
    expect(detectKind(file, 'processes:\n  a:\n    command: x\n    is_daemon: false\n')).toBe(
      'process-compose',
    );
  });

  it('content that fits nothing is an error saying which formats were considered and why not', () => {
    const error = errorOf(() => detectKind('dev.yml', 'foo:\n  bar: 1\n'));
    expect(error.code).toBe('OVRSEER_CONFIG_INVALID');
    expect(error.message).toContain('not a format ovrseer reads');
    expect(error.message).toContain('pm2 ecosystem file: no top-level apps');
    expect(error.message).toContain('docker compose file: no top-level services');
    expect(error.message).toContain('process-compose file and ovrseer.yml: no top-level processes');
    expect(error.message).toContain('Procfile: not only name: command lines');
  });

  it('a name and a content that disagree is an error naming both, never a fallback to ovrseer.yml', () => {
    const error = errorOf(() => detectKind('ovrseer.yml', 'services:\n  db:\n    image: postgres\n'));
    expect(error.message).toBe(
      'ovrseer.yml: its name says ovrseer.yml, but its content is a docker compose file (services.db.image); rename it to compose.yaml or compose.<name>.yaml, or fix the content',
    );
    expect(errorOf(() => detectKind('compose.yaml', 'apps:\n  - script: a.js\n')).message).toContain(
      'its name says docker compose file, but its content is a pm2 ecosystem file (the top-level key apps)',
    );
  });

  it('weak fits do not contradict a name (compose of commands only, a Procfile that parses as YAML)', () => {
    expect(detectKind('compose.yaml', 'services:\n  a:\n    command: x\n')).toBe('compose');
    expect(detectKind('Procfile.dev', 'web: x\n')).toBe('procfile');
  });

  it('a .js file is pm2 only when named *.config.js, as pm2 decides', () => {
    expect(detectKind('pm2.config.js', '')).toBe('pm2');
    expect(errorOf(() => detectKind('apps.js', '')).message).toContain('named *.config.js');
  });
});

describe('loadProject -f with a neutral name', () => {
  it('runs a process-compose file named weird-name.yml as process-compose', () => {
    write('weird-name.yml', 'version: "0.5"\nprocesses:\n  a:\n    command: echo hi\n');
    const spec = loadProject({ cwd: dir, file: 'weird-name.yml', env: {} });
    expect(spec.processes.map((p) => p.name)).toEqual(['a']);
  });

  it('runs a pm2 ecosystem.yml as pm2', () => {
    write('ecosystem.yml', 'apps:\n  - name: api\n    script: server.js\n');
    const spec = loadProject({ cwd: dir, file: 'ecosystem.yml', env: {} });
    expect(spec.processes.map((p) => p.name)).toEqual(['api']);
  });
});

describe('discoverConfig without ovrseer.yml or Procfile', () => {
  it('lists the foreign files found and the exact commands, and picks none', () => {
    write('compose.yaml', 'services:\n  a:\n    command: x\n');
    write('package.json', '{"scripts": {"dev": "vite"}}');
    write('ecosystem.config.js', 'module.exports = {apps: []}');
    const error = errorOf(() => discoverConfig(dir));
    expect(error.code).toBe('OVRSEER_CONFIG_NOT_FOUND');
    expect(error.message).toContain('found here, not used without -f:');
    expect(error.message).toContain(
      'compose.yaml (docker compose file): `ovrseer up -f compose.yaml` runs it as it is, `ovrseer init --from compose` writes an ovrseer.yml from it',
    );
    expect(error.message).toContain('`ovrseer up -f package.json`');
    expect(error.message).toContain('`ovrseer init --from package.json`');
    expect(error.message).toContain('`ovrseer init --from pm2`');
  });

  it('an empty folder gets the message without a list', () => {
    expect(errorOf(() => discoverConfig(dir)).message).not.toContain('found here');
  });
});
