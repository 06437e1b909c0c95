// biome-ignore-all lint/suspicious/noTemplateCurlyInString: configs under test contain ${VAR} references
import { describe, expect, it } from 'vitest';
import { isProbeAddressPath } from '../../../src/config/interpolate.js';
import { parse, parseIssues, processOf } from './helpers.js';

const where = (issues: ReturnType<typeof parseIssues>) =>
  issues.map((issue) => [issue.line, issue.column, issue.path, issue.message]);

describe('$PORT and $PS in probe addresses', () => {
  it('accepts $PORT, ${PORT} and ${PORT:-6700} in an http URL, and keeps them for each instance', () => {
    const spec = parse(
      [
        'processes:',
        '  web:',
        '    command: ./web',
        '    port: 7000',
        '    replicas: 3',
        '    ready:',
        '      - http: "http://127.0.0.1:$PORT/health"',
        '      - http: { url: "http://127.0.0.1:${PORT}/$PS", status: 204 }',
        '      - http: http://127.0.0.1:${PORT:-6700}/',
        '    health: { http: "http://127.0.0.1:$PORT/live" }',
      ].join('\n'),
      // The shell's PORT must not be baked in at load: each replica has its own.
      { env: { PORT: '9999' } },
    );
    const web = processOf(spec, 'web');
    expect(web.ready.map((ready) => ready.probe)).toMatchObject([
      { kind: 'http', url: 'http://127.0.0.1:$PORT/health' },
      { kind: 'http', url: 'http://127.0.0.1:${PORT}/$PS', status: { min: 204, max: 204 } },
      { kind: 'http', url: 'http://127.0.0.1:${PORT:-6700}/' },
    ]);
    expect(web.health?.probe).toMatchObject({ kind: 'http', url: 'http://127.0.0.1:$PORT/live' });
  });

  it('keeps $PORT as the text of a tcp port; host and fixed ports parse as before', () => {
    const spec = parse(
      [
        'processes:',
        '  db:',
        '    command: ./db',
        '    port: 5432',
        '    ready:',
        '      - tcp: $PORT',
        '      - tcp: "db.local:${PORT:-6700}"',
        '      - tcp: "[::1]:${PORT}"',
        '      - tcp: 127.0.0.1:5433',
        '    health: { tcp: "localhost:$PORT" }',
      ].join('\n'),
    );
    const db = processOf(spec, 'db');
    expect(db.ready.map((ready) => ready.probe)).toEqual([
      { kind: 'tcp', host: '127.0.0.1', port: '$PORT' },
      { kind: 'tcp', host: 'db.local', port: '${PORT:-6700}' },
      { kind: 'tcp', host: '::1', port: '${PORT}' },
      { kind: 'tcp', host: '127.0.0.1', port: 5433 },
    ]);
    expect(db.health?.probe).toEqual({ kind: 'tcp', host: 'localhost', port: '$PORT' });
  });

  it('still interpolates every other ${VAR} of a probe at load, with positions in errors', () => {
    const text = [
      'processes:',
      '  web:',
      '    command: ./web',
      '    port: 7000',
      '    ready: { http: "http://${HOST}:$PORT/${CHECK_PATH}" }',
    ].join('\n');
    const web = processOf(parse(text, { env: { HOST: 'app.local', CHECK_PATH: 'up' } }), 'web');
    expect(web.ready[0]?.probe).toMatchObject({ url: 'http://app.local:$PORT/up' });
    expect(where(parseIssues(text, { env: { HOST: 'app.local' } }))).toEqual([
      [
        5,
        42,
        'processes.web.ready.http',
        'variable CHECK_PATH is not set (write ${CHECK_PATH:-default} to give it a default, or $${CHECK_PATH} for a literal)',
      ],
    ]);
  });

  it('refuses an address that no instance could make valid, where it is written', () => {
    const issues = parseIssues(
      [
        'processes:',
        '  web:',
        '    command: ./web',
        '    port: 7000',
        '    ready:',
        '      - http: "http://127.0.0.1:$PS/"',
        '      - http: "ftp://127.0.0.1:$PORT/"',
        '      - http: "http://127.0.0.1:$HOST/"',
        '      - tcp: "127.0.0.1:$PS"',
      ].join('\n'),
    );
    expect(where(issues)).toEqual([
      [
        6,
        15,
        'processes.web.ready[0].http',
        'expected an http:// or https:// URL, got "http://127.0.0.1:$PS/"',
      ],
      [
        7,
        15,
        'processes.web.ready[1].http',
        'expected an http:// or https:// URL, got "ftp://127.0.0.1:$PORT/"',
      ],
      [
        8,
        15,
        'processes.web.ready[2].http',
        'expected an http:// or https:// URL, got "http://127.0.0.1:$HOST/" (only $PORT and $PS are left for each instance; write other variables as ${NAME})',
      ],
      [9, 14, 'processes.web.ready[3].tcp', 'expected "host:port" or a port number, got "127.0.0.1:$PS"'],
    ]);
  });

  it('refuses $PORT without a default in a process that has no PORT, and says how to give it one', () => {
    const text = (extra: string) =>
      ['processes:', '  web:', '    command: ./web', extra, '    ready: { tcp: "127.0.0.1:$PORT" }'].join(
        '\n',
      );
    expect(where(parseIssues(text('    group: web')))).toEqual([
      [
        5,
        5,
        'processes.web.ready[0].tcp',
        `tcp probe uses $PORT, but 'web' has no port: set "port: 3000" on it (replica N gets port + N − 1), or write \${PORT:-3000}`,
      ],
    ]);
    // A PORT from the process's env, or from ovrseer's own environment, is one.
    expect(processOf(parse(text('    env: { PORT: "3000" }')), 'web').ready).toHaveLength(1);
    expect(processOf(parse(text('    group: web'), { env: { PORT: '3000' } }), 'web').ready).toHaveLength(1);
    const withDefault = parse(
      [
        'processes:',
        '  web:',
        '    command: ./web',
        '    health: { http: "http://127.0.0.1:${PORT:-6700}/" }',
      ].join('\n'),
    );
    expect(processOf(withDefault, 'web').health?.probe).toMatchObject({
      url: 'http://127.0.0.1:${PORT:-6700}/',
    });
  });

  it('keeps PORT in the services: form http_get too', () => {
    const spec = parse(
      'services:\n  api:\n    command: ./api\n    healthcheck: { http_get: "http://127.0.0.1:${PORT:-3000}/health" }\n',
    );
    expect(processOf(spec, 'api').ready[0]?.probe).toMatchObject({
      url: 'http://127.0.0.1:${PORT:-3000}/health',
    });
  });

  it.each([
    [['processes', 'web', 'ready', 'http'], true],
    [['processes', 'web', 'ready', 'http', 'url'], true],
    [['processes', 'web', 'ready', 0, 'tcp'], true],
    [['processes', 'web', 'health', 'http', 'url'], true],
    [['environments', 'prod', 'processes', 'web', 'ready', 1, 'http'], true],
    [['services', 'api', 'healthcheck', 'http_get'], true],
    [['processes', 'web', 'ready', 'http', 'headers', 'Host'], false],
    [['processes', 'web', 'ready', 'log'], false],
    [['processes', 'web', 'env', 'PORT'], false],
    [['processes', 'web', 'port'], false],
  ] as const)('%j is a probe address: %s', (path, expected) => {
    expect(isProbeAddressPath(path)).toBe(expected);
  });
});
