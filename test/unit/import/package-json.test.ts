import { describe, expect, it } from 'vitest';
import { pickScripts } from '../../../src/config/import/package-json.js';
import { issuesOf } from '../config/helpers.js';
import { IMPORT_FIXTURES, importFile, load, proc, tempDir } from './helpers.js';

const pkg = (scripts: Record<string, string>, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ name: 'app', scripts, ...extra });

describe('which scripts make processes', () => {
  it.each([
    [{ dev: 'vite', start: 'node .', build: 'tsc', test: 'vitest' }, ['dev'], ['start']],
    [
      { dev: 'turbo dev', 'dev:api': 'a', 'dev:web': 'w', start: 's' },
      ['dev:api', 'dev:web'],
      ['dev', 'start'],
    ],
    [{ start: 'node .', serve: 'serve dist' }, ['start'], ['serve']],
    [{ 'start:api': 'a', start: 's' }, ['start:api'], ['start']],
    [
      { serve: 'serve dist', worker: 'node w.js', 'worker:mail': 'node m.js' },
      ['serve', 'worker', 'worker:mail'],
      [],
    ],
    [{ build: 'tsc', test: 'vitest' }, [], []],
  ])('%j → %j (skipped %j)', (scripts, picked, skipped) => {
    const result = pickScripts(scripts);
    expect(result.picked.map((p) => p.script)).toEqual(picked);
    expect(result.skipped.map((p) => p.script)).toEqual(skipped);
  });
});

describe('package.json import', () => {
  it('runs scripts with the package manager the project uses', () => {
    const cases: Array<[Record<string, string>, string]> = [
      [{}, 'npm run dev'],
      [{ 'yarn.lock': '' }, 'yarn run dev'],
      [{ 'pnpm-lock.yaml': '' }, 'pnpm run dev'],
      [{ 'bun.lock': '' }, 'bun run dev'],
    ];
    for (const [files, command] of cases) {
      const dir = tempDir({ 'package.json': pkg({ dev: 'vite' }), ...files });
      expect(proc(load(dir, 'package.json'), 'dev').command).toEqual({
        kind: 'shell',
        script: command,
        shell: '/bin/sh',
      });
    }
    const declared = tempDir({
      'package.json': pkg({ dev: 'vite' }, { packageManager: 'yarn@4.1.0' }),
      'package-lock.json': '',
    });
    expect(proc(load(declared, 'package.json'), 'dev').command).toMatchObject({ script: 'yarn run dev' });
  });

  it('dev:* scripts become one process each, named by their suffix', () => {
    const dir = tempDir({
      'package.json': pkg({ dev: 'concurrently npm:dev:*', 'dev:api': 'a', 'dev:web': 'w', worker: 'w' }),
    });
    const spec = load(dir, 'package.json');
    expect(spec.processes.map((p) => [p.name, p.command.kind === 'shell' ? p.command.script : ''])).toEqual([
      ['api', 'npm run dev:api'],
      ['web', 'npm run dev:web'],
      ['worker', 'npm run worker'],
    ]);
  });

  it('workspaces (npm/yarn list, "!" exclusions): one process per package, in its directory', () => {
    const dir = `${IMPORT_FIXTURES}package-json`;
    const spec = load(dir, 'package.json');
    expect(
      spec.processes.map((p) => [
        p.name,
        p.cwd.slice(dir.length),
        p.command.kind === 'shell' ? p.command.script : '',
      ]),
    ).toEqual([
      ['api', '/packages/api', 'pnpm run dev'],
      ['web', '/packages/web', 'pnpm run start'],
      ['web-worker', '/packages/web', 'pnpm run worker'],
      ['worker', '', 'pnpm run worker'],
    ]);
    const { imported } = importFile(dir, 'package.json');
    expect(imported.notTranslated).toEqual([
      { key: 'packages/api/package.json scripts.start', reason: 'dev is run instead' },
      { key: 'scripts.dev', reason: "the workspaces' own scripts run instead" },
    ]);
  });

  it('npm workspaces run from the root with -w, as `npm run dev --workspaces` does (INIT_CWD is the root)', () => {
    const dir = tempDir({
      'package.json': pkg({}, { workspaces: ['packages/*'] }),
      'packages/my api/package.json': JSON.stringify({ name: 'api', scripts: { dev: 'a' } }),
    });
    const [api] = load(dir, 'package.json').processes;
    expect(api?.cwd).toBe(dir);
    expect(api?.command).toMatchObject({ script: "npm run dev -w 'packages/my api'" });
  });

  it('pnpm-workspace.yaml; two packages with the same short name get their full names', () => {
    const dir = tempDir({
      'package.json': pkg({}),
      'pnpm-workspace.yaml': 'packages:\n  - "apps/*"\n  - "libs/**"\n',
      'apps/api/package.json': JSON.stringify({ name: '@a/api', scripts: { dev: 'a' } }),
      'libs/deep/api/package.json': JSON.stringify({ name: '@b/api', scripts: { start: 'b' } }),
    });
    expect(load(dir, 'package.json').processes.map((p) => p.name)).toEqual(['api', 'b-api']);
  });

  it('nothing to run is an error at scripts', () => {
    const dir = tempDir({ 'package.json': '{\n  "scripts": { "build": "tsc" }\n}\n' });
    expect(issuesOf(() => load(dir, 'package.json'))).toEqual([
      {
        file: 'package.json',
        line: 2,
        column: 3,
        path: 'scripts',
        message: 'no dev, start, serve or worker script here or in the workspaces: nothing to run',
      },
    ]);
  });
});
