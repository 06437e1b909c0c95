import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanupHarnesses, harness } from '../helpers/harness.js';
import { freePort } from '../helpers/ports.js';
import { isRunning } from '../helpers/processes.js';
import { fixtureCommand } from '../helpers/project.js';
import { waitFor } from '../helpers/wait-for.js';

afterEach(cleanupHarnesses);

describe('readiness probes', () => {
  it('gates a dependent until its dependency answers over HTTP', async () => {
    const port = await freePort();
    const h = harness(`
name: "{{name}}"
processes:
  api:
    command: ${fixtureCommand('http-server.mjs', 500)}
    port: ${port}
    ready: { http: "http://127.0.0.1:${port}/health", interval: 50ms, timeout: 10s }
  web:
    command: ${fixtureCommand('sleeper.mjs')}
    depends_on: { api: { condition: ready } }
`);
    await h.manager.start();
    const order = h.states.map((event) => `${event.process}:${event.to}`);
    expect(order.indexOf('web:starting')).toBeGreaterThan(order.indexOf('api:ready'));
    expect(h.lines('api')).toContain(`listening on ${port}`);
    expect(h.manager.get('api')?.reason).toBe(`ready (http GET http://127.0.0.1:${port}/health)`);
  });

  it('passes a TCP probe once the port accepts connections', async () => {
    const port = await freePort();
    const h = harness(`
name: "{{name}}"
processes:
  server:
    command: ${fixtureCommand('http-server.mjs', 300)}
    port: ${port}
    ready: { tcp: "127.0.0.1:${port}", interval: 50ms, timeout: 10s }
`);
    await h.manager.start();
    expect(h.stateOf('server')).toBe('ready');
    expect(h.manager.get('server')?.reason).toBe(`ready (tcp 127.0.0.1:${port})`);
  });

  it('kills an exec probe that overruns, and fails readiness with its last error', async () => {
    const h = harness(`
name: "{{name}}"
processes:
  slow:
    command: ${fixtureCommand('sleeper.mjs')}
    ready: { exec: "echo $$ >> probe-pids.txt; sleep 30", interval: 200ms, timeout: 2500ms }
`);
    await h.manager.start();
    expect(h.stateOf('slow')).toBe('failed');
    expect(h.manager.get('slow')?.reason).toMatch(
      /ready check timed out after 2\.5s \(exec echo .*: timed out and was killed\)/,
    );
    const pids = readFileSync(join(h.project.dir, 'probe-pids.txt'), 'utf8').trim().split('\n').map(Number);
    expect(pids.length).toBeGreaterThanOrEqual(2);
    await waitFor(() => pids.every((pid) => !isRunning(pid)), 'every probe attempt ended');
  });
});

describe('liveness', () => {
  it('unhealthy → restarted through the policy with a report → healthy again', async () => {
    const port = await freePort();
    const h = harness(`
name: "{{name}}"
processes:
  api:
    command: ${fixtureCommand('http-server.mjs')}
    port: ${port}
    env: { SICK_FILE: sick }
    ready: { tcp: "127.0.0.1:${port}", interval: 50ms }
    health:
      http: "http://127.0.0.1:${port}/health"
      interval: 100ms
      timeout: 1s
      retries: 2
      on_failure: restart
    restart: { policy: no, delay: 50ms }
`);
    await h.manager.start();
    await waitFor(() => h.manager.get('api')?.health === 'healthy', 'healthy at first');
    writeFileSync(join(h.project.dir, 'sick'), '');
    await waitFor(() => h.health.some((event) => event.to === 'unhealthy'), 'unhealthy');
    rmSync(join(h.project.dir, 'sick'));
    await waitFor(() => h.manager.get('api')?.counters().restarts === 1, 'restarted once');
    await waitFor(() => h.manager.get('api')?.health === 'healthy', 'healthy again');
    const unhealthy = h.health.find((event) => event.to === 'unhealthy');
    expect(unhealthy?.reason, JSON.stringify(h.health)).toBe(
      `http GET http://127.0.0.1:${port}/health failed 2 times in a row: HTTP 500, expected 200-399`,
    );
    expect(h.reports.map((report) => report.type)).toEqual(['unhealthy']);
    expect(h.manager.get('api')?.restartHistory()[0]?.reason).toMatch(/^unhealthy: /);
    expect(h.stateOf('api')).toBe('ready');
  });
});

describe('groups, tags and selectors', () => {
  it('restart group:web restarts exactly that group', async () => {
    const h = harness(`
name: "{{name}}"
processes:
  front: { command: ${fixtureCommand('sleeper.mjs')}, group: web }
  assets: { command: ${fixtureCommand('sleeper.mjs')}, group: web, replicas: 2 }
  db: { command: ${fixtureCommand('sleeper.mjs')}, group: data, tags: [storage] }
`);
    await h.manager.start();
    const before = new Map(h.manager.list().map((info) => [info.id, info.pid]));
    await h.manager.restartGroup('web');
    const after = new Map(h.manager.list().map((info) => [info.id, info.pid]));
    for (const id of ['front', 'assets.1', 'assets.2']) expect(after.get(id)).not.toBe(before.get(id));
    expect(after.get('db')).toBe(before.get('db'));
    expect(h.manager.getProcessesByTag('storage').map((instance) => instance.id)).toEqual(['db']);
    await h.manager.stopByTag('storage');
    expect(h.stateOf('db')).toBe('stopped');
    expect(h.stateOf('front')).toBe('running');
  });

  it('gives replicas PORT + index and expands $PORT and $PS in argv commands', async () => {
    const h = harness(`
name: "{{name}}"
processes:
  web:
    command: [${JSON.stringify(process.execPath)}, -e, "console.log(process.argv[1], process.argv[2], process.env.PORT)", "$PORT", "\${PS}"]
    port: 7100
    replicas: 2
`);
    await h.manager.start();
    await waitFor(
      () => h.stateOf('web.1') === 'completed' && h.stateOf('web.2') === 'completed',
      'both replicas completed',
    );
    expect(h.lines('web.1')).toEqual(['7100 web.1 7100']);
    expect(h.lines('web.2')).toEqual(['7101 web.2 7101']);
  });
});
