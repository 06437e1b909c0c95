// biome-ignore-all lint/suspicious/noTemplateCurlyInString: configs under test contain ${VAR} references
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { type InitOptions, runInit } from '../../../src/cli/commands/init.js';
import { findSources } from '../../../src/config/import/formats.js';
import { fixtureCopy, tempDir } from './helpers.js';

function collect(stream: PassThrough): () => string {
  let text = '';
  stream.on('data', (chunk: Buffer) => {
    text += chunk.toString();
  });
  return () => text;
}

function init(cwd: string, options: Omit<InitOptions, 'cwd' | 'out' | 'err'> = {}) {
  const out = new PassThrough();
  const err = new PassThrough();
  const stdout = collect(out);
  const stderr = collect(err);
  const code = runInit({ cwd, env: {}, out, err, ...options });
  return { code, stdout: stdout(), stderr: stderr() };
}

describe('finding sources', () => {
  it('in order: Procfile*, package.json, compose, pm2, process-compose', () => {
    const dir = tempDir({
      'process-compose.yaml': '',
      'ecosystem.config.cjs': '',
      'compose.yaml': '',
      'docker-compose.override.yml': '',
      'package.json': '',
      'Procfile.dev': '',
      Procfile: '',
    });
    expect(findSources(dir).map((s) => [s.format, s.file.slice(dir.length + 1)])).toEqual([
      ['procfile', 'Procfile'],
      ['procfile', 'Procfile.dev'],
      ['package-json', 'package.json'],
      ['compose', 'compose.yaml'],
      ['pm2', 'ecosystem.config.cjs'],
      ['process-compose', 'process-compose.yaml'],
    ]);
  });
});

describe('ovrseer init', () => {
  it('writes ovrseer.yml from the first source and says what it found and used', () => {
    const dir = fixtureCopy('procfile');
    const { code, stdout } = init(dir);
    expect(code).toBe(0);
    expect(stdout).toBe(
      [
        'found: Procfile, Procfile.dev',
        'using Procfile: 4 processes (web, worker, release, clock)',
        'wrote ovrseer.yml: check it with `ovrseer validate`, run it with `ovrseer up`',
        '',
      ].join('\n'),
    );
    expect(readFileSync(join(dir, 'ovrseer.yml'), 'utf8')).toContain('  web:\n    command: bundle exec puma');
  });

  it('refuses to overwrite without --force', () => {
    const dir = fixtureCopy('procfile');
    writeFileSync(join(dir, 'ovrseer.yml'), 'mine\n');
    expect(() => init(dir)).toThrow(
      expect.objectContaining({
        code: 'OVRSEER_USAGE',
        message: 'ovrseer.yml already exists: use --force to overwrite it, or --stdout to print the result',
      }),
    );
    expect(readFileSync(join(dir, 'ovrseer.yml'), 'utf8')).toBe('mine\n');
    expect(init(dir, { force: true }).code).toBe(0);
    expect(readFileSync(join(dir, 'ovrseer.yml'), 'utf8')).toContain('from Procfile');
  });

  it('--stdout prints the file and reports on stderr, writing nothing', () => {
    const dir = fixtureCopy('compose');
    const { stdout, stderr } = init(dir, { stdout: true });
    expect(stdout).toMatch(/^# ovrseer.yml, written by `ovrseer init` from docker-compose.yml\./);
    expect(stderr).toContain('not translated:\n  networks: ');
    expect(stderr).not.toContain('note: the result does not load here');
  });

  it('says when the result does not load here as it is (a variable the file requires is not set)', () => {
    const dir = tempDir({
      'compose.yaml':
        'services:\n  db:\n    command: [run-db]\n    environment:\n      PASSWORD: ${DB_PASSWORD:?set it}\n',
    });
    const { stderr } = init(dir, { stdout: true });
    expect(stderr).toMatch(
      /note: the result does not load here as it is:\n {2}ovrseer.yml:\d+:\d+: processes.db.env.PASSWORD: variable DB_PASSWORD is required: set it/,
    );
    expect(existsSync(join(dir, 'ovrseer.yml'))).toBe(false);
  });

  it('--from picks a format or a file; a package.json with nothing to run is skipped when choosing alone', () => {
    const dir = fixtureCopy('pm2');
    const auto = init(dir, { stdout: true });
    expect(auto.stderr).toContain('skipped package.json: no dev, start, serve or worker script');
    expect(auto.stderr).toContain('using ecosystem.config.js (--from package.json for another): 3 processes');
    expect(init(dir, { stdout: true, from: 'ecosystem.esm.config.mjs' }).stderr).toContain(
      'using ecosystem.esm.config.mjs: 1 processes (web)',
    );
    expect(() => init(dir, { stdout: true, from: 'package.json' })).toThrow(/nothing to run/);
    expect(() => init(dir, { stdout: true, from: 'procfile' })).toThrow(/--from procfile: no Procfile in /);
    expect(() => init(dir, { stdout: true, from: 'cargo' })).toThrow(
      '--from cargo: expected one of procfile, package.json, compose, pm2, process-compose, or the name of such a file here',
    );
  });

  it('nothing to import is a clear error', () => {
    expect(() => init(tempDir({ 'README.md': 'hi' }))).toThrow(
      expect.objectContaining({
        code: 'OVRSEER_CONFIG_NOT_FOUND',
        message: expect.stringMatching(/^nothing to import in /),
      }),
    );
  });

  it('adds the yaml-language-server modeline when ovrseer is installed in the project', () => {
    const dir = tempDir({ Procfile: 'web: node web.js\n', 'node_modules/ovrseer/schema.json': '{}' });
    const { stdout } = init(dir, { stdout: true });
    expect(stdout.split('\n')[0]).toBe('# yaml-language-server: $schema=./node_modules/ovrseer/schema.json');
  });
});
