// biome-ignore-all lint/suspicious/noTemplateCurlyInString: probes under test contain ${PORT} references
import { describe, expect, it } from 'vitest';
import { expandInstanceVariables } from '../../../src/config/interpolate.js';
import type { ProbeSpec, ProcessSpec } from '../../../src/config/spec.js';
import { withInstanceVariables } from '../../../src/core/command.js';
import { instanceEnv } from '../../../src/core/launch.js';
import { probeForInstance } from '../../../src/core/probes/instance-probe.js';
import { TcpProbe } from '../../../src/core/probes/network-probes.js';
import { parse, processOf } from '../config/helpers.js';

const context = { baseEnv: {}, project: { name: 'shop', id: 'shop-1' } };

/** The probe each instance of `spec` runs, as ManagedProcess builds it. */
function perInstance(spec: ProcessSpec, probe: ProbeSpec): ProbeSpec[] {
  return Array.from({ length: spec.replicas }, (_, i) =>
    probeForInstance(probe, instanceEnv(spec, spec.replicas > 1 ? i + 1 : null, context, 'm')),
  );
}

function web(lines: string[], env: NodeJS.ProcessEnv = {}): ProcessSpec {
  return processOf(
    parse(['processes:', '  web:', '    command: ./web', ...lines].join('\n'), { env }),
    'web',
  );
}

describe('expandInstanceVariables', () => {
  it.each([
    ['$PORT', { PORT: '7001' }, '7001'],
    ['${PORT}', { PORT: '7001' }, '7001'],
    ['${PORT:-6700}', { PORT: '7001' }, '7001'],
    ['${PORT:-6700}', {}, '6700'],
    ['${PORT:-6700}', { PORT: '' }, '6700'],
    ['${PORT-6700}', { PORT: '' }, ''],
    ['$PS/$PORT', { PS: 'web.2', PORT: '7001' }, 'web.2/7001'],
    ['$PORTS $PORT_X ${PORTX}', { PORT: '1' }, '$PORTS $PORT_X ${PORTX}'],
    ['$HOME:$PORT', { HOME: '/root', PORT: '1' }, '$HOME:1'],
    // Nothing to expand it to: it stays as written, so the failure shows it.
    ['$PORT ${PORT} ${PORT:?needs a port}', {}, '$PORT ${PORT} ${PORT:?needs a port}'],
  ])('%s with %j → %s', (text, vars, expected) => {
    expect(expandInstanceVariables(text, vars)).toBe(expected);
  });

  it('an argv command gets them too, ${PORT:-…} included; a shell command is left to its shell', () => {
    const env = { PORT: '7002', PS: 'web.3' };
    expect(
      withInstanceVariables({ kind: 'argv', argv: ['serve', '--port=${PORT:-80}', '$PS'] }, env),
    ).toEqual({
      kind: 'argv',
      argv: ['serve', '--port=7002', 'web.3'],
    });
    const shell = { kind: 'shell', script: 'serve --port $PORT', shell: '/bin/sh' } as const;
    expect(withInstanceVariables(shell, env)).toBe(shell);
  });
});

describe('probes per instance', () => {
  it('each replica probes its own port: http, tcp and an argv exec', () => {
    const spec = web([
      '    port: 6700',
      '    replicas: 3',
      '    ready:',
      '      - http: "http://127.0.0.1:$PORT/ready?who=$PS"',
      '      - tcp: "127.0.0.1:${PORT}"',
      '      - exec: [check, "--port", "${PORT:-1}"]',
      '      - exec: "check --port $PORT"',
    ]);
    const [http, tcp, argv, shell] = spec.ready.map((ready) => perInstance(spec, ready.probe));
    expect(http?.map((probe) => probe.kind === 'http' && probe.url)).toEqual([
      'http://127.0.0.1:6700/ready?who=web.1',
      'http://127.0.0.1:6701/ready?who=web.2',
      'http://127.0.0.1:6702/ready?who=web.3',
    ]);
    expect(tcp).toEqual([6700, 6701, 6702].map((port) => ({ kind: 'tcp', host: '127.0.0.1', port })));
    expect(argv?.map((probe) => probe.kind === 'exec' && probe.command)).toEqual(
      ['6700', '6701', '6702'].map((port) => ({ kind: 'argv', argv: ['check', '--port', port] })),
    );
    // The shell reads $PORT from the instance's environment (the probe's env is instanceEnv).
    expect(shell?.map((probe) => probe.kind === 'exec' && probe.command.kind)).toEqual([
      'shell',
      'shell',
      'shell',
    ]);
  });

  it('${PORT:-6700} is the instance port when there is one, else the default, as in a command', () => {
    const line = '    ready: { http: "http://127.0.0.1:${PORT:-6700}/" }';
    const withPort = web(['    port: 7000', '    replicas: 2', line]);
    const withoutPort = web(['    replicas: 2', line]);
    const fromEnv = web(['    env: { PORT: "7100" }', line]);
    const urls = (spec: ProcessSpec) =>
      perInstance(spec, spec.ready[0]?.probe as ProbeSpec).map((probe) => probe.kind === 'http' && probe.url);
    expect(urls(withPort)).toEqual(['http://127.0.0.1:7000/', 'http://127.0.0.1:7001/']);
    expect(urls(withoutPort)).toEqual(['http://127.0.0.1:6700/', 'http://127.0.0.1:6700/']);
    expect(urls(fromEnv)).toEqual(['http://127.0.0.1:7100/']);
  });

  it('a tcp port with no PORT to expand fails the check, saying why, without connecting', async () => {
    const probe = new TcpProbe({ kind: 'tcp', host: '127.0.0.1', port: '$PORT' });
    expect(probe.description).toBe('tcp 127.0.0.1:$PORT');
    await expect(probe.check(new AbortController().signal)).resolves.toEqual({
      ok: false,
      message: 'no port to connect to: "$PORT" is not a number (set "port:" on the process)',
    });
  });
});
