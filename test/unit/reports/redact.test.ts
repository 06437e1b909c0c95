import { describe, expect, it } from 'vitest';
import {
  collectSecretValues,
  createTextRedactor,
  isSecretKey,
  REDACTED,
  redactData,
  redactReportData,
} from '../../../src/reports/redact.js';

describe('isSecretKey', () => {
  it.each([
    'API_KEY',
    'GITHUB_TOKEN',
    'PGPASSWORD',
    'SESSION_COOKIE',
    'AWS_SECRET_ACCESS_KEY',
    'client_secret',
    'Authorization',
    'GOOGLE_APPLICATION_CREDENTIALS',
    'db.password',
    'passwd',
    'npm_config__auth',
  ])('%s is secret', (key) => {
    expect(isSecretKey(key)).toBe(true);
  });

  it.each(['PORT', 'PATH', 'HOME', 'NODE_ENV', 'LOG_LEVEL', 'PWD', 'DATABASE_URL'])('%s is not', (key) => {
    expect(isSecretKey(key)).toBe(false);
  });
});

describe('text redaction', () => {
  const text = createTextRedactor(['hunter2-secret', 'ghp_abcdef123456', 'true', '123', 'p@ss word/?']);

  it.each([
    ['secret values anywhere in a line', 'login with hunter2-secret ok', `login with ${REDACTED} ok`],
    ['several on a line', 'ghp_abcdef123456:hunter2-secret', `${REDACTED}:${REDACTED}`],
    ['percent-encoded values', 'url?x=p%40ss%20word%2F%3F', `url?x=${REDACTED}`],
    ['URL credentials', 'postgres://admin:s3cr3t@db:5432/app', `postgres://admin:${REDACTED}@db:5432/app`],
    ['URL credentials with an empty user', 'redis://:pw123456@cache:6379', `redis://:${REDACTED}@cache:6379`],
    ['a password holding "@"', 'amqp://u:p@ss@mq/vhost', `amqp://u:${REDACTED}@mq/vhost`],
    [
      'URLs in JSON stay well-formed',
      '{"url":"http://a:b@c","x":"d@e"}',
      `{"url":"http://a:${REDACTED}@c","x":"d@e"}`,
    ],
    [
      'URLs without credentials',
      'GET https://example.com/a@b and mailto:x@y',
      'GET https://example.com/a@b and mailto:x@y',
    ],
    ['KEY=value assignments', 'API_KEY=abc123 node server.js', `API_KEY=${REDACTED} node server.js`],
    ['--flag=value', 'psql --password=xyz --host=db', `psql --password=${REDACTED} --host=db`],
    ['quoted assignments', 'export DB_PASSWORD="a b c"', `export DB_PASSWORD=${REDACTED}`],
    ['query strings', '/cb?access_token=t0k3n&state=1', `/cb?access_token=${REDACTED}&state=1`],
    ['JSON pairs', '{"user":"bob","password": "pw"}', `{"user":"bob","password": "${REDACTED}"}`],
    ['bearer tokens', 'Authorization: Bearer eyJhbGciOi.J9x', `Authorization: Bearer ${REDACTED}`],
    ['harmless assignments', 'PORT=3000 LOG_LEVEL=debug', 'PORT=3000 LOG_LEVEL=debug'],
    ['common and short values are not searched for', 'ok=true count=123', 'ok=true count=123'],
  ])('%s', (_name, input, expected) => {
    expect(text(input)).toBe(expected);
  });

  it('replaces the longest secret first when one contains another', () => {
    const redact = createTextRedactor(['abcd', 'abcdefgh']);
    expect(redact('x abcdefgh y')).toBe(`x ${REDACTED} y`);
  });

  it('is idempotent', () => {
    const once = text('postgres://admin:s3cr3t@db API_KEY=abc hunter2-secret');
    expect(text(once)).toBe(once);
  });
});

describe('data redaction', () => {
  it('blanks values under secret keys at any depth, and in argv lists after a secret flag', () => {
    const data = {
      env: { API_KEY: 'k-123456', PORT: '3000' },
      headers: { Authorization: 'Basic dXNlcjpwYXNz' },
      context: { auth: { user: 'bob', pass: 'x' }, attempts: 3 },
      argv: ['psql', '--password', 'pw-999999', '--host', 'db'],
    };
    expect(redactData(data, (t) => t)).toEqual({
      env: { API_KEY: REDACTED, PORT: '3000' },
      headers: { Authorization: REDACTED },
      context: { auth: { user: REDACTED, pass: REDACTED }, attempts: 3 },
      argv: ['psql', '--password', REDACTED, '--host', 'db'],
    });
  });

  it('collects the values to search for', () => {
    const found = collectSecretValues({
      env: { GITHUB_TOKEN: 'ghp_1', HOME: '/root' },
      list: ['--token', 'tk'],
    });
    expect([...found].sort()).toEqual(['ghp_1', 'tk']);
  });

  it('removes a secret env value from log lines, the command and the context', () => {
    const report = {
      env: { GITHUB_TOKEN: 'ghp_supersecret', PGPASSWORD: 'pg-pass-1' },
      spec: { command: { kind: 'shell', script: 'curl -H "x: ghp_supersecret" https://api' }, env: {} },
      lines: [{ time: 1, stream: 'out', text: 'my token is ghp_supersecret, db pg-pass-1' }],
      context: { note: 'retried with ghp_supersecret' },
    };
    const redacted = redactReportData(report);
    const json = JSON.stringify(redacted);
    expect(json).not.toContain('ghp_supersecret');
    expect(json).not.toContain('pg-pass-1');
    expect(redacted.lines[0]?.text).toBe(`my token is ${REDACTED}, db ${REDACTED}`);
    expect(redacted.env).toEqual({ GITHUB_TOKEN: REDACTED, PGPASSWORD: REDACTED });
  });

  it('does not touch the input', () => {
    const report = { env: { API_KEY: 'abcdef' }, lines: ['abcdef'] };
    redactReportData(report);
    expect(report).toEqual({ env: { API_KEY: 'abcdef' }, lines: ['abcdef'] });
  });

  it('keeps a "__proto__" key as data', () => {
    const data = JSON.parse('{"__proto__": {"token": "tttttt"}}') as object;
    const redacted = redactData(data, (t) => t) as Record<string, unknown>;
    expect(Object.getPrototypeOf(redacted)).toBe(Object.prototype);
    expect(JSON.stringify(redacted)).toBe(`{"__proto__":{"token":"${REDACTED}"}}`);
  });
});
