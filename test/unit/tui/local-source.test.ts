import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { ManagedProcess } from '../../../src/core/managed-process.js';
import { LogStore } from '../../../src/logs/log-store.js';
import type { ProcessRow } from '../../../src/supervisor/process-rows.js';
import { type LocalBackend, LocalSource } from '../../../src/tui/local-source.js';
import { row } from './fake-source.js';

function backend(rows: () => ProcessRow[]) {
  const events = new EventEmitter();
  const calls: unknown[] = [];
  const instance = {
    name: 'api',
    spec: { name: 'api' },
    restartHistory: () => [
      { time: 1, exitCode: 1, signal: null, uptime: 10, reason: 'exited with code 1', delay: 1000 },
    ],
  } as unknown as ManagedProcess;
  const fake = {
    manager: {
      spec: { name: 'shop' },
      on: (event: string, listener: (payload: unknown) => void) => {
        events.on(event, listener);
        return () => events.off(event, listener);
      },
      get: (id: string) => (id === 'api' ? instance : undefined),
      getDependencyGraph: () => ({
        nodes: [],
        edges: [],
        processes: [
          {
            name: 'api',
            type: 'service',
            group: null,
            tags: [],
            dependsOn: [{ name: 'db', condition: 'ready', implicit: false }],
          },
        ],
      }),
    },
    logs: { store: new LogStore() },
    reporter: {
      list: () => [
        {
          id: 'r1',
          process: 'api',
          type: 'crash',
          time: 'T',
          reason: 'boom',
          name: 'api',
          exitCode: 1,
          signal: null,
        },
      ],
      get: (id: string) => ({ id, reason: 'boom' }),
    },
    rows,
    act: async (action: string, targets: readonly string[]) => {
      calls.push([action, targets]);
    },
    scale: async (name: string, replicas: number) => {
      calls.push([name, replicas]);
    },
  } as unknown as LocalBackend;
  return { fake, events, calls };
}

describe('LocalSource', () => {
  it('rebuilds rows on a state or health change, or once they are a second old', () => {
    let clock = 0;
    let built = 0;
    const { fake, events } = backend(() => {
      built += 1;
      return [row({ name: 'api', cpu: built, memory: built })];
    });
    const source = new LocalSource(fake, { now: () => clock });
    const changes: number[] = [];
    source.onChange(() => changes.push(clock));
    source.rows();
    source.rows();
    expect(built).toBe(1);
    events.emit('state', {});
    source.rows();
    expect(built).toBe(2);
    events.emit('health', {});
    clock = 1000;
    source.rows();
    expect(built).toBe(3);
    expect(changes).toEqual([0, 0]);
    // Without a sampler, the graphs come from the rows as they were read.
    expect(source.history('api', 0).map((point) => point.cpu)).toEqual([1, 2, 3]);
    expect(source.branch('api')).toBeNull();
  });

  it('takes graphs and branches from the sampler when there is one', () => {
    const { fake } = backend(() => []);
    const metrics = {
      history: () => [
        { time: 10, cpu: 1, rss: 100 },
        { time: 20, cpu: null, rss: 200 },
      ],
      figures: () => ({ branch: 'main' }),
    };
    const source = new LocalSource(fake, { metrics });
    expect(source.history('api', 15)).toEqual([{ time: 20, cpu: null, memory: 200 }]);
    expect(source.branch('api')).toBe('main');
  });

  it('details: config, dependencies, restart history and the newest crash report', async () => {
    const { fake } = backend(() => []);
    const source = new LocalSource(fake);
    const details = await source.details('api');
    expect(details).toMatchObject({
      id: 'api',
      spec: { name: 'api' },
      dependencies: [{ name: 'db', condition: 'ready', implicit: false }],
      restartsFrom: 'engine',
      lastReport: { id: 'r1', reason: 'boom' },
    });
    expect(details.restarts).toHaveLength(1);
    await expect(source.details('nope')).rejects.toThrow(/unknown process "nope"/);
  });

  it('acts through the supervisor and passes its messages on', async () => {
    const { fake, calls } = backend(() => []);
    const source = new LocalSource(fake);
    let changed = 0;
    source.onChange(() => {
      changed += 1;
    });
    await source.act('restart', ['group:web']);
    await source.scale('worker', 3);
    source.messages.add('info', 'starting shop');
    expect(calls).toEqual([
      ['restart', ['group:web']],
      ['worker', 3],
    ]);
    expect(source.notices().map((notice) => notice.text)).toEqual(['starting shop']);
    expect(changed).toBe(1);
    await source.close();
    source.messages.add('info', 'after close');
    expect(changed).toBe(1);
  });
});
