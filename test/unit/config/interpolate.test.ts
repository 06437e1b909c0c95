// biome-ignore-all lint/suspicious/noTemplateCurlyInString: configs under test contain ${VAR} references
import { describe, expect, it } from 'vitest';
import { interpolate, isCommandPath } from '../../../src/config/interpolate.js';
import { parse, processOf } from './helpers.js';

const vars = { NAME: 'api', EMPTY: '', PORT: '3000' };

describe('interpolate', () => {
  it.each([
    ['${NAME}', 'api'],
    ['pre-${NAME}-post', 'pre-api-post'],
    ['${UNSET:-fallback}', 'fallback'],
    ['${EMPTY:-fallback}', 'fallback'],
    ['${NAME:-fallback}', 'api'],
    ['${UNSET-fallback}', 'fallback'],
    ['${EMPTY-fallback}', ''],
    ['${NAME:+set}', 'set'],
    ['${EMPTY:+set}', ''],
    ['${EMPTY+set}', 'set'],
    ['${UNSET:-a b: c}', 'a b: c'],
    ['${NAME:?needed}', 'api'],
    ['$$', '$'],
    ['$${NAME}', '${NAME}'],
    ['cost: $5', 'cost: $5'],
    ['$HOME stays', '$HOME stays'],
    ['${NAME}${PORT}', 'api3000'],
    ['no variables', 'no variables'],
  ])('%j → %j', (input, expected) => {
    expect(interpolate(input, vars)).toEqual({ ok: true, value: expected });
  });

  it.each([
    ['${UNSET:?set UNSET first}', 'variable UNSET is required: set UNSET first'],
    ['${EMPTY:?}', 'variable EMPTY is required: is empty'],
    ['${UNSET?}', 'variable UNSET is required: is not set'],
    [
      '${UNSET}',
      'variable UNSET is not set (write ${UNSET:-default} to give it a default, or $${UNSET} for a literal)',
    ],
    ['a-${NAME}-${UNSET}', 'variable UNSET is not set'],
    ['${NAME', 'unterminated "${" in "${NAME"'],
    ['${}', 'invalid variable reference "${}"'],
    ['${1ABC}', 'invalid variable reference "${1ABC}"'],
    ['${NAME!x}', 'invalid variable reference "${NAME!x}"'],
  ])('%j fails: %s', (input, message) => {
    const result = interpolate(input, vars);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toContain(message);
  });

  it('does not treat ${EMPTY?} as an error: the variable is set', () => {
    expect(interpolate('${EMPTY?}', vars)).toEqual({ ok: true, value: '' });
  });

  it('reports the offending reference, to point at it', () => {
    expect(interpolate('x ${NAME} ${NOPE:?why} y', vars)).toEqual({
      ok: false,
      message: 'variable NOPE is required: why',
      reference: '${NOPE:?why}',
    });
  });

  it('an unset plain reference is empty only where allowed', () => {
    expect(interpolate('[${UNSET}]', vars, { allowUnset: true })).toEqual({ ok: true, value: '[]' });
    expect(interpolate('[${UNSET}]', vars).ok).toBe(false);
  });
});

describe('isCommandPath', () => {
  it.each([
    [['processes', 'api', 'command'], true],
    [['processes', 'api', 'command', 1], true],
    [['processes', 0, 'args', 0], true],
    [['services', 'api', 'command'], true],
    [['processes', 'api', 'stop', 'command'], true],
    [['processes', 'api', 'ready', 'exec'], true],
    [['processes', 'api', 'ready', 2, 'exec', 0], true],
    [['processes', 'api', 'health', 'exec'], true],
    [['processes', 'api', 'env', 'command'], false],
    [['processes', 'api', 'cwd'], false],
    [['processes', 'api', 'stop', 'signal'], false],
    [['env', 'command'], false],
    [['environments', 'production', 'processes', 'api', 'command'], true],
    [['environments', 'production', 'processes', 'api', 'ready', 'exec'], true],
    [['environments', 'production', 'processes', 'api', 'env', 'A'], false],
    [['environments', 'production', 'env', 'command'], false],
  ] as const)('%j → %s', (path, expected) => {
    expect(isCommandPath(path)).toBe(expected);
  });
});

describe('interpolation in a config', () => {
  const text = [
    'name: ${PROJECT:-shop}',
    'env: { DB_URL: "postgres://${DB_HOST}/app", PRICE: "$$5" }',
    'processes:',
    '  api:',
    '    command: node server.js --port ${PORT:-3000} $$PPID',
    '    cwd: ${APP_DIR}',
    '    port: ${PORT}',
    '    disabled: ${DISABLE_API:-false}',
    '    env: { QUOTED: "${PORT}" }',
    '    stop: { command: "kill -USR1 ${PID}" }',
    '    ready: [{ exec: [curl, "${HEALTH_URL}"] }, { tcp: "localhost:${PORT}" }]',
    '  worker:',
    '    command: [worker, "${NAME}"]',
    '    health: { exec: "test -f ${FLAG}" }',
  ].join('\n');
  const spec = parse(text, {
    env: { PORT: '4000', DB_HOST: 'db.local', APP_DIR: 'app', HEALTH_URL: 'http://x' },
  });
  const api = processOf(spec, 'api');
  const worker = processOf(spec, 'worker');

  it('expands variables in ordinary strings, with defaults', () => {
    expect(spec.name).toBe('shop');
    expect(api.env.DB_URL).toBe('postgres://db.local/app');
    expect(api.env.PRICE).toBe('$5');
    expect(api.cwd).toBe('/srv/shop/app');
  });

  it('retypes an unquoted scalar as YAML would have (port: ${PORT} is a number), not a quoted one', () => {
    expect(api.port).toBe(4000);
    expect(api.disabled).toBe(false);
    expect(api.env.QUOTED).toBe('4000');
  });

  it('leaves commands, arguments, stop commands and exec probes to the shell', () => {
    expect(api.command).toEqual({
      kind: 'shell',
      script: 'node server.js --port ${PORT:-3000} $$PPID',
      shell: '/bin/sh',
    });
    expect(api.stop.command).toEqual({ kind: 'shell', script: 'kill -USR1 ${PID}', shell: '/bin/sh' });
    expect(api.ready[0]?.probe).toEqual({
      kind: 'exec',
      command: { kind: 'argv', argv: ['curl', '${HEALTH_URL}'] },
    });
    // PORT in a probe's address is each instance's own, expanded when it runs.
    expect(api.ready[1]?.probe).toEqual({ kind: 'tcp', host: 'localhost', port: '${PORT}' });
    expect(worker.command).toEqual({ kind: 'argv', argv: ['worker', '${NAME}'] });
    expect(worker.health?.probe).toEqual({
      kind: 'exec',
      command: { kind: 'shell', script: 'test -f ${FLAG}', shell: '/bin/sh' },
    });
  });

  it('${...} is fine unquoted inside flow maps, even holding , : [ ] or #', () => {
    const flow = parse(
      'processes: { a: { command: x, env: { A: ${X:-a,b}, B: ${Y:-[1]: #2}, C: $${Z} } } }\n',
    );
    expect(processOf(flow, 'a').env).toEqual({ A: 'a,b', B: '[1]: #2', C: '${Z}' });
  });

  it('reads process.env when no env is given', () => {
    process.env.OVRSEER_TEST_INTERPOLATION = 'from-process-env';
    try {
      const fromProcess = parse('processes:\n  a: { command: x, group: "${OVRSEER_TEST_INTERPOLATION}" }\n', {
        env: undefined,
      });
      expect(processOf(fromProcess, 'a').group).toBe('from-process-env');
    } finally {
      delete process.env.OVRSEER_TEST_INTERPOLATION;
    }
  });
});
