// biome-ignore-all lint/suspicious/noTemplateCurlyInString: configs under test contain ${VAR} references
import { describe, expect, it } from 'vitest';
import { issuesOf } from '../config/helpers.js';
import { IMPORT_FIXTURES, importFile, load, proc, tempDir } from './helpers.js';

const DIR = `${IMPORT_FIXTURES}process-compose`;
const FILE = 'process-compose.yaml';

describe('process-compose import', () => {
  const spec = load(DIR, FILE);

  it('processes, with the global environment under their own', () => {
    expect(spec.processes.map((p) => p.name)).toEqual(['db', 'migrate', 'api', 'worker', 'docs']);
    expect(proc(spec, 'api').env).toEqual({
      LOG_FORMAT: 'json',
      DB_URL: 'postgres://localhost:5433/app',
      SECRET: 'dev-secret',
    });
    expect(proc(spec, 'api').cwd).toBe(`${DIR}/services/api`);
  });

  it('ready_log_line is a log readiness probe; process_log_ready waits for it', () => {
    expect(proc(spec, 'db').ready).toEqual([
      {
        probe: {
          kind: 'log',
          pattern: 'database system is ready to accept connections',
          flags: '',
          notFoundMeansHealthy: false,
        },
        interval: 250,
        timeout: 60_000,
        initialDelay: 0,
      },
    ]);
    expect(proc(spec, 'migrate').dependsOn).toEqual([{ name: 'db', condition: 'ready' }]);
  });

  it('depends_on conditions: completed_successfully, and process_healthy as readiness', () => {
    expect(proc(spec, 'api').dependsOn).toEqual([{ name: 'migrate', condition: 'completed_successfully' }]);
    expect(proc(spec, 'worker').dependsOn).toEqual([{ name: 'api', condition: 'ready' }]);
  });

  it('readiness_probe → ready (http), liveness_probe → health (exec), in ms', () => {
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
        command: { kind: 'shell', script: 'curl -fs http://127.0.0.1:8080/health', shell: '/bin/sh' },
      },
      interval: 10_000,
      timeout: 2000,
      retries: 3,
      initialDelay: 0,
      onFailure: 'restart',
    });
  });

  it('availability, shutdown, namespace, replicas, disabled', () => {
    expect(proc(spec, 'api')).toMatchObject({
      restart: { policy: 'on-failure', delay: 3000, backoff: 1, maxRetries: 5 },
      group: 'backend',
      replicas: 2,
    });
    expect(proc(spec, 'db')).toMatchObject({
      restart: { policy: 'always' },
      stop: {
        signal: 'SIGINT',
        timeout: 15_000,
        command: { kind: 'shell', script: 'pg_ctl stop -D ./data -m fast' },
      },
    });
    expect(proc(spec, 'migrate').restart.policy).toBe('no');
    expect(proc(spec, 'worker').restart.policy).toBe('no');
    expect(proc(spec, 'docs').disabled).toBe(true);
  });

  it('max_restarts: 0 means no limit, as in process-compose', () => {
    const dir = tempDir({
      [FILE]: 'processes:\n  a:\n    command: x\n    availability: { restart: always, max_restarts: 0 }\n',
    });
    expect(proc(load(dir, FILE), 'a').restart).toMatchObject({ policy: 'always', maxRetries: null });
  });

  it('lists what it does not translate', () => {
    const { imported } = importFile(DIR, FILE);
    expect(imported.notTranslated.map((note) => note.key)).toEqual([
      'log_level',
      'processes.api.liveness_probe.success_threshold',
      'processes.worker.is_daemon',
      'processes.worker.description',
      'processes.worker.availability.restart',
    ]);
  });

  it('in init mode, commands and environment keep their ${VAR}', () => {
    const { imported } = importFile(DIR, FILE, { mode: 'init' });
    const api = imported.processes.find((p) => p.name === 'api');
    expect(api?.env).toEqual({
      DB_URL: 'postgres://localhost:${DB_PORT:-5433}/app',
      SECRET: '${API_SECRET:-dev-secret}',
    });
    expect(imported.processes[0]?.command).toEqual({
      kind: 'shell',
      script: 'postgres -D ./data -p ${DB_PORT:-5433}',
    });
  });

  it('errors point into the file', () => {
    const dir = tempDir({
      [FILE]:
        'processes:\n  a:\n    command: x\n    shutdown: { signal: 99 }\n    availability: { restart: sometimes }\n  b: {}\n',
    });
    expect(
      issuesOf(() => load(dir, FILE)).map((i) => `${i.line}:${i.column} ${i.path}: ${i.message}`),
    ).toEqual([
      '4:25 processes.a.shutdown.signal: unknown signal 99',
      '5:30 processes.a.availability.restart: expected "no" or "always" or "on_failure" or "on-failure" or "exit_on_failure", got "sometimes"',
    ]);
    const noCommand = tempDir({ [FILE]: 'processes:\n  b: { working_dir: . }\n' });
    expect(issuesOf(() => load(noCommand, FILE))[0]).toMatchObject({
      line: 2,
      column: 3,
      message: "process 'b' has no command",
    });
  });
});
