import { describe, expect, it } from 'vitest';
import type { DependencySpec } from '../../../src/config/spec.js';
import { startTimings } from '../../../src/core/critical-chain.js';
import type { StateChangeEvent } from '../../../src/core/events.js';
import { GateRecorder } from '../../../src/core/gates.js';
import type { ManagedProcess } from '../../../src/core/managed-process.js';
import type { ProcessState } from '../../../src/core/states.js';
import { explainWait, type WhySource } from '../../../src/core/why.js';
import { dep, processSpec } from './spec-builder.js';

function event(
  process: string,
  from: ProcessState,
  to: ProcessState,
  time: number,
  reason: string = to,
): StateChangeEvent {
  return {
    process,
    name: process,
    instance: null,
    from,
    to,
    reason,
    time,
    pid: null,
    exitCode: null,
    signal: null,
  };
}

/** Just what the condition rules and `why` read of an instance. */
function instance(id: string, state: ProcessState, reason: string, ready = false): ManagedProcess {
  const spec = processSpec(
    id,
    ready
      ? {
          ready: [
            {
              probe: { kind: 'tcp', host: '127.0.0.1', port: 5432 },
              interval: 100,
              timeout: 1000,
              initialDelay: 0,
            },
          ],
        }
      : {},
  );
  return {
    id,
    state,
    reason,
    spec,
    health: 'unknown',
    isReady: () => state === 'ready' || (state === 'running' && !ready),
  } as unknown as ManagedProcess;
}

function source(
  instances: ManagedProcess[],
  deps: Record<string, DependencySpec[]>,
  recorder: GateRecorder,
): WhySource {
  return {
    instancesOf: (name) => instances.filter((one) => one.spec.name === name),
    dependenciesOf: (name) => deps[name] ?? [],
    gates: (id) => recorder.get(id),
  };
}

describe('GateRecorder', () => {
  it('records when each condition began waiting and when it was met, per start', () => {
    const gates = new GateRecorder();
    gates.onState(event('api', 'stopped', 'pending', 1000));
    gates.observe('api', [{ name: 'db', condition: 'ready', status: { kind: 'waiting' } }], 1001);
    gates.observe('api', [{ name: 'db', condition: 'ready', status: { kind: 'waiting' } }], 1500);
    gates.observe('api', [{ name: 'db', condition: 'ready', status: { kind: 'met' } }], 3000);
    gates.onState(event('api', 'pending', 'starting', 3001));
    gates.onState(event('api', 'starting', 'running', 3010));
    const record = gates.get('api');
    expect(record?.dependencies).toEqual([
      { name: 'db', condition: 'ready', state: 'met', since: 1001, until: 3000, reason: null },
    ]);
    expect(record).toMatchObject({ since: 1000, startingAt: 3001, runningAt: 3010, state: 'running' });
    // A restart (backoff → starting) is a new start: the old gates go.
    gates.onState(event('api', 'backoff', 'starting', 9000));
    expect(gates.get('api')).toMatchObject({ since: 9000, dependencies: [], startingAt: 9000 });
  });

  it('keeps the reason of a failed condition', () => {
    const gates = new GateRecorder();
    gates.onState(event('api', 'stopped', 'pending', 0));
    gates.observe(
      'api',
      [{ name: 'db', condition: 'ready', status: { kind: 'failed', reason: 'dependency db failed: x' } }],
      5,
    );
    expect(gates.get('api')?.dependencies[0]).toMatchObject({
      state: 'failed',
      until: 5,
      reason: 'dependency db failed: x',
    });
  });
});

describe('explainWait', () => {
  it('names the waiting condition and follows it down to what holds the dependency', () => {
    const gates = new GateRecorder();
    gates.onState(event('api', 'stopped', 'pending', 100));
    gates.observe('api', [{ name: 'db', condition: 'ready', status: { kind: 'waiting' } }], 100);
    gates.onState(event('db', 'starting', 'running', 90));
    const db = instance('db', 'running', 'started (pid 1)', true);
    const api = instance('api', 'pending', 'waiting for db (ready)');
    const answer = explainWait(api, source([db, api], { api: [dep('db')] }, gates));
    expect(answer).toMatchObject({ process: 'api', state: 'pending', waiting: true, since: 100 });
    expect(answer.conditions).toHaveLength(1);
    expect(answer.conditions[0]).toMatchObject({
      label: 'db: ready',
      state: 'waiting',
      since: 100,
      until: null,
    });
    const [blocker] = answer.conditions[0]?.blockedBy ?? [];
    expect(blocker).toMatchObject({ process: 'db', state: 'running', waiting: true });
    expect(blocker?.conditions[0]).toMatchObject({
      kind: 'readiness',
      label: 'ready check (tcp 127.0.0.1:5432)',
      since: 90,
    });
  });

  it('says a ready process is not waiting', () => {
    const api = instance('api', 'ready', 'ready');
    const answer = explainWait(api, source([api], {}, new GateRecorder()));
    expect(answer).toMatchObject({ waiting: false, conditions: [], firstCause: null });
  });

  it('follows a failed chain to the first cause', () => {
    const gates = new GateRecorder();
    for (const id of ['web', 'api']) gates.onState(event(id, 'stopped', 'pending', 0));
    gates.observe(
      'api',
      [
        {
          name: 'db',
          condition: 'ready',
          status: { kind: 'failed', reason: 'dependency db failed: exited with code 3' },
        },
      ],
      10,
    );
    gates.observe(
      'web',
      [{ name: 'api', condition: 'ready', status: { kind: 'failed', reason: 'dependency api failed: …' } }],
      11,
    );
    gates.onState(event('db', 'starting', 'failed', 9, 'exited with code 3'));
    const db = instance('db', 'failed', 'exited with code 3');
    const api = instance('api', 'failed', 'dependency db failed: exited with code 3');
    const web = instance('web', 'failed', 'dependency api failed: dependency db failed: exited with code 3');
    const answer = explainWait(web, source([db, api, web], { web: [dep('api')], api: [dep('db')] }, gates));
    expect(answer.firstCause).toEqual({
      process: 'db',
      state: 'failed',
      reason: 'exited with code 3',
      since: 9,
      reportId: null,
    });
  });
});

describe('startTimings', () => {
  it('gives each edge its wait and the critical chain back through the gate met last', () => {
    const gates = new GateRecorder();
    const feed = (id: string, times: [ProcessState, number][]): void => {
      let from: ProcessState = 'stopped';
      for (const [to, time] of times) {
        gates.onState(event(id, from, to, time));
        from = to;
      }
    };
    feed('db', [
      ['pending', 0],
      ['starting', 0],
      ['running', 10],
      ['ready', 2000],
    ]);
    feed('cache', [
      ['pending', 0],
      ['starting', 0],
      ['running', 5],
    ]);
    gates.onState(event('api', 'stopped', 'pending', 0));
    gates.observe(
      'api',
      [
        { name: 'db', condition: 'ready', status: { kind: 'waiting' } },
        { name: 'cache', condition: 'started', status: { kind: 'waiting' } },
      ],
      0,
    );
    gates.observe(
      'api',
      [
        { name: 'db', condition: 'ready', status: { kind: 'waiting' } },
        { name: 'cache', condition: 'started', status: { kind: 'met' } },
      ],
      5,
    );
    gates.observe(
      'api',
      [
        { name: 'db', condition: 'ready', status: { kind: 'met' } },
        { name: 'cache', condition: 'started', status: { kind: 'met' } },
      ],
      2000,
    );
    feed('api', [
      ['starting', 2001],
      ['running', 2020],
    ]);
    const timings = startTimings(gates.all(), (id) => id === 'db');
    expect(timings.start).toBe(0);
    expect(timings.edgeTimings).toContainEqual({
      from: 'api',
      to: 'db',
      condition: 'ready',
      state: 'met',
      since: 0,
      until: 2000,
      waitedMs: 2000,
    });
    expect(timings.edgeTimings).toContainEqual(
      expect.objectContaining({ from: 'api', to: 'cache', waitedMs: 5 }),
    );
    expect(timings.criticalChain).toEqual([
      {
        process: 'api',
        state: 'running',
        atMs: 2020,
        tookMs: 19,
        waitedMs: 2001,
        gate: { name: 'db', condition: 'ready', waitedMs: 2000 },
      },
      { process: 'db', state: 'ready', atMs: 2000, tookMs: 2000, waitedMs: 0, gate: null },
    ]);
  });
});

describe('explainWait beyond readiness', () => {
  it('says what a running dependency still lacks for healthy and completed conditions', () => {
    const gates = new GateRecorder();
    gates.onState(event('api', 'stopped', 'pending', 0));
    const db = instance('db', 'ready', 'ready');
    // Only a process with a health check waits for `healthy` beyond readiness.
    Object.assign(db.spec, { health: { onFailure: 'restart' } });
    const migrate = instance('migrate', 'running', 'started');
    const api = instance('api', 'pending', 'waiting');
    const answer = explainWait(
      api,
      source([db, migrate, api], { api: [dep('db', 'healthy'), dep('migrate', 'completed')] }, gates),
    );
    expect(
      answer.conditions.map((condition) => [condition.label, condition.state, condition.reason]),
    ).toEqual([
      ['db: healthy', 'waiting', 'health: db unknown'],
      ['migrate: completed', 'waiting', 'migrate still running'],
    ]);
  });
});
