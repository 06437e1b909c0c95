import { describe, expect, it } from 'vitest';
import { issuesOf } from '../config/helpers.js';
import { instancePorts, load, proc, tempDir } from './helpers.js';

const PROCFILE = '# processes\nweb: node web.js\n\nworker: node worker.js\nclock: node clock.js\n';

describe('Procfile parsing (foreman rules)', () => {
  it('reads name: command lines as shell-run services, skipping comments and blank lines, CRLF or not', () => {
    const dir = tempDir({
      Procfile:
        '# processes\r\nweb: bundle exec rails s -p $PORT\r\n\r\n  \nworker:   sidekiq -C config/sidekiq.yml  \r\nclock:clockwork clock.rb\n',
    });
    const spec = load(dir, 'Procfile');
    expect(spec.file).toBe(`${dir}/Procfile`);
    expect(spec.processes.map((p) => [p.name, p.type, p.command])).toEqual([
      ['web', 'service', { kind: 'shell', script: 'bundle exec rails s -p $PORT', shell: '/bin/sh' }],
      ['worker', 'service', { kind: 'shell', script: 'sidekiq -C config/sidekiq.yml', shell: '/bin/sh' }],
      ['clock', 'service', { kind: 'shell', script: 'clockwork clock.rb', shell: '/bin/sh' }],
    ]);
    expect(proc(spec, 'web')).toMatchObject({
      cwd: dir,
      restart: { policy: 'no' },
      ready: [],
      dependsOn: [],
    });
  });

  it('a bad line is an error at its line; all bad lines are reported', () => {
    const dir = tempDir({ Procfile: 'web: ok\nthis is not a process\n\nweb.2: x\napi:\n' });
    expect(issuesOf(() => load(dir, 'Procfile'))).toEqual([
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
    expect(issuesOf(() => load(tempDir({ Procfile: '# nothing here\n\n' }), 'Procfile'))).toEqual([
      { file: 'Procfile', line: null, column: null, path: '', message: 'the Procfile defines no processes' },
    ]);
    expect(issuesOf(() => load(tempDir({ Procfile: '' }), 'Procfile'))).toHaveLength(1);
  });

  it('duplicate names are an error at the second one', () => {
    expect(issuesOf(() => load(tempDir({ Procfile: 'web: a\nweb: b\n' }), 'Procfile'))).toEqual([
      {
        file: 'Procfile',
        line: 2,
        column: 1,
        path: 'web',
        message: "duplicate process name 'web' (first defined on line 1)",
      },
    ]);
  });

  it('is found with no ovrseer.yml, and -f Procfile.dev reads another one', () => {
    const dir = tempDir({ Procfile: 'web: a\n', 'Procfile.dev': 'web: a\ncss: b\n' });
    expect(load(dir, 'Procfile.dev').processes.map((p) => p.name)).toEqual(['web', 'css']);
  });
});

describe('PORT, as foreman assigns it', () => {
  // base: -p, else PORT in .env, else $PORT, else 5000; +100 per process of the file; +1 per instance.
  it.each([
    ['nothing set', {}, undefined, undefined, { web: 5000, worker: 5100, clock: 5200 }],
    ['$PORT in the shell', { PORT: '7000' }, undefined, undefined, { web: 7000, worker: 7100, clock: 7200 }],
    [
      'PORT in .env over $PORT',
      { PORT: '7000' },
      'PORT=6000\n',
      undefined,
      { web: 6000, worker: 6100, clock: 6200 },
    ],
    ['-p over both', { PORT: '7000' }, 'PORT=6000\n', 8000, { web: 8000, worker: 8100, clock: 8200 }],
  ] as const)('%s', (_, shell, dotenv, port, expected) => {
    const dir = tempDir({ Procfile: PROCFILE, ...(dotenv === undefined ? {} : { '.env': dotenv }) });
    const spec = load(dir, 'Procfile', { env: { ...shell }, ...(port === undefined ? {} : { port }) });
    expect(instancePorts(spec)).toEqual(expected);
  });

  it('+1 per instance, and positions count every process, whether it runs or not', () => {
    const dir = tempDir({ Procfile: PROCFILE });
    const spec = load(dir, 'Procfile', { formation: 'worker=3,clock=1' });
    expect(instancePorts(spec)).toEqual({
      'worker.1': 5100,
      'worker.2': 5101,
      'worker.3': 5102,
      clock: 5200,
    });
  });

  it('a PORT that is not a number is an error; a base so high that a port passes 65535 too', () => {
    const bad = tempDir({ Procfile: PROCFILE, '.env': 'PORT=http\n' });
    expect(issuesOf(() => load(bad, 'Procfile'))[0]?.message).toBe(
      'PORT in the env file is not a port number: "http"',
    );
    const high = tempDir({ Procfile: PROCFILE });
    expect(issuesOf(() => load(high, 'Procfile', { port: 65400 }))).toEqual([
      expect.objectContaining({
        line: 5,
        path: 'clock',
        message: 'PORT 65600 is above 65535: lower the base port (-p)',
      }),
    ]);
  });
});

describe('formation (-m)', () => {
  const run = (formation: string | undefined) => {
    const spec = load(
      tempDir({ Procfile: PROCFILE }),
      'Procfile',
      formation === undefined ? {} : { formation },
    );
    return Object.fromEntries(spec.processes.map((p) => [p.name, p.disabled ? 0 : p.replicas]));
  };

  it.each([
    [undefined, { web: 1, worker: 1, clock: 1 }],
    ['web=2', { web: 2, worker: 0, clock: 0 }],
    ['all=2', { web: 2, worker: 2, clock: 2 }],
    ['all=1,worker=0', { web: 1, worker: 0, clock: 1 }],
    ['web=2, worker = 3', { web: 2, worker: 3, clock: 0 }],
    ['web=1,all=0', { web: 1, worker: 0, clock: 0 }],
  ] as const)('-m %s', (formation, expected) => {
    expect(run(formation)).toEqual(expected);
  });

  it('names instances web.1, web.2 and sets PS through the engine (spec: replicas)', () => {
    const spec = load(tempDir({ Procfile: PROCFILE }), 'Procfile', { formation: 'web=2' });
    expect(Object.keys(instancePorts(spec))).toEqual(['web.1', 'web.2']);
  });

  it('rejects a malformed formation and an unknown process, with a suggestion', () => {
    const dir = tempDir({ Procfile: PROCFILE });
    expect(() => load(dir, 'Procfile', { formation: 'web:2' })).toThrow(
      /-m "web:2": expected NAME=COUNT pairs such as web=2,worker=1/,
    );
    expect(() => load(dir, 'Procfile', { formation: 'wrker=2' })).toThrow(
      expect.objectContaining({
        code: 'OVRSEER_USAGE',
        message: expect.stringContaining("no process named 'wrker' (did you mean 'worker'?)"),
      }),
    );
  });
});

describe('.env, as foreman reads it', () => {
  it('KEY=value lines only: export and comment lines skipped, quotes, \\n and \\X in double quotes', () => {
    const dir = tempDir({
      Procfile: 'web: x\n',
      '.env': [
        '# a comment',
        'PLAIN=value # not a comment',
        'export EXPORTED=yes',
        "SINGLE='keeps $HOME and \\n'",
        'DOUBLE="line one\\nline \\"two\\""',
        'SPACED = padded ',
        'LEADING= kept ',
        '',
      ].join('\n'),
    });
    expect(proc(load(dir, 'Procfile'), 'web').env).toEqual({
      PLAIN: 'value # not a comment',
      SINGLE: 'keeps $HOME and \\n',
      DOUBLE: 'line one\nline "two"',
      LEADING: ' kept ',
      PS: 'web.1',
    });
  });

  it('-e a.env,b.env replaces .env, later files win; a missing one is an error', () => {
    const dir = tempDir({
      Procfile: 'web: x\n',
      '.env': 'FROM_DOTENV=1\n',
      'a.env': 'A=a\nX=a\n',
      'b.env': 'X=b\n',
    });
    expect(proc(load(dir, 'Procfile', { envFiles: ['a.env', 'b.env'] }), 'web').env).toEqual({
      A: 'a',
      X: 'b',
      PS: 'web.1',
    });
    expect(issuesOf(() => load(dir, 'Procfile', { envFiles: ['a.env', 'nope.env'] }))[0]?.message).toBe(
      `-e nope.env: ${dir}/nope.env does not exist`,
    );
  });

  it('the shell wins over .env for what processes get (PORT base aside)', () => {
    const dir = tempDir({ Procfile: 'web: x\n', '.env': 'MODE=dotenv\nOTHER=1\n' });
    expect(proc(load(dir, 'Procfile', { env: { MODE: 'shell' } }), 'web').env).toEqual({
      OTHER: '1',
      PS: 'web.1',
    });
  });

  it('--env NAME adds .env.NAME, .env.local, .env.NAME.local; an unknown name is an error', () => {
    const dir = tempDir({
      Procfile: 'web: x\n',
      '.env': 'A=env\nB=env\nC=env\nD=env\n',
      '.env.production': 'B=production\nC=production\nD=production\n',
      '.env.local': 'C=local\nD=local\n',
      '.env.production.local': 'D=production.local\n',
    });
    expect(proc(load(dir, 'Procfile', { envName: 'production' }), 'web').env).toEqual({
      A: 'env',
      B: 'production',
      C: 'local',
      D: 'production.local',
      PS: 'web.1',
    });
    expect(issuesOf(() => load(dir, 'Procfile', { envName: 'staging' }))[0]?.message).toBe(
      `--env staging: no .env.staging or .env.staging.local in ${dir}`,
    );
  });
});

describe('foreman naming and exit rule', () => {
  it('PS is name.1 for a single instance; the run stops on any exit with the first code', () => {
    const spec = load(tempDir({ Procfile: 'web: a\nworker: b\n' }), 'Procfile');
    expect(proc(spec, 'web').env.PS).toBe('web.1');
    expect(spec.exit).toEqual({ stopOn: { web: ['end'], worker: ['end'] }, codeFrom: null });
  });

  it('the .env is read by foreman rules: an unterminated quote is a value, export lines are skipped', () => {
    const dir = tempDir({ Procfile: 'web: a\n', '.env': 'A="open\nexport B=1\n' });
    expect(proc(load(dir, 'Procfile'), 'web').env).toEqual({ A: '"open', PS: 'web.1' });
  });
});
