// biome-ignore-all lint/suspicious/noTemplateCurlyInString: configs under test contain ${VAR} references
import { describe, expect, it } from 'vitest';
import { issuesOf } from '../config/helpers.js';
import { IMPORT_FIXTURES, importFile, load, proc, tempDir } from './helpers.js';

const DIR = `${IMPORT_FIXTURES}compose`;
const FILE = 'docker-compose.yml';
const SHELL = { DB_PASSWORD: 's3cret' };

describe('docker compose import', () => {
  const spec = load(DIR, FILE, { env: SHELL });

  it('keeps services in file order; the project name from name:', () => {
    expect(spec.name).toBe('shop');
    expect(spec.processes.map((p) => p.name)).toEqual(['db', 'cache', 'api', 'worker', 'debug-tools']);
  });

  it('an image-only service runs with docker run --rm, its ports, env names and volumes', () => {
    const db = proc(spec, 'db');
    expect(db.command).toEqual({
      kind: 'shell',
      shell: '/bin/sh',
      script:
        'docker run --rm --name "shop-$PS" -p 5432:5432 -e POSTGRES_PASSWORD -e POSTGRES_DB -v "$PWD/data/pg:/var/lib/postgresql/data" -v pgdata:/backups postgres:16',
    });
    // docker takes the values from its environment (`-e NAME`), which is the process's.
    expect(db.env).toEqual({ POSTGRES_PASSWORD: 's3cret', POSTGRES_DB: 'shop' });
    expect(db.port).toBe(5432);
    expect(db.stop).toEqual({
      signal: 'SIGTERM',
      timeout: 15_000,
      command: { kind: 'shell', script: 'docker stop -t 10 "shop-$PS"', shell: '/bin/sh' },
      commandOnly: false,
    });
  });

  it('an image healthcheck runs in the container; durations and defaults as compose has them', () => {
    expect(proc(spec, 'db').health).toEqual({
      probe: {
        kind: 'exec',
        command: {
          kind: 'shell',
          script: `docker exec "shop-$PS" sh -c 'pg_isready -U postgres'`,
          shell: '/bin/sh',
        },
      },
      interval: 5000,
      timeout: 3000,
      retries: 10,
      initialDelay: 10_000,
      // docker never restarts an unhealthy container.
      onFailure: 'none',
    });
    expect(proc(spec, 'cache').health).toMatchObject({
      probe: { kind: 'exec', command: { script: 'docker exec "shop-$PS" redis-cli ping' } },
      interval: 90_000,
      timeout: 30_000,
      retries: 3,
      // docker's first check comes one interval after the start.
      initialDelay: 90_000,
    });
  });

  it('a service with a command runs it here: env (list form), env_file, ports → port, depends_on conditions', () => {
    const api = proc(spec, 'api');
    // compose splits the string into words and runs them without a shell.
    expect(api.command).toEqual({ kind: 'argv', argv: ['node', 'api/server.js', '--port', '3000'] });
    // NODE_ENV (no value) is inherited from the shell, as compose passes it through.
    expect(api.env).toEqual({
      LOG_LEVEL: 'debug', // from env_file api/.env
      DATABASE_URL: 'postgres://postgres:s3cret@localhost:5432/shop',
    });
    expect(api.port).toBe(3000);
    expect(api.dependsOn).toEqual([
      { name: 'db', condition: 'healthy', restart: true },
      { name: 'cache', condition: 'started' },
    ]);
    expect(api.health?.probe).toEqual({
      kind: 'exec',
      command: { kind: 'shell', script: 'curl -fsS http://localhost:3000/health', shell: '/bin/sh' },
    });
    expect(api.restart).toMatchObject({ policy: 'on-failure', maxRetries: 3 });
    expect(api.stop).toMatchObject({ signal: 'SIGINT', timeout: 20_000, command: null });
  });

  it('deploy: replicas, restart_policy and limits; a list depends_on waits for "started"; profiles disable', () => {
    const worker = proc(spec, 'worker');
    expect(worker).toMatchObject({
      command: { kind: 'argv', argv: ['node', 'worker.js'] },
      replicas: 2,
      dependsOn: [{ name: 'api', condition: 'started' }],
      restart: { policy: 'always', maxRetries: 5, delay: 2000 },
      limits: { memory: 256 * 1024 * 1024, cpu: 50 },
    });
    expect(proc(spec, 'debug-tools').disabled).toBe(true);
  });

  it('lists what it does not translate, key by key', () => {
    const { imported } = importFile(DIR, FILE, { shell: SHELL });
    expect(imported.notTranslated.map((note) => note.key)).toEqual([
      'networks',
      'volumes',
      'services.db.networks',
      'services.api.labels',
      'services.api.build',
      'services.api.ports[1]',
      'services.worker.deploy.restart_policy.window',
    ]);
    expect(imported.notTranslated[2]?.reason).toMatch(/network/);
  });

  it("interpolates like compose: an unset variable is an empty string, with compose's warning at its value", () => {
    const unset = load(DIR, FILE);
    expect(proc(unset, 'db').env.POSTGRES_PASSWORD).toBe('');
    expect(unset.warnings).toEqual([
      expect.objectContaining({
        file: FILE,
        line: 9,
        column: 26,
        path: 'services.db.environment.POSTGRES_PASSWORD',
        message: 'The "DB_PASSWORD" variable is not set. Defaulting to a blank string.',
      }),
    ]);
  });

  it('a working_dir of a service without image or build is its cwd', () => {
    expect(proc(spec, 'worker').cwd).toBe('/app');
  });

  it('in init mode keeps ${VAR} in env values, commands and images (no secrets written out)', () => {
    const { imported } = importFile(DIR, FILE, { mode: 'init' });
    const db = imported.processes.find((p) => p.name === 'db');
    // compose makes an unset ${VAR} blank; `-` says so to ovrseer.yml too.
    expect(db?.env).toEqual({ POSTGRES_PASSWORD: '${DB_PASSWORD-}', POSTGRES_DB: 'shop' });
    expect(db?.command).toMatchObject({ script: expect.stringContaining('"postgres:${PG_VERSION:-16}"') });
  });

  it('$$ is a literal $ in a command', () => {
    const dir = tempDir({ 'compose.yaml': "services:\n  a:\n    command: sh -c 'echo $$HOME ${X:-x}'\n" });
    expect(proc(load(dir, 'compose.yaml'), 'a').command).toEqual({
      kind: 'argv',
      argv: ['sh', '-c', 'echo $HOME x'],
    });
    // init keeps ${X:-x} for the shell that runs the written command; sh then splits it the same way.
    const { imported } = importFile(dir, 'compose.yaml', { mode: 'init' });
    expect(imported.processes[0]?.command).toEqual({ kind: 'shell', script: "sh -c 'echo $HOME ${X:-x}'" });
  });

  it('errors point into the compose file', () => {
    const dir = tempDir({
      'compose.yaml':
        'services:\n  a:\n    image: x\n    healthcheck: { interval: soon }\n  b:\n    build: .\n',
    });
    expect(issuesOf(() => load(dir, 'compose.yaml'))).toEqual([
      {
        file: 'compose.yaml',
        line: 4,
        column: 30,
        path: 'services.a.healthcheck.interval',
        message: 'expected a duration such as "30s", "1m30s" or "500ms", got "soon"',
      },
    ]);
    const neither = tempDir({ 'compose.yaml': 'services:\n  b:\n    build: .\n' });
    expect(issuesOf(() => load(neither, 'compose.yaml'))[0]).toMatchObject({
      line: 2,
      column: 3,
      message:
        "service 'b' has neither command: nor image: (ovrseer runs a command, or an image with docker run)",
    });
  });

  it('-m overrides replicas of the named services only (=0 disables)', () => {
    const scaled = load(DIR, FILE, { env: SHELL, formation: 'worker=4,cache=0' });
    expect(proc(scaled, 'worker').replicas).toBe(4);
    expect(proc(scaled, 'cache').disabled).toBe(true);
    expect(proc(scaled, 'api')).toMatchObject({ replicas: 1, disabled: false });
  });
});
