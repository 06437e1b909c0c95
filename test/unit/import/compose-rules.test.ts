// biome-ignore-all lint/suspicious/noTemplateCurlyInString: configs under test contain ${VAR} references
import { describe, expect, it } from 'vitest';
import {
  SERVICE_HANDLED,
  SERVICE_REASONS,
  TOP_HANDLED,
  TOP_REASONS,
} from '../../../src/config/import/compose-keys.js';
import { SERVICE_SPEC, TOP_SPEC } from '../../../src/config/import/compose-spec-keys.js';
import { issuesOf } from '../config/helpers.js';
import { importFile, load, proc, tempDir } from './helpers.js';

const compose = (text: string, files: Record<string, string> = {}) =>
  tempDir({ 'compose.yaml': text, ...files });

describe('compose profiles', () => {
  const text = [
    'services:',
    '  web: { command: "true" }',
    '  tools: { command: "true", profiles: [debug] }',
    '  mock: { command: "true", profiles: [dev, test] }',
  ].join('\n');

  it('a service without profiles runs; a profiled one is disabled unless a profile of it is active', () => {
    const dir = compose(text);
    const disabled = (spec: ReturnType<typeof load>) =>
      spec.processes.filter((p) => p.disabled).map((p) => p.name);
    expect(disabled(load(dir, 'compose.yaml'))).toEqual(['tools', 'mock']);
    expect(disabled(load(dir, 'compose.yaml', { profiles: ['test'] }))).toEqual(['tools']);
    expect(disabled(load(dir, 'compose.yaml', { env: { COMPOSE_PROFILES: 'debug, dev' } }))).toEqual([]);
    expect(disabled(load(dir, 'compose.yaml', { profiles: ['*'] }))).toEqual([]);
    // --profile wins over COMPOSE_PROFILES.
    expect(
      disabled(load(dir, 'compose.yaml', { profiles: ['dev'], env: { COMPOSE_PROFILES: 'debug' } })),
    ).toEqual(['tools']);
  });
});

describe('compose depends_on', () => {
  it('an undefined or disabled dependency is an error, unless required: false (then a warning)', () => {
    const dir = compose(
      [
        'services:',
        '  a:',
        '    command: "true"',
        '    depends_on: [ghost]',
        '  b:',
        '    command: "true"',
        '    depends_on: { tools: { condition: service_started } }',
        '  tools: { command: "true", profiles: [debug] }',
      ].join('\n'),
    );
    expect(issuesOf(() => load(dir, 'compose.yaml')).map((issue) => [issue.path, issue.message])).toEqual([
      [
        'services.a.depends_on[0]',
        'service "a" depends on undefined service "ghost" (add required: false to start without it)',
      ],
      [
        'services.b.depends_on.tools',
        'service "b" depends on service "tools", which is disabled: none of its profiles (debug) is active (--profile or COMPOSE_PROFILES) (add required: false to start without it)',
      ],
    ]);
    const optional = compose(
      [
        'services:',
        '  b:',
        '    command: "true"',
        '    depends_on: { tools: { condition: service_started, required: false }, ghost: { required: false } }',
        '  tools: { command: "true", profiles: [debug] }',
      ].join('\n'),
    );
    const spec = load(optional, 'compose.yaml');
    expect(proc(spec, 'b').dependsOn).toEqual([]);
    expect(spec.warnings?.map((warning) => warning.message)).toEqual([
      expect.stringMatching(
        /^service "b" depends on service "tools", which is disabled.*skipped, as it has required: false$/,
      ),
      'service "b" depends on undefined service "ghost": skipped, as it has required: false',
    ]);
    expect(proc(load(optional, 'compose.yaml', { profiles: ['debug'] }), 'b').dependsOn).toEqual([
      { name: 'tools', condition: 'started' },
    ]);
  });

  it('service_healthy on a service without a healthcheck is an error, as compose makes it', () => {
    const dir = compose(
      [
        'services:',
        '  db: { command: "sleep 9", healthcheck: { disable: true, test: "true" } }',
        '  api:',
        '    command: "true"',
        '    depends_on: { db: { condition: service_healthy } }',
      ].join('\n'),
    );
    expect(issuesOf(() => load(dir, 'compose.yaml'))).toEqual([
      expect.objectContaining({
        path: 'services.api.depends_on.db.condition',
        message: 'service "api" waits for "db" to be healthy, but "db" has no healthcheck',
      }),
    ]);
  });

  it('the conditions map to started, healthy and completed_successfully; restart: true is kept', () => {
    const dir = compose(
      [
        'services:',
        '  db: { command: "sleep 9", healthcheck: { test: ["CMD", "true"] } }',
        '  init: { command: "true" }',
        '  api:',
        '    command: "true"',
        '    depends_on:',
        '      db: { condition: service_healthy, restart: true }',
        '      init: { condition: service_completed_successfully }',
      ].join('\n'),
    );
    expect(proc(load(dir, 'compose.yaml'), 'api').dependsOn).toEqual([
      { name: 'db', condition: 'healthy', restart: true },
      { name: 'init', condition: 'completed_successfully' },
    ]);
    expect(importFile(dir, 'compose.yaml').imported.notTranslated).toEqual([]);
  });
});

describe('compose environment and env_file', () => {
  it('an entry without a value comes from the shell, else the project .env, else is absent', () => {
    const dir = compose(
      [
        'services:',
        '  a:',
        '    command: "true"',
        '    environment: [FROM_SHELL, FROM_DOTENV, NOWHERE, BOTH, "SET=x"]',
        '  b:',
        '    command: "true"',
        '    environment: { FROM_DOTENV: null, NOWHERE: null, EMPTY: "" }',
      ].join('\n'),
      { '.env': 'FROM_DOTENV=dotenv\nBOTH=dotenv\nUNUSED=1\n' },
    );
    const spec = load(dir, 'compose.yaml', { env: { FROM_SHELL: 'shell', BOTH: 'shell' } });
    expect(proc(spec, 'a').env).toEqual({
      FROM_SHELL: 'shell',
      FROM_DOTENV: 'dotenv',
      BOTH: 'shell',
      SET: 'x',
    });
    expect(proc(spec, 'b').env).toEqual({ FROM_DOTENV: 'dotenv', EMPTY: '' });
  });

  it('env_file as a string, a list and {path, required, format}: required by default, dialect compose', () => {
    const dir = compose(
      [
        'services:',
        '  a: { command: "true", env_file: a.env }',
        '  b:',
        '    command: "true"',
        '    env_file: [b.env, { path: c.env, required: false }, { path: d.env, format: raw }]',
      ].join('\n'),
    );
    const { imported } = importFile(dir, 'compose.yaml');
    const files = (name: string) => imported.processes.find((p) => p.name === name)?.envFile;
    expect(files('a')).toEqual([
      { name: 'a.env', path: ['services', 'a', 'env_file'], required: true, dialect: 'compose' },
    ]);
    expect(files('b')).toEqual([
      { name: 'b.env', path: ['services', 'b', 'env_file', 0], required: true, dialect: 'compose' },
      { name: 'c.env', path: ['services', 'b', 'env_file', 1], required: false, dialect: 'compose' },
      { name: 'd.env', path: ['services', 'b', 'env_file', 2], required: true, dialect: 'compose-raw' },
    ]);
  });

  it('the shell wins over .env in interpolation', () => {
    const dir = compose('services:\n  a: { command: "echo ${WHO} $$WHO" }\n', { '.env': 'WHO=dotenv\n' });
    expect(proc(load(dir, 'compose.yaml'), 'a').command).toEqual({
      kind: 'argv',
      argv: ['echo', 'dotenv', '$WHO'],
    });
    expect(proc(load(dir, 'compose.yaml', { env: { WHO: 'shell' } }), 'a').command).toMatchObject({
      argv: ['echo', 'shell', '$WHO'],
    });
  });
});

describe('compose entrypoint and command', () => {
  const commandOf = (service: string) =>
    proc(load(compose(`services:\n  a:\n${service}`), 'compose.yaml'), 'a').command;

  it('a string is split into words as go-shellwords does; entrypoint first, command appended', () => {
    expect(commandOf(`    command: echo "a b" 'c  d' e\\ f\n`)).toEqual({
      kind: 'argv',
      argv: ['echo', 'a b', 'c  d', 'e f'],
    });
    expect(commandOf('    entrypoint: [node, --inspect]\n    command: server.js --port 3\n')).toEqual({
      kind: 'argv',
      argv: ['node', '--inspect', 'server.js', '--port', '3'],
    });
    expect(commandOf('    entrypoint: "python3 -u"\n    command: [app.py]\n')).toEqual({
      kind: 'argv',
      argv: ['python3', '-u', 'app.py'],
    });
  });

  it('a shell operator outside quotes is refused: no shell runs the command', () => {
    const dir = compose('services:\n  a:\n    command: echo a && echo b\n');
    expect(issuesOf(() => load(dir, 'compose.yaml'))).toEqual([
      expect.objectContaining({
        path: 'services.a.command',
        message: expect.stringContaining('"&" outside quotes: compose runs the command without a shell'),
      }),
    ]);
  });
});

describe('compose restart, healthcheck, stop and replicas', () => {
  const spec = load(
    compose(
      [
        'services:',
        '  a: { command: "true", restart: "on-failure:3" }',
        '  b: { command: "true", restart: unless-stopped, healthcheck: { test: "exit 0", start_period: 4s } }',
        '  c: { command: "true", restart: "on-failure", healthcheck: { test: [NONE] } }',
        '  d: { command: "true", stop_signal: SIGINT, stop_grace_period: 1m30s, scale: 3 }',
      ].join('\n'),
    ),
    'compose.yaml',
  );

  it("restart policies with docker's timing: 100ms doubling to 1 min, reset after 10 s, no breaker", () => {
    expect(proc(spec, 'a').restart).toMatchObject({
      policy: 'on-failure',
      maxRetries: 3,
      delay: 100,
      backoff: 2,
      maxDelay: 60_000,
      minUptime: 10_000,
      crashLoop: null,
    });
    expect(proc(spec, 'b').restart.policy).toBe('unless-stopped');
    expect(proc(spec, 'c').restart).toMatchObject({ policy: 'on-failure', maxRetries: null });
    expect(proc(spec, 'd').restart.policy).toBe('no');
  });

  it('a string test runs by the shell; NONE turns the check off; defaults 30s/30s/3', () => {
    expect(proc(spec, 'b').health).toEqual({
      probe: { kind: 'exec', command: { kind: 'shell', script: 'exit 0', shell: '/bin/sh' } },
      interval: 30_000,
      timeout: 30_000,
      retries: 3,
      initialDelay: 4000,
      onFailure: 'none',
    });
    expect(proc(spec, 'c').health).toBeNull();
  });

  it('stop_signal, stop_grace_period (default 10s), scale', () => {
    expect(proc(spec, 'd')).toMatchObject({ stop: { signal: 'SIGINT', timeout: 90_000 }, replicas: 3 });
    expect(proc(spec, 'a').stop).toMatchObject({ signal: 'SIGTERM', timeout: 10_000 });
  });
});

describe('compose keys ovrseer does not translate', () => {
  it('container settings, hooks and attach are listed with their reason, x- keys are not', () => {
    const dir = compose(
      'services:\n  a:\n    command: "true"\n    hostname: box\n    privileged: true\n    attach: false\n    post_start: [{ command: x }]\n    x-mine: 1\n',
    );
    expect(importFile(dir, 'compose.yaml').imported.notTranslated).toEqual([
      { key: 'services.a.hostname', reason: expect.stringMatching(/^a container setting/) },
      { key: 'services.a.privileged', reason: expect.stringMatching(/^a container setting/) },
      { key: 'services.a.attach', reason: "ovrseer prints every process's output" },
      { key: 'services.a.post_start', reason: 'not supported: lifecycle hooks run inside the container' },
    ]);
  });
});

describe('compose keys the specification does not know', () => {
  const refused = (text: string) =>
    issuesOf(() => load(compose(text), 'compose.yaml')).map((issue) => [
      `${issue.line}:${issue.column} ${issue.path}`,
      issue.message,
    ]);

  it('a misspelt service or top-level key is an error at its line, with a suggestion', () => {
    const text = [
      'servces: {}',
      'services:',
      '  web: { command: x, restrat: always }',
      '  worker:',
      '    comand: y',
      '    frobnicate: 1',
    ].join('\n');
    expect(refused(text)).toEqual([
      ['1:1 servces', "unknown key 'servces' (did you mean 'services'?); docker compose refuses it too"],
      [
        '3:22 services.web.restrat',
        "unknown key 'restrat' (did you mean 'restart'?); docker compose refuses it too",
      ],
      [
        '5:5 services.worker.comand',
        "unknown key 'comand' (did you mean 'command'?); docker compose refuses it too",
      ],
      ['6:5 services.worker.frobnicate', "unknown key 'frobnicate'; docker compose refuses it too"],
    ]);
  });

  it('nested objects ovrseer reads are checked: healthcheck, depends_on, deploy, env_file, ports', () => {
    const text = [
      'services:',
      '  db: { command: x, healthcheck: { test: "true", intervall: 1s } }',
      '  web:',
      '    command: x',
      '    depends_on: { db: { condition: service_healthy, requird: false } }',
      '    deploy: { replicas: 1, restart_policy: { max_attempt: 2 }, resources: { limits: { memroy: 1g } } }',
      '    env_file: [{ path: .env, requried: false, x-note: 1 }]',
      '    ports: [{ target: 80, publised: 8080 }]',
    ].join('\n');
    expect(refused(text).map(([where, message]) => `${where}: ${message}`)).toEqual([
      "2:50 services.db.healthcheck.intervall: unknown key 'intervall' (did you mean 'interval'?); docker compose refuses it too",
      "5:53 services.web.depends_on.db.requird: unknown key 'requird' (did you mean 'required'?); docker compose refuses it too",
      "7:30 services.web.env_file[0].requried: unknown key 'requried' (did you mean 'required'?); docker compose refuses it too",
      "7:47 services.web.env_file[0].x-note: unknown key 'x-note'; docker compose refuses it too",
      "8:27 services.web.ports[0].publised: unknown key 'publised' (did you mean 'published'?); docker compose refuses it too",
      "6:46 services.web.deploy.restart_policy.max_attempt: unknown key 'max_attempt' (did you mean 'max_attempts'?); docker compose refuses it too",
      "6:87 services.web.deploy.resources.limits.memroy: unknown key 'memroy' (did you mean 'memory'?); docker compose refuses it too",
    ]);
  });

  it('x- keys pass wherever compose allows them; deploy keys ovrseer does not read are listed', () => {
    const dir = compose(
      [
        'x-common: &common { restart: always }',
        'services:',
        '  web:',
        '    <<: *common',
        '    command: x',
        '    x-team: core',
        '    healthcheck: { test: "true", x-why: 1 }',
        '    deploy: { mode: global, x-swarm: 1, resources: { reservations: { memory: 1g }, limits: { pids: 5 } } }',
      ].join('\n'),
    );
    expect(importFile(dir, 'compose.yaml').imported.notTranslated).toEqual([
      { key: 'services.web.deploy.mode', reason: expect.stringMatching(/^a swarm setting/) },
      { key: 'services.web.deploy.resources.reservations', reason: 'ovrseer reserves nothing' },
      {
        key: 'services.web.deploy.resources.limits.pids',
        reason: 'ovrseer does not limit the number of processes',
      },
    ]);
  });

  it('every key of the specification is read by ovrseer or listed with its own reason', () => {
    const known = [...SERVICE_HANDLED, ...Object.keys(SERVICE_REASONS)];
    expect([...SERVICE_SPEC.keys].sort()).toEqual([...known].sort());
    expect([...TOP_SPEC.keys].sort()).toEqual([...TOP_HANDLED, ...Object.keys(TOP_REASONS)].sort());
  });
});
