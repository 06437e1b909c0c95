// biome-ignore-all lint/suspicious/noTemplateCurlyInString: configs under test contain ${VAR} references
import { describe, expect, it } from 'vitest';
import { issuesOf } from '../config/helpers.js';
import { IMPORT_FIXTURES, importFile, load, proc, tempDir } from './helpers.js';

const DIR = `${IMPORT_FIXTURES}process-compose`;
const FILE = 'process-compose.yaml';
const NO_LIMIT = 2_147_483_647;
const SH = { env: { COMPOSE_SHELL: '/bin/sh' } };

function one(yaml: string, name = 'a') {
  return proc(load(tempDir({ [FILE]: yaml }), FILE), name);
}

describe('process-compose import', () => {
  const spec = load(DIR, FILE);

  it('processes, with the global environment under their own, PC_PROC_NAME and PC_REPLICA_NUM', () => {
    expect(spec.processes.map((p) => p.name)).toEqual([
      'db',
      'migrate',
      'api',
      'worker',
      'docs',
      'queue-0',
      'queue-1',
    ]);
    expect(proc(spec, 'api').env).toEqual({
      LOG_FORMAT: 'json',
      DB_URL: 'postgres://localhost:5433/app',
      SECRET: 'dev-secret',
      PC_PROC_NAME: 'api',
      PC_REPLICA_NUM: '0',
    });
    expect(proc(spec, 'api').cwd).toBe(`${DIR}/services/api`);
  });

  it('replicas are name-N from 0, each with its PC_REPLICA_NUM and {{.PC_REPLICA_NUM}}', () => {
    expect(proc(spec, 'queue-1').env).toMatchObject({ PC_PROC_NAME: 'queue', PC_REPLICA_NUM: '1' });
    expect(proc(spec, 'queue-1').command).toEqual({
      kind: 'shell',
      script: './bin/queue --slot 1',
      shell: 'bash',
    });
    const ten = load(tempDir({ [FILE]: 'processes:\n  w: { command: x, replicas: 10 }\n' }), FILE);
    expect(ten.processes.map((p) => p.name).slice(0, 2)).toEqual(['w-00', 'w-01']);
  });

  it('ready_log_line is a log ready check without a time limit; process_log_ready waits for it', () => {
    expect(proc(spec, 'db').ready).toEqual([
      {
        probe: {
          kind: 'log',
          pattern: 'database system is ready to accept connections',
          flags: '',
          notFoundMeansHealthy: false,
        },
        interval: 250,
        timeout: NO_LIMIT,
        initialDelay: 0,
      },
    ]);
    expect(proc(spec, 'migrate').dependsOn).toEqual([{ name: 'db', condition: 'ready' }]);
  });

  it('a readiness probe alone is polled for good: failure_threshold failures restart (health)', () => {
    const a = one(
      'processes:\n  a:\n    command: x\n    readiness_probe:\n      exec: { command: "test -f ok", working_dir: /tmp }\n      period_seconds: 2\n      failure_threshold: 4\n      initial_delay_seconds: 1\n  b:\n    command: y\n    depends_on: { a: { condition: process_healthy } }\n',
    );
    expect(a.ready).toEqual([]);
    expect(a.health).toEqual({
      probe: {
        kind: 'exec',
        command: { kind: 'shell', script: 'cd /tmp && test -f ok', shell: 'bash' },
      },
      interval: 2000,
      timeout: 1000,
      retries: 4,
      initialDelay: 1000,
      onFailure: 'restart',
    });
  });

  it('process_healthy waits for healthy when the readiness probe is the health check', () => {
    const dir = tempDir({
      [FILE]:
        'processes:\n  a:\n    command: x\n    readiness_probe: { http_get: { port: 8080, path: /h } }\n  b:\n    command: y\n    depends_on: { a: { condition: process_healthy } }\n',
    });
    const s = load(dir, FILE);
    expect(proc(s, 'b').dependsOn).toEqual([{ name: 'a', condition: 'healthy' }]);
    expect(proc(s, 'a').health?.probe).toEqual({
      kind: 'http',
      url: 'http://127.0.0.1:8080/h',
      method: 'GET',
      headers: {},
      status: { min: 200, max: 200 },
    });
  });

  it('with both probes: readiness is a ready check, liveness the health check (in ms)', () => {
    const api = proc(spec, 'api');
    expect(api.ready).toEqual([
      {
        probe: {
          kind: 'http',
          url: 'http://127.0.0.1:8080/ready',
          method: 'GET',
          headers: {},
          status: { min: 200, max: 200 },
        },
        interval: 1000,
        initialDelay: 2000,
        timeout: 33_000,
      },
    ]);
    expect(api.health).toEqual({
      probe: {
        kind: 'exec',
        command: { kind: 'shell', script: 'curl -fs http://127.0.0.1:8080/health', shell: 'bash' },
      },
      interval: 10_000,
      timeout: 2000,
      retries: 3,
      initialDelay: 0,
      onFailure: 'restart',
    });
    expect(proc(spec, 'worker').dependsOn).toEqual([{ name: 'api', condition: 'ready' }]);
  });

  it('process_healthy without a readiness probe, process_log_ready without a line: config errors', () => {
    const dir = tempDir({
      [FILE]:
        'processes:\n  a: { command: x }\n  b:\n    command: y\n    depends_on:\n      a: { condition: process_healthy }\n  c:\n    command: z\n    depends_on:\n      a: { condition: process_log_ready }\n',
    });
    expect(issuesOf(() => load(dir, FILE)).map((i) => `${i.line} ${i.path}`)).toEqual([
      '6 processes.b.depends_on.a.condition',
      '10 processes.c.depends_on.a.condition',
    ]);
  });

  it('availability: restart policies, a constant backoff of at least 1 s, nothing resets the count', () => {
    expect(proc(spec, 'api').restart).toMatchObject({
      policy: 'on-failure',
      delay: 3000,
      backoff: 1,
      maxDelay: 3000,
      maxRetries: 5,
      crashLoop: null,
      resetAfter: NO_LIMIT,
    });
    expect(proc(spec, 'api').group).toBe('backend');
    expect(proc(spec, 'db').restart).toMatchObject({ policy: 'always', delay: 1000, maxRetries: null });
    expect(proc(spec, 'migrate').restart.policy).toBe('no');
    expect(proc(spec, 'worker').restart.policy).toBe('no');
    expect(proc(spec, 'docs').disabled).toBe(true);
    expect(one('processes:\n  a: { command: x }\n').restart.policy).toBe('no');
    expect(one('processes:\n  a: { command: x, success_exit_codes: [3] }\n').restart.exitCodes).toEqual([
      0, 3,
    ]);
  });

  it('exit_on_end, exit_on_failure and exit_on_skipped are the exit rule of up', () => {
    const { imported } = importFile(
      tempDir({
        [FILE]:
          'processes:\n  a: { command: x, availability: { exit_on_end: true } }\n  b: { command: y, availability: { restart: exit_on_failure, exit_on_skipped: true } }\n  c: { command: z }\n',
      }),
      FILE,
    );
    expect(imported.exit).toEqual({ stopOn: { a: ['end'], b: ['failure', 'skipped'] }, codeFrom: null });
  });

  it('shutdown: command, signal number, timeout (none with a signal: wait as long as it takes)', () => {
    expect(proc(spec, 'db').stop).toEqual({
      signal: 'SIGINT',
      timeout: 15_000,
      command: { kind: 'shell', script: 'pg_ctl stop -D ./data -m fast', shell: 'bash' },
      commandOnly: true,
    });
    expect(one('processes:\n  a: { command: x, shutdown: { command: "kill $PID" } }\n').stop.timeout).toBe(
      10_000,
    );
    expect(one('processes:\n  a: { command: x }\n').stop).toMatchObject({
      signal: 'SIGTERM',
      timeout: NO_LIMIT,
      commandOnly: false,
    });
  });

  it('shell: shell_command and shell_argument run every command; -c is a shell, others an argv', () => {
    expect(
      one('shell: { shell_command: /bin/dash, shell_argument: -c }\nprocesses:\n  a: { command: echo hi }\n')
        .command,
    ).toEqual({ kind: 'shell', script: 'echo hi', shell: '/bin/dash' });
    const a = one(
      'shell: { shell_command: bash, shell_argument: -lc }\nprocesses:\n  a: { command: echo hi, shutdown: { command: stop } }\n',
    );
    expect(a.command).toEqual({ kind: 'argv', argv: ['bash', '-lc', 'echo hi'] });
    expect(a.stop.command).toEqual({ kind: 'argv', argv: ['bash', '-lc', 'stop'] });
    expect(
      proc(load(tempDir({ [FILE]: 'processes:\n  a: { command: x }\n' }), FILE, SH), 'a').command,
    ).toEqual({
      kind: 'shell',
      script: 'x',
      shell: '/bin/sh',
    });
  });

  it('vars: global and per process, {{.NAME}} in command, working_dir and probes; <no value> when missing', () => {
    const a = one(
      'vars: { PORT: 8080, NAME: g }\nprocesses:\n  a:\n    vars: { NAME: own }\n    command: "serve {{.NAME}} {{ .PORT }} {{.NOPE}}"\n    working_dir: "/tmp/{{.NAME}}"\n    liveness_probe: { http_get: { port: "{{.PORT}}", path: "/{{.NAME}}" } }\n',
    );
    expect(a.command).toMatchObject({ script: 'serve own 8080 <no value>' });
    expect(a.cwd).toBe('/tmp/own');
    expect(a.health?.probe).toMatchObject({ url: 'http://127.0.0.1:8080/own' });
    const dir = tempDir({ [FILE]: 'processes:\n  a: { command: "{{if .X}}x{{end}}" }\n' });
    expect(issuesOf(() => load(dir, FILE))[0]?.message).toMatch(/only \{\{\.NAME\}\} of vars/);
    expect(one('processes:\n  a: { command: "{{.X}}", is_template_disabled: true }\n').command).toMatchObject(
      {
        script: '{{.X}}',
      },
    );
  });

  it('env_cmds: the trimmed output of each command is a variable of every process', () => {
    const s = load(
      tempDir({
        [FILE]: 'env_cmds:\n  WHO: "echo \'  me  \'"\n  BAD: "exit 3"\nprocesses:\n  a: { command: x }\n',
      }),
      FILE,
      SH,
    );
    expect(proc(s, 'a').env).toMatchObject({ WHO: 'me' });
    expect(proc(s, 'a').env.BAD).toBeUndefined();
  });

  it('env_file per process and at the top, read as godotenv files', () => {
    const dir = tempDir({
      [FILE]: 'env_file: top.env\nprocesses:\n  a: { command: x, env_file: a.env, environment: [C=own] }\n',
      'top.env': 'A=top\nB=top\n',
      'a.env': 'B=a\nC=a\n',
    });
    expect(proc(load(dir, FILE), 'a').env).toMatchObject({ A: 'top', B: 'a', C: 'own' });
  });

  it('extends: the base process under the process, maps merged key by key', () => {
    const s = load(
      tempDir({
        [FILE]:
          'processes:\n  base:\n    command: x\n    environment: [A=1]\n    availability: { restart: always, backoff_seconds: 4 }\n  a:\n    extends: base\n    availability: { max_restarts: 2 }\n',
      }),
      FILE,
    );
    expect(proc(s, 'a').command).toMatchObject({ script: 'x' });
    expect(proc(s, 'a').restart).toMatchObject({ policy: 'always', delay: 4000, maxRetries: 2 });
    const cycle = tempDir({ [FILE]: 'processes:\n  a: { extends: b }\n  b: { extends: a }\n' });
    expect(issuesOf(() => load(cycle, FILE))[0]?.message).toMatch(/cycle/);
  });

  it('is_daemon is refused; is_foreground is not started by up', () => {
    const dir = tempDir({ [FILE]: 'processes:\n  a: { command: x, is_daemon: true }\n' });
    expect(issuesOf(() => load(dir, FILE))[0]).toMatchObject({ line: 2, path: 'processes.a.is_daemon' });
    expect(one('processes:\n  a: { command: x, is_foreground: true }\n').disabled).toBe(true);
  });

  it('depending on a replicated process does not wait, as in process-compose', () => {
    const s = load(
      tempDir({
        [FILE]: 'processes:\n  r: { command: x, replicas: 2 }\n  a: { command: y, depends_on: { r: {} } }\n',
      }),
      FILE,
    );
    expect(proc(s, 'a').dependsOn).toEqual([]);
  });

  it('disable_env_expansion keeps ${VAR} as written; is_strict refuses unknown keys', () => {
    expect(
      one('disable_env_expansion: true\nprocesses:\n  a: { command: "echo ${HOME}" }\n').command,
    ).toMatchObject({ script: 'echo ${HOME}' });
    const dir = tempDir({ [FILE]: 'is_strict: true\nprocesses:\n  a: { command: x, colour: red }\n' });
    expect(issuesOf(() => load(dir, FILE))[0]?.message).toMatch(/unknown key/);
  });

  it('lists what it does not translate', () => {
    const { imported } = importFile(DIR, FILE);
    expect(imported.notTranslated.map((note) => note.key)).toEqual([
      'log_level',
      'processes.api.liveness_probe.success_threshold',
      'processes.api.readiness_probe',
      'processes.worker.description',
    ]);
  });

  it('in init mode, commands and environment keep their ${VAR}', () => {
    const { imported } = importFile(DIR, FILE, { mode: 'init' });
    const api = imported.processes.find((p) => p.name === 'api');
    expect(api?.env).toEqual({
      DB_URL: 'postgres://localhost:${DB_PORT:-5433}/app',
      SECRET: '${API_SECRET:-dev-secret}',
      PC_PROC_NAME: 'api',
      PC_REPLICA_NUM: '0',
    });
    expect(imported.processes[0]?.command).toEqual({
      kind: 'shell',
      script: 'postgres -D ./data -p ${DB_PORT:-5433}',
    });
    expect(imported.processes[0]?.shell).toBe('bash');
  });

  it('errors point into the file', () => {
    const dir = tempDir({
      [FILE]:
        'processes:\n  a:\n    command: x\n    shutdown: { signal: 99 }\n    availability: { restart: on-failure }\n  b: {}\n',
    });
    expect(
      issuesOf(() => load(dir, FILE)).map((i) => `${i.line}:${i.column} ${i.path}: ${i.message}`),
    ).toEqual([
      '4:25 processes.a.shutdown.signal: unknown signal 99',
      '5:30 processes.a.availability.restart: expected "no" or "always" or "on_failure" or "exit_on_failure", got "on-failure"',
    ]);
    const noCommand = tempDir({ [FILE]: 'processes:\n  b: { working_dir: . }\n' });
    expect(issuesOf(() => load(noCommand, FILE))[0]).toMatchObject({
      line: 2,
      column: 3,
      message: "process 'b' has no command",
    });
  });
});
