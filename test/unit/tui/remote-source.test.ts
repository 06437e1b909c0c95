import { EventEmitter } from 'node:events';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LogStore } from '../../../src/logs/log-store.js';
import { ensureStateDir } from '../../../src/os/state-dir.js';
import type { ApiBackend } from '../../../src/supervisor/api/backend.js';
import { ApiServer } from '../../../src/supervisor/api/server.js';
import { ApiClient } from '../../../src/supervisor/client.js';
import type { ProcessRow } from '../../../src/supervisor/process-rows.js';
import { RemoteSource } from '../../../src/tui/remote-source.js';
import { waitFor } from '../../helpers/wait-for.js';
import { row } from './fake-source.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A real API server on a unix socket over a scripted backend. */
async function serve() {
  const dir = mkdtempSync(join(tmpdir(), 'ovrseer-tui-remote-'));
  const repo = join(dir, 'work');
  mkdirSync(join(repo, '.git'), { recursive: true });
  writeFileSync(join(repo, '.git', 'HEAD'), 'ref: refs/heads/feature/tui\n');
  const events = new EventEmitter();
  const store = new LogStore();
  const calls: unknown[] = [];
  let rows: ProcessRow[] = [row({ name: 'api' }), row({ name: 'worker.1', process: 'worker', instance: 1 })];
  const backend = {
    rows: () => rows,
    act: async (action: string, targets: readonly string[]) => {
      calls.push([action, targets]);
    },
    scale: async (name: string, replicas: number) => {
      calls.push(['scale', name, replicas]);
    },
    sendInput: () => false,
    context: () => ({ env: {}, cwd: repo }),
    logStore: () => store,
    reports: () => [
      {
        id: 'r2',
        process: 'api',
        type: 'crash',
        time: 'T2',
        reason: 'boom',
        name: 'api',
        exitCode: 1,
        signal: null,
      },
      {
        id: 'r1',
        process: 'worker.1',
        type: 'crash',
        time: 'T1',
        reason: 'bang',
        name: 'worker',
        exitCode: 2,
        signal: null,
      },
    ],
    report: (id: string) =>
      id === 'r2'
        ? {
            id,
            reason: 'boom',
            restartHistory: [
              { time: 1, exitCode: 1, signal: null, uptime: 5, reason: 'exited with code 1', delay: 1000 },
            ],
            spec: { name: 'api' },
          }
        : undefined,
    metricsText: async () => '',
    on: (event: string, listener: (payload: unknown) => void) => {
      events.on(event, listener);
      return () => events.off(event, listener);
    },
    shutdown: () => undefined,
    exitingPid: () => null,
    logTargets: (selectors: readonly string[]) => [...selectors],
    reportError: () => undefined,
  } as unknown as ApiBackend;
  const paths = ensureStateDir(join(dir, '.ovrseer'));
  const server = new ApiServer(backend, { paths, projectId: 'test', listen: null, token: null });
  await server.listen();
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  cleanups.push(() => server.close());
  return {
    client: new ApiClient(server.socketPath),
    store,
    events,
    calls,
    setRows: (next: ProcessRow[]) => {
      rows = next;
    },
    stop: () => server.close(),
  };
}

function source(client: ApiClient): RemoteSource {
  const created = new RemoteSource(client, { spec: null, project: 'shop', pollMs: 60_000, backlog: 100 });
  cleanups.push(() => created.close());
  return created;
}

const log = (store: LogStore, process: string, text: string): void => {
  store.append({
    process,
    name: process.replace(/\.\d+$/, ''),
    instance: null,
    stream: 'out',
    text,
    time: Date.now(),
  });
};

describe('RemoteSource', () => {
  it('fetches rows, and again on every state event', async () => {
    const api = await serve();
    const remote = source(api.client);
    await remote.refresh();
    expect(remote.rows().map((r) => r.name)).toEqual(['api', 'worker.1']);
    api.setRows([row({ name: 'api', status: 'failed' })]);
    await waitFor(() => api.events.listenerCount('state') > 0, 'the events stream subscribed');
    api.events.emit('state', { process: 'api' });
    await waitFor(() => remote.rows().length === 1, 'rows fetched after the state event');
    expect(remote.rows()[0]?.status).toBe('failed');
    expect(remote.history('api', 0).length).toBeGreaterThan(0);
  });

  it('follows the logs into a local store the UI can read synchronously', async () => {
    const api = await serve();
    log(api.store, 'api', 'before attaching');
    const remote = source(api.client);
    await waitFor(() => remote.logs.lastSeq === 1, 'the backlog');
    log(api.store, 'worker.1', 'ERROR after attaching');
    await waitFor(() => remote.logs.lastSeq === 2, 'the followed line');
    const entries = remote.logs.query({}).entries;
    expect(entries.map((entry) => [entry.process, entry.name, entry.level, entry.text])).toEqual([
      ['api', 'api', 'info', 'before attaching'],
      ['worker.1', 'worker', 'error', 'ERROR after attaching'],
    ]);
  });

  it('acts and scales through the API, reads details from the reports and branches from the cwd', async () => {
    const api = await serve();
    const remote = source(api.client);
    await remote.refresh();
    await remote.act('restart', ['group:web']);
    await remote.scale('worker', 2);
    expect(api.calls).toEqual([
      ['restart', ['group:web']],
      ['scale', 'worker', 2],
    ]);
    const details = await remote.details('api');
    expect(details).toMatchObject({
      id: 'api',
      spec: { name: 'api' },
      restartsFrom: 'report',
      lastReport: { id: 'r2' },
    });
    expect(details.reports.map((report) => report.id)).toEqual(['r2']);
    expect(details.restarts).toHaveLength(1);
    expect(remote.branch('api')).toBeNull();
    await waitFor(() => remote.branch('api') === 'feature/tui', 'the branch, once the cwd is known');
  });

  it('says so on the status line when the supervisor goes away', async () => {
    const api = await serve();
    const remote = source(api.client);
    await remote.refresh();
    await api.stop();
    await remote.refresh();
    await waitFor(() => remote.notices().some((notice) => notice.level === 'error'), 'an error notice');
    expect(
      remote
        .notices()
        .map((notice) => notice.text)
        .join('\n'),
    ).toMatch(/cannot reach the supervisor|stream/);
  });
});
