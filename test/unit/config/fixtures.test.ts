import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseProjectText } from '../../../src/config/load.js';
import type { ProjectSpec } from '../../../src/config/spec.js';
import { summarizeProject } from '../../../src/config/summary.js';
import { processOf } from './helpers.js';

function fixture(name: string, env: NodeJS.ProcessEnv = {}): ProjectSpec {
  const path = fileURLToPath(new URL(`../../fixtures/config/${name}`, import.meta.url));
  return parseProjectText(readFileSync(path, 'utf8'), { file: name, dir: '/srv/shop', env });
}

describe('seed 000, section 3.4: the list form, exactly as printed', () => {
  const spec = fixture('seed-000-list-form.yml');
  const postgres = processOf(spec, 'postgres');
  const api = processOf(spec, 'api');

  it('keeps both processes in file order, named by id', () => {
    expect(spec.processes.map((p) => p.name)).toEqual(['postgres', 'api']);
    expect(spec.name).toBe('shop');
    expect(spec.file).toBe('/srv/shop/seed-000-list-form.yml');
  });

  it('maps type: dependency and type: main (alias of service)', () => {
    expect(postgres.type).toBe('dependency');
    expect(api.type).toBe('service');
  });

  it("joins command and args into an argv list, exec'd directly", () => {
    expect(postgres.command).toEqual({ kind: 'argv', argv: ['postgres', '-D', '/var/lib/postgresql/data'] });
    expect(api.command).toEqual({ kind: 'argv', argv: ['node', 'server.js'] });
  });

  it('keeps env', () => {
    expect(postgres.env).toEqual({ POSTGRES_PASSWORD: 'secret' });
    expect(api.env).toEqual({});
  });

  it('turns readyChecks into a log ready probe; timeout 5000 is milliseconds', () => {
    expect(postgres.ready).toEqual([
      {
        probe: { kind: 'log', pattern: 'database system is ready', flags: '', notFoundMeansHealthy: false },
        timeout: 5000,
        interval: 250,
        initialDelay: 0,
      },
    ]);
    expect(api.ready).toEqual([]);
  });

  it('turns dependsOn into ready dependencies', () => {
    expect(api.dependsOn).toEqual([{ name: 'postgres', condition: 'ready' }]);
    expect(postgres.dependsOn).toEqual([]);
  });

  it('maps restartPolicy {type: on-failure, maxRetries: 3} onto the restart defaults', () => {
    expect(api.restart).toEqual({
      policy: 'on-failure',
      maxRetries: 3,
      delay: 1000,
      backoff: 2,
      maxDelay: 30_000,
      minUptime: 1000,
      resetAfter: 60_000,
      exitCodes: [0],
      crashLoop: { maxCrashes: 5, window: 60_000 },
    });
    expect(postgres.restart.policy).toBe('no');
  });

  it('summarizes', () => {
    expect(summarizeProject(spec)).toBe(
      'shop: 2 processes (1 dependency, 1 service) from seed-000-list-form.yml',
    );
  });
});

describe('seed 003, "Process Groups & Dependencies": the services form, exactly as printed', () => {
  const spec = fixture('seed-003-prox.yml');

  it('reads every service as a shell-run service, in file order', () => {
    expect(spec.processes.map((p) => [p.name, p.type, p.command])).toEqual([
      ['database', 'service', { kind: 'shell', script: 'postgres -D ./data', shell: '/bin/sh' }],
      ['api', 'service', { kind: 'shell', script: 'npm run dev:api', shell: '/bin/sh' }],
      ['frontend', 'service', { kind: 'shell', script: 'npm run dev:web', shell: '/bin/sh' }],
    ]);
  });

  it('turns depends_on lists into ready dependencies', () => {
    expect(processOf(spec, 'database').dependsOn).toEqual([]);
    expect(processOf(spec, 'api').dependsOn).toEqual([{ name: 'database', condition: 'ready' }]);
    expect(processOf(spec, 'frontend').dependsOn).toEqual([{ name: 'api', condition: 'ready' }]);
  });

  it('has no probes without a healthcheck', () => {
    for (const p of spec.processes) {
      expect(p.ready).toEqual([]);
      expect(p.health).toBeNull();
    }
  });
});

describe('seed 003, "HTTP Health Checks": healthcheck becomes readiness and health', () => {
  const api = processOf(fixture('prox-healthcheck.yml'), 'api');
  const probe = {
    kind: 'http',
    url: 'http://localhost:3000/health',
    method: 'GET',
    headers: {},
    status: { min: 200, max: 399 },
  };

  it('gates dependents with a ready probe polled at the usual pace', () => {
    expect(api.ready).toEqual([{ probe, interval: 250, timeout: 60_000, initialDelay: 0 }]);
  });

  it('keeps checking with interval 5s and timeout 2s', () => {
    expect(api.health).toEqual({
      probe,
      interval: 5000,
      timeout: 2000,
      retries: 3,
      onFailure: 'restart',
      initialDelay: 0,
    });
  });
});

describe('the canonical example', () => {
  const spec = fixture('design-canonical.yml', { OVRSEER_TOKEN: 's3cret' });
  const db = processOf(spec, 'db');
  const api = processOf(spec, 'api');
  const cleanup = processOf(spec, 'migrate-cleanup');

  it('reads project settings; the token variable interpolates even inside a flow map', () => {
    expect(spec.name).toBe('shop');
    expect(spec.settings).toEqual({
      shutdownTimeout: 10_000,
      stateDir: '/srv/shop/.ovrseer',
      logBufferLines: 10_000,
      metricsInterval: 1000,
      limits: { maxProcesses: 200, maxCrashReports: 100, maxCrashReportSize: 1024 * 1024 },
      api: { socket: true, listen: null, token: 's3cret', allowRemote: false, tls: null },
      reports: { snapshot: false },
    });
  });

  it('an unset token is no token', () => {
    expect(fixture('design-canonical.yml').settings.api.token).toBeNull();
  });

  it('db: a shell-run dependency with a log ready probe', () => {
    expect(db.type).toBe('dependency');
    expect(db.command).toEqual({ kind: 'shell', script: 'postgres -D ./data', shell: '/bin/sh' });
    expect(db.ready).toEqual([
      {
        probe: {
          kind: 'log',
          pattern: 'ready to accept connections',
          flags: '',
          notFoundMeansHealthy: false,
        },
        interval: 250,
        timeout: 30_000,
        initialDelay: 0,
      },
    ]);
    expect(db.env).toEqual({ LOG_LEVEL: 'info' });
  });

  it('api: every field', () => {
    const http = {
      kind: 'http',
      url: 'http://127.0.0.1:3000/health',
      method: 'GET',
      headers: {},
      status: { min: 200, max: 399 },
    };
    expect(api).toEqual({
      name: 'api',
      type: 'service',
      command: { kind: 'argv', argv: ['node', 'server.js'] },
      cwd: '/srv/shop/api',
      env: { LOG_LEVEL: 'info', PORT: '3000' },
      dependsOn: [{ name: 'db', condition: 'ready' }],
      ready: [{ probe: http, interval: 250, timeout: 20_000, initialDelay: 0 }],
      health: {
        probe: http,
        interval: 5000,
        timeout: 2000,
        retries: 3,
        onFailure: 'restart',
        initialDelay: 0,
      },
      restart: {
        policy: 'on-failure',
        maxRetries: 5,
        delay: 1000,
        backoff: 2,
        maxDelay: 30_000,
        minUptime: 5000,
        resetAfter: 60_000,
        exitCodes: [0],
        crashLoop: { maxCrashes: 5, window: 60_000 },
      },
      stop: { signal: 'SIGTERM', timeout: 10_000, command: null, commandOnly: false },
      group: 'web-tier',
      tags: ['backend', 'critical'],
      priority: 5,
      replicas: 1,
      port: null,
      user: null,
      limits: { memory: 512 * 1024 * 1024, cpu: null, cpuAction: 'warn' },
      watch: { paths: ['/srv/shop/api/src'], ignore: ['**/*.test.ts'], debounce: 300 },
      cronRestart: '0 4 * * *',
      instanceVars: {},
      log: { file: true, maxSize: 10 * 1024 * 1024, keep: 5 },
      disabled: false,
      adopt: null,
    });
  });

  it('migrate-cleanup: a cleanup process', () => {
    expect(cleanup.type).toBe('cleanup');
    expect(cleanup.command).toEqual({ kind: 'shell', script: './scripts/cleanup.sh', shell: '/bin/sh' });
  });

  it('summarizes', () => {
    expect(summarizeProject(spec)).toBe(
      'shop: 3 processes (1 dependency, 1 service, 1 cleanup) from design-canonical.yml',
    );
  });
});
