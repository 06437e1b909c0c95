import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseProcfile } from '../../../src/config/procfile.js';
import { issuesOf } from './helpers.js';

const parse = (text: string) => parseProcfile(text, { file: 'Procfile', dir: '/srv/shop' });

describe('Procfile', () => {
  it('reads name: command lines as shell-run services, skipping comments and blank lines, CRLF or not', () => {
    const spec = parse(
      '# processes\r\nweb: bundle exec rails s -p $PORT\r\n\r\n  \nworker:   sidekiq -C config/sidekiq.yml  \r\nclock:clockwork clock.rb\n',
    );
    expect(spec.name).toBe('shop');
    expect(spec.file).toBe('/srv/shop/Procfile');
    expect(spec.processes.map((p) => [p.name, p.type, p.command])).toEqual([
      ['web', 'service', { kind: 'shell', script: 'bundle exec rails s -p $PORT', shell: '/bin/sh' }],
      ['worker', 'service', { kind: 'shell', script: 'sidekiq -C config/sidekiq.yml', shell: '/bin/sh' }],
      ['clock', 'service', { kind: 'shell', script: 'clockwork clock.rb', shell: '/bin/sh' }],
    ]);
    expect(spec.processes[0]).toMatchObject({
      cwd: '/srv/shop',
      restart: { policy: 'no' },
      ready: [],
      dependsOn: [],
    });
  });

  it('a bad line is an error at its line; all bad lines are reported', () => {
    expect(issuesOf(() => parse('web: ok\nthis is not a process\n\nweb.2: x\napi:\n'))).toEqual([
      {
        file: 'Procfile',
        line: 2,
        column: 1,
        path: '',
        message: 'expected "name: command" (name: letters, digits, "_" or "-"), got "this is not a process"',
      },
      {
        file: 'Procfile',
        line: 4,
        column: 1,
        path: '',
        message: expect.stringMatching(/^expected "name: command"/),
      },
      {
        file: 'Procfile',
        line: 5,
        column: 1,
        path: '',
        message: expect.stringMatching(/^expected "name: command"/),
      },
    ]);
  });

  it('an empty Procfile is an error', () => {
    expect(issuesOf(() => parse('# nothing here\n\n'))).toEqual([
      { file: 'Procfile', line: null, column: null, path: '', message: 'the Procfile defines no processes' },
    ]);
    expect(issuesOf(() => parse(''))).toHaveLength(1);
  });

  it('duplicate names are an error at the second one', () => {
    expect(issuesOf(() => parse('web: a\nweb: b\n'))).toEqual([
      {
        file: 'Procfile',
        line: 2,
        column: 1,
        path: 'web',
        message: "duplicate process name 'web' (first defined on line 1)",
      },
    ]);
  });

  it('loads .env beside it if present (as foreman does), and .env.NAME with envName', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ovrseer-procfile-'));
    try {
      expect(parseProcfile('web: x\n', { file: 'Procfile', dir }).processes[0]?.env).toEqual({});
      writeFileSync(join(dir, '.env'), 'PORT=5000\nMODE=dev\n');
      writeFileSync(join(dir, '.env.production'), 'MODE=production\n');
      const spec = parseProcfile('web: x\n', { file: 'Procfile', dir, envName: 'production' });
      expect(spec.processes[0]?.env).toEqual({ PORT: '5000', MODE: 'production' });
      expect(() => parseProcfile('web: x\n', { file: 'Procfile', dir, envName: 'staging' })).toThrow(
        /--env staging/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
