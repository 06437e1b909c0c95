import { afterEach, describe, expect, it } from 'vitest';
import { cleanupHarnesses, harness } from '../helpers/harness.js';
import { freePortRange } from '../helpers/ports.js';
import { markedPids } from '../helpers/processes.js';
import { fixtureCommand } from '../helpers/project.js';
import { waitFor } from '../helpers/wait-for.js';

afterEach(cleanupHarnesses);

/** Three replicas of the HTTP fixture on base, base + 1, base + 2, each probed at `port` (`$PORT`…). */
function replicated(base: number, port: string, env = ''): string {
  return `
name: "{{name}}"
processes:
  web:
    command: ${fixtureCommand('http-server.mjs', 200)}
    port: ${base}
    replicas: 3
    env: { LOG_REQUESTS: "1"${env} }
    ready: { http: "http://127.0.0.1:${port}/ready?ps=$PS", interval: 100ms, timeout: 3s }
    health: { tcp: "127.0.0.1:\${PORT:-1}", interval: 200ms, timeout: 1s }
`;
}

describe('probes on each replica’s own port', () => {
  it('each replica is probed at its own $PORT, for readiness and health', async () => {
    const base = await freePortRange(3);
    const h = harness(replicated(base, '$PORT'));
    await h.manager.start();
    for (const n of [1, 2, 3]) {
      const port = base + n - 1;
      const id = `web.${n}`;
      expect(h.stateOf(id)).toBe('ready');
      expect(h.manager.get(id)?.reason).toBe(`ready (http GET http://127.0.0.1:${port}/ready?ps=${id})`);
      // The server of this replica listens on its port only: the request reached it there. Its line
      // about the request comes through the pipe, which may be behind the probe's answer.
      expect(h.lines(id)).toContain(`listening on ${port}`);
      await waitFor(
        () => h.lines(id).includes(`request /ready?ps=${id} on ${port}`),
        `${id} logs the probe's request on ${port}; got ${JSON.stringify(h.lines(id))}`,
      );
    }
    // `${PORT:-1}` is the replica's PORT, as in a command: every replica is healthy on its own port.
    await waitFor(
      () => [1, 2, 3].every((n) => h.manager.get(`web.${n}`)?.health === 'healthy'),
      'all three healthy',
    );
    await h.manager.shutdown();
    expect(markedPids(h.project.name)).toEqual([]);
  });

  it('a replica that never listens is not ready while the others are, and fails on its own port', async () => {
    const base = await freePortRange(3);
    // `${PORT:-base}` used to be filled in at load: every replica checked replica 1's port.
    const h = harness(replicated(base, `\${PORT:-${base}}`, ', SILENT_PS: web.2'));
    const started = h.manager.start();
    await waitFor(
      () => h.stateOf('web.1') === 'ready' && h.stateOf('web.3') === 'ready',
      'web.1 and web.3 ready',
    );
    // Probed at web.1's port, web.2 would be ready now too.
    expect(h.stateOf('web.2')).toBe('running');
    expect(h.lines('web.2').join('\n')).toContain('(web.2) will never listen');
    await started;
    expect(h.path('web.2')).not.toContain('running>ready');
    expect(h.stateOf('web.2')).toBe('failed');
    expect(h.manager.get('web.2')?.reason).toMatch(
      new RegExp(
        `^ready check timed out after 3s \\(http GET http://127\\.0\\.0\\.1:${base + 1}/ready\\?ps=web\\.2: connection refused\\)`,
      ),
    );
    expect(h.stateOf('web.1')).toBe('ready');
    expect(h.stateOf('web.3')).toBe('ready');
    await h.manager.shutdown();
    expect(markedPids(h.project.name)).toEqual([]);
  });
});
