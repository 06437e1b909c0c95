import { constants } from 'node:os';
import { describe, expect, it } from 'vitest';
import { parse, parseIssues, processOf } from './helpers.js';

const minimal = parse('processes:\n  web:\n    command: npm start\n');
const web = processOf(minimal, 'web');

describe('process defaults', () => {
  it('fills every field of a process given only a command', () => {
    expect(web).toEqual({
      name: 'web',
      type: 'service',
      command: { kind: 'shell', script: 'npm start', shell: '/bin/sh' },
      cwd: '/srv/shop',
      env: {},
      dependsOn: [],
      ready: [],
      health: null,
      restart: {
        policy: 'no',
        maxRetries: null,
        delay: 1000,
        backoff: 2,
        maxDelay: 30_000,
        minUptime: 1000,
        resetAfter: 60_000,
        exitCodes: [0],
        crashLoop: { maxCrashes: 5, window: 60_000 },
      },
      stop: { signal: 'SIGTERM', timeout: 10_000, command: null, commandOnly: false },
      group: null,
      tags: [],
      priority: 0,
      replicas: 1,
      port: null,
      user: null,
      limits: { memory: null, cpu: null, cpuAction: 'warn' },
      watch: null,
      cronRestart: null,
      instanceVars: {},
      log: { file: true, maxSize: 10 * 1024 * 1024, keep: 5 },
      disabled: false,
      adopt: null,
    });
  });

  it('project name defaults to the directory name; settings to the documented values', () => {
    expect(minimal.name).toBe('shop');
    expect(minimal.dir).toBe('/srv/shop');
    expect(minimal.settings).toEqual({
      shutdownTimeout: 10_000,
      stateDir: '/srv/shop/.ovrseer',
      logBufferLines: 10_000,
      metricsInterval: 1000,
      limits: { maxProcesses: 200, maxCrashReports: 100, maxCrashReportSize: 1024 * 1024 },
      api: { socket: true, listen: null, token: null, allowRemote: false, tls: null },
      reports: { snapshot: false },
    });
  });

  it('stop.timeout defaults to settings.shutdown_timeout', () => {
    const spec = parse(
      'settings: { shutdown_timeout: 3s }\nprocesses:\n  a: { command: x }\n  b: { command: y, stop: { timeout: 1s } }\n',
    );
    expect(processOf(spec, 'a').stop.timeout).toBe(3000);
    expect(processOf(spec, 'b').stop.timeout).toBe(1000);
  });

  it('keeps the file order of processes, even with integer-like names', () => {
    const spec = parse(
      'processes:\n  zeta: { command: x }\n  "2": { command: x }\n  alpha: { command: x }\n  "1": { command: x }\n',
    );
    expect(spec.processes.map((p) => p.name)).toEqual(['zeta', '2', 'alpha', '1']);
  });
});

describe('commands', () => {
  it("a string runs in the process's shell, a list is exec'd", () => {
    const spec = parse(
      'processes:\n  a: { command: "echo $HOME", shell: /bin/bash }\n  b: { command: [ls, -la, "my dir"] }\n',
    );
    expect(processOf(spec, 'a').command).toEqual({ kind: 'shell', script: 'echo $HOME', shell: '/bin/bash' });
    expect(processOf(spec, 'b').command).toEqual({ kind: 'argv', argv: ['ls', '-la', 'my dir'] });
  });

  it('list form: a lone command runs in the shell; shell: true quotes args into the script', () => {
    const spec = parse(
      'processes:\n  - { id: a, command: "npm run dev" }\n  - { id: b, command: echo, args: [hi there, 2], shell: true }\n  - { id: c, command: ./run, shell: false }\n',
    );
    expect(processOf(spec, 'a').command).toEqual({ kind: 'shell', script: 'npm run dev', shell: '/bin/sh' });
    expect(processOf(spec, 'b').command).toEqual({
      kind: 'shell',
      script: "echo 'hi there' 2",
      shell: '/bin/sh',
    });
    expect(processOf(spec, 'c').command).toEqual({ kind: 'argv', argv: ['./run'] });
  });
});

describe('types', () => {
  it.each([
    ['dependency', 'dependency'],
    ['service', 'service'],
    ['main', 'service'],
    ['task', 'task'],
    ['cleanup', 'cleanup'],
  ])('%s → %s', (written, type) => {
    expect(processOf(parse(`processes:\n  a: { command: x, type: ${written} }\n`), 'a').type).toBe(type);
  });
});

describe('depends_on', () => {
  const spec = parse(
    [
      'processes:',
      '  db: { command: x }',
      '  cache: { command: x }',
      '  list: { command: x, depends_on: [db, cache] }',
      '  one: { command: x, depends_on: db }',
      '  map: { command: x, depends_on: { db: { condition: healthy }, cache: started } }',
      '  empty: { command: x, depends_on: { db: {}, cache: ~ } }',
      '  migrate: { command: x, type: task }',
      '  done: { command: x, depends_on: { migrate: completed_successfully } }',
    ].join('\n'),
  );

  it('a list means condition ready', () => {
    expect(processOf(spec, 'list').dependsOn).toEqual([
      { name: 'db', condition: 'ready' },
      { name: 'cache', condition: 'ready' },
    ]);
    expect(processOf(spec, 'one').dependsOn).toEqual([{ name: 'db', condition: 'ready' }]);
  });

  it('a map gives conditions, as {condition} or directly', () => {
    expect(processOf(spec, 'map').dependsOn).toEqual([
      { name: 'db', condition: 'healthy' },
      { name: 'cache', condition: 'started' },
    ]);
    expect(processOf(spec, 'empty').dependsOn).toEqual([
      { name: 'db', condition: 'ready' },
      { name: 'cache', condition: 'ready' },
    ]);
    expect(processOf(spec, 'done').dependsOn).toEqual([
      { name: 'migrate', condition: 'completed_successfully' },
    ]);
  });

  it('rejects unknown conditions', () => {
    const issues = parseIssues(
      'processes:\n  db: { command: x }\n  a: { command: x, depends_on: { db: up } }\n',
    );
    expect(issues[0]?.path).toBe('processes.a.depends_on.db');
    expect(issues[0]?.message).toMatch(
      /^expected one of started, ready, healthy, completed, completed_successfully/,
    );
  });
});

describe('probes', () => {
  const spec = parse(
    [
      'processes:',
      '  a:',
      '    command: x',
      '    ready:',
      '      - { log: "listening on \\\\d+" }',
      '      - { log: { pattern: ready, flags: i }, initial_delay: 1s }',
      '      - { http: { url: "https://x/h", status: 2xx, method: HEAD, headers: { Host: y } }, interval: 1s, timeout: 9s }',
      '      - { http: { url: "http://x", status: 204 } }',
      '      - { http: { url: "http://x", status: "200-299" } }',
      '      - { tcp: "db.local:5432" }',
      '      - { tcp: 6379 }',
      '      - { tcp: "[::1]:80" }',
      '      - { exec: "pg_isready" }',
      '    health: { log: "FATAL", not_found_means_healthy: true }',
      '  b:',
      '    command: x',
      '    shell: /bin/bash',
      '    ready: { exec: [test, -f, ready] }',
      '    health: { exec: "curl -f localhost", on_failure: none, retries: 5, initial_delay: 10s }',
    ].join('\n'),
  );
  const a = processOf(spec, 'a');
  const b = processOf(spec, 'b');

  it('ready: defaults interval 250ms, timeout 60s, initial_delay 0', () => {
    expect(a.ready[0]).toEqual({
      probe: { kind: 'log', pattern: 'listening on \\d+', flags: '', notFoundMeansHealthy: false },
      interval: 250,
      timeout: 60_000,
      initialDelay: 0,
    });
    expect(a.ready[1]).toMatchObject({
      probe: { kind: 'log', pattern: 'ready', flags: 'i' },
      initialDelay: 1000,
    });
  });

  it('http: url, method, headers, status 200 | "2xx" | "200-399" (default 200-399)', () => {
    expect(a.ready[2]).toEqual({
      probe: {
        kind: 'http',
        url: 'https://x/h',
        method: 'HEAD',
        headers: { Host: 'y' },
        status: { min: 200, max: 299 },
      },
      interval: 1000,
      timeout: 9000,
      initialDelay: 0,
    });
    expect(a.ready[3]?.probe).toMatchObject({ method: 'GET', status: { min: 204, max: 204 } });
    expect(a.ready[4]?.probe).toMatchObject({ status: { min: 200, max: 299 } });
  });

  it('tcp: host:port, a bare port on 127.0.0.1, bracketed IPv6', () => {
    expect(a.ready.slice(5, 8).map((r) => r.probe)).toEqual([
      { kind: 'tcp', host: 'db.local', port: 5432 },
      { kind: 'tcp', host: '127.0.0.1', port: 6379 },
      { kind: 'tcp', host: '::1', port: 80 },
    ]);
  });

  it("exec: a string runs in the process's shell, a list directly", () => {
    expect(a.ready[8]?.probe).toEqual({
      kind: 'exec',
      command: { kind: 'shell', script: 'pg_isready', shell: '/bin/sh' },
    });
    expect(b.ready[0]?.probe).toEqual({
      kind: 'exec',
      command: { kind: 'argv', argv: ['test', '-f', 'ready'] },
    });
  });

  it('health: defaults interval 10s, timeout 5s, retries 3, on_failure restart, initial_delay 0', () => {
    expect(a.health).toEqual({
      probe: { kind: 'log', pattern: 'FATAL', flags: '', notFoundMeansHealthy: true },
      interval: 10_000,
      timeout: 5000,
      retries: 3,
      onFailure: 'restart',
      initialDelay: 0,
    });
    expect(b.health).toEqual({
      probe: { kind: 'exec', command: { kind: 'shell', script: 'curl -f localhost', shell: '/bin/bash' } },
      interval: 10_000,
      timeout: 5000,
      retries: 5,
      onFailure: 'none',
      initialDelay: 10_000,
    });
  });

  it('rejects two probes in one entry, bad statuses and not_found_means_healthy off a log probe', () => {
    const issues = parseIssues(
      [
        'processes:',
        '  a:',
        '    command: x',
        '    ready: { log: x, tcp: 80 }',
        '    health: { tcp: 80, not_found_means_healthy: true }',
        '  b:',
        '    command: x',
        '    ready: { http: { url: "http://x", status: 7xx } }',
      ].join('\n'),
    );
    expect(issues.map((i) => [i.path, i.message])).toEqual([
      ['processes.a.ready', 'one probe per entry, got log and tcp (use a list for several)'],
      ['processes.a.health.not_found_means_healthy', 'not_found_means_healthy only applies to a log probe'],
      ['processes.b.ready.http.status', 'expected a status such as 200, "2xx" or "200-399", got "7xx"'],
    ]);
  });
});

describe('restart', () => {
  it.each([
    ['no', 'no'],
    ['never', 'no'],
    ['always', 'always'],
    ['on-failure', 'on-failure'],
    ['unless-stopped', 'unless-stopped'],
    ['false', 'no'],
  ])('restart: %s → policy %s', (written, policy) => {
    expect(
      processOf(parse(`processes:\n  a: { command: x, restart: ${written} }\n`), 'a').restart.policy,
    ).toBe(policy);
  });

  it('object form, with aliases mode/type and max_restarts', () => {
    const spec = parse(
      [
        'processes:',
        '  a: { command: x, restart: { policy: always, max_retries: 2, delay: 500ms, backoff: 1.5, max_delay: 1m, min_uptime: 10s, exit_codes: [0, 143] } }',
        '  b: { command: x, restart: { mode: on-failure, max_restarts: 7 } }',
        '  c: { command: x, restart: { type: always, exit_codes: 2 } }',
        '  d: { command: x, restart: { policy: always, crash_loop: { max_crashes: 3, window: 10s } } }',
        '  e: { command: x, restart: { policy: always, crash_loop: false } }',
      ].join('\n'),
    );
    expect(processOf(spec, 'a').restart).toEqual({
      policy: 'always',
      maxRetries: 2,
      delay: 500,
      backoff: 1.5,
      maxDelay: 60_000,
      minUptime: 10_000,
      resetAfter: 60_000,
      exitCodes: [0, 143],
      crashLoop: { maxCrashes: 5, window: 60_000 },
    });
    expect(processOf(spec, 'b').restart).toMatchObject({ policy: 'on-failure', maxRetries: 7, delay: 1000 });
    expect(processOf(spec, 'c').restart).toMatchObject({
      policy: 'always',
      maxRetries: null,
      exitCodes: [2],
    });
    expect(processOf(spec, 'd').restart.crashLoop).toEqual({ maxCrashes: 3, window: 10_000 });
    expect(processOf(spec, 'e').restart.crashLoop).toBeNull();
  });

  it('reset_after: a duration in every form that has restart settings; 0 is refused', () => {
    const canonical = parse(
      'processes:\n  a: { command: x, restart: { policy: always, max_retries: 3, reset_after: 5m } }\n',
    );
    expect(processOf(canonical, 'a').restart).toMatchObject({ maxRetries: 3, resetAfter: 300_000 });
    const list = parse(
      'processes:\n  - { id: a, command: x, restartPolicy: { type: on-failure, maxRetries: 3, resetAfter: 30s } }\n',
    );
    expect(processOf(list, 'a').restart).toMatchObject({ maxRetries: 3, resetAfter: 30_000 });
    const prox = parse('services:\n  a: { command: x, restart: { policy: always, reset_after: 2m } }\n');
    expect(processOf(prox, 'a').restart.resetAfter).toBe(120_000);
    const issues = parseIssues(
      'processes:\n  a: { command: x, restart: { policy: always, reset_after: 0 } }\n',
    );
    expect(issues.map((i) => [i.path, i.message])).toEqual([
      [
        'processes.a.restart.reset_after',
        'reset_after must be longer than 0: it is how long a run must last to reset the max_retries count',
      ],
    ]);
  });

  it('rejects two aliases at once', () => {
    const issues = parseIssues(
      'processes:\n  a: { command: x, restart: { policy: always, mode: always } }\n',
    );
    expect(issues.map((i) => [i.path, i.message])).toEqual([
      ['processes.a.restart.mode', "'policy' and 'mode' are aliases: give only one"],
    ]);
  });

  it('list form: restartDelay, backoffMultiplier, and codes (the exit codes that restart)', () => {
    const spec = parse(
      'processes:\n  - { id: a, command: x, restartPolicy: { type: on-failure, codes: [1, 2] }, restartDelay: 250, backoffMultiplier: 3 }\n',
    );
    const restart = processOf(spec, 'a').restart;
    expect(restart).toMatchObject({ policy: 'on-failure', delay: 250, backoff: 3, maxRetries: null });
    expect(restart.exitCodes).toHaveLength(254);
    expect(restart.exitCodes).toContain(0);
    expect(restart.exitCodes).toContain(3);
    expect(restart.exitCodes).not.toContain(1);
    expect(restart.exitCodes).not.toContain(2);
  });
});

describe('stop', () => {
  it.each([
    ['SIGINT', 'SIGINT'],
    ['TERM', 'SIGTERM'],
    ['hup', 'SIGHUP'],
    ['SIGQUIT', 'SIGQUIT'],
  ])('signal %s → %s', (written, signal) => {
    expect(
      processOf(parse(`processes:\n  a: { command: x, stop: { signal: ${written} } }\n`), 'a').stop.signal,
    ).toBe(signal);
    expect(signal in constants.signals).toBe(true);
  });

  it('a stop command runs in the process shell', () => {
    const spec = parse('processes:\n  a: { command: x, stop: { command: "nginx -s quit", timeout: 30s } }\n');
    expect(processOf(spec, 'a').stop).toEqual({
      signal: 'SIGTERM',
      timeout: 30_000,
      command: { kind: 'shell', script: 'nginx -s quit', shell: '/bin/sh' },
      commandOnly: false,
    });
  });

  it('command_only: the stop command instead of the signal; it needs a command', () => {
    const spec = parse(
      'processes:\n  a: { command: x, stop: { command: "nginx -s quit", command_only: true } }\n',
    );
    expect(processOf(spec, 'a').stop.commandOnly).toBe(true);
    expect(() => parse('processes:\n  a: { command: x, stop: { command_only: true } }\n')).toThrow(
      /processes\.a\.stop\.command_only: command_only needs stop\.command/,
    );
  });
});

describe('other process fields', () => {
  const spec = parse(
    [
      'processes:',
      '  a:',
      '    command: x',
      '    cwd: ../elsewhere',
      '    group: web',
      '    tags: backend',
      '    priority: -2',
      '    replicas: 3',
      '    port: 8080',
      '    limits: { memory: 1.5GB, cpu: "150%" }',
      '    watch: true',
      '    log: false',
      '    disabled: true',
      '  b:',
      '    command: x',
      '    cwd: /opt/b',
      '    limits: { cpu: 50, cpu_action: restart }',
      '    watch: { ignore: [node_modules], debounce: 1s }',
      '    log: { max_size: 512KB, keep: 0 }',
      '  c:',
      '    command: x',
      '    watch: { paths: [src, /etc/app.conf] }',
    ].join('\n'),
  );
  const a = processOf(spec, 'a');
  const b = processOf(spec, 'b');
  const c = processOf(spec, 'c');

  it('cwd resolves against the config directory (existence is checked at spawn)', () => {
    expect(a.cwd).toBe('/srv/elsewhere');
    expect(b.cwd).toBe('/opt/b');
  });

  it('group, tags (a string is one tag), priority, replicas, port, disabled', () => {
    expect([a.group, a.tags, a.priority, a.replicas, a.port, a.disabled]).toEqual([
      'web',
      ['backend'],
      -2,
      3,
      8080,
      true,
    ]);
  });

  it('limits: memory is a size, cpu a percentage of one core, cpu_action warn by default', () => {
    expect(a.limits).toEqual({ memory: 1.5 * 1024 ** 3, cpu: 150, cpuAction: 'warn' });
    expect(b.limits).toEqual({ memory: null, cpu: 50, cpuAction: 'restart' });
  });

  it('watch: true watches cwd; paths resolve against cwd; debounce defaults to 300ms', () => {
    expect(a.watch).toEqual({ paths: ['/srv/elsewhere'], ignore: [], debounce: 300 });
    expect(b.watch).toEqual({ paths: ['/opt/b'], ignore: ['node_modules'], debounce: 1000 });
    expect(c.watch).toEqual({ paths: ['/srv/shop/src', '/etc/app.conf'], ignore: [], debounce: 300 });
  });

  it('log: false turns off the file; partial objects keep the other defaults', () => {
    expect(a.log).toEqual({ file: false, maxSize: 10 * 1024 * 1024, keep: 5 });
    expect(b.log).toEqual({ file: true, maxSize: 512 * 1024, keep: 0 });
  });

  it('user: name, uid, uid:gid and name:group resolve to ids', () => {
    const users = parse(
      'processes:\n  a: { command: x, user: root }\n  b: { command: x, user: 0 }\n  c: { command: x, user: "1234:5678" }\n  d: { command: x, user: "root:0" }\n',
    );
    expect(users.processes.map((p) => p.user)).toEqual([
      { uid: 0, gid: 0 },
      { uid: 0, gid: 0 },
      { uid: 1234, gid: 5678 },
      { uid: 0, gid: 0 },
    ]);
  });
});

describe('settings', () => {
  it('reads every setting', () => {
    const spec = parse(
      [
        'settings:',
        '  shutdown_timeout: 30s',
        '  state_dir: /var/lib/ovrseer',
        '  log_buffer_lines: 500',
        '  metrics_interval: 5s',
        '  limits: { max_processes: 10, max_crash_reports: 5, max_crash_report_size: 64KB }',
        '  api: { socket: false, listen: 9090, token: abc }',
        '  reports: { snapshot: true }',
        'processes:',
        '  a: { command: x }',
      ].join('\n'),
    );
    expect(spec.settings).toEqual({
      shutdownTimeout: 30_000,
      stateDir: '/var/lib/ovrseer',
      logBufferLines: 500,
      metricsInterval: 5000,
      limits: { maxProcesses: 10, maxCrashReports: 5, maxCrashReportSize: 64 * 1024 },
      api: { socket: false, listen: '127.0.0.1:9090', token: 'abc', allowRemote: false, tls: null },
      reports: { snapshot: true },
    });
  });

  it('partial limits keep the other defaults', () => {
    const spec = parse(
      'settings: { limits: { max_processes: 5 }, api: { listen: "0.0.0.0:80", allow_remote: true, tls: { cert: c.pem, key: k.pem } } }\nprocesses:\n  a: { command: x }\n',
    );
    expect(spec.settings.limits).toEqual({
      maxProcesses: 5,
      maxCrashReports: 100,
      maxCrashReportSize: 1024 * 1024,
    });
    expect(spec.settings.api).toMatchObject({
      socket: true,
      listen: '0.0.0.0:80',
      token: null,
      allowRemote: true,
    });
  });
});

describe('YAML conveniences', () => {
  it('x- keys hold anchors that processes merge with <<', () => {
    const spec = parse(
      [
        'x-node: &node',
        '  restart: always',
        '  env: { NODE_ENV: production }',
        'processes:',
        '  a:',
        '    <<: *node',
        '    command: node a.js',
      ].join('\n'),
    );
    expect(processOf(spec, 'a')).toMatchObject({
      restart: { policy: 'always' },
      env: { NODE_ENV: 'production' },
    });
  });
});
