import type { ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { tmpdir } from 'node:os';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { HealthSpec, ReadySpec } from '../../../src/config/spec.js';
import { TypedEmitter } from '../../../src/core/emitter.js';
import type { ManagerEvents } from '../../../src/core/events.js';
import type { Probe } from '../../../src/core/probes/probe.js';
import { OvrseerError } from '../../../src/errors.js';
import { FakeClock } from '../../helpers/fake-clock.js';
import { processSpec } from './spec-builder.js';

// The pretend process tree: every signal to it is recorded; it lives until SIGKILL or the test ends it.
const tree = vi.hoisted(() => ({ sent: [] as string[], alive: true, child: null as null | EventEmitter }));
vi.mock('../../../src/core/kill.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../../src/core/kill.js')>();
  const record = (_pid: number, signal: NodeJS.Signals | 0): boolean => {
    if (signal === 0) return tree.alive;
    tree.sent.push(signal);
    if ((signal === 'SIGTERM' || signal === 'SIGKILL') && tree.alive) {
      tree.alive = false;
      queueMicrotask(() => tree.child?.emit('exit', null, signal));
    }
    return true;
  };
  return {
    ...original,
    signalGroup: record,
    signalPid: record,
    isGroupAlive: () => tree.alive,
    isPidAlive: () => tree.alive,
    findMarkedProcesses: async () => [],
  };
});
const { ManagedProcess } = await import('../../../src/core/managed-process.js');
const { pauseTargets } = await import('../../../src/core/pause.js');

function fakeSpawn(): ChildProcess {
  const child = Object.assign(new EventEmitter(), { pid: 4242, stdout: null, stderr: null, stdin: null });
  tree.child = child;
  tree.alive = true;
  setImmediate(() => child.emit('spawn'));
  return child as unknown as ChildProcess;
}

/** A probe that fails until `passing` is set, counting its attempts. */
function scriptedProbe(): { probe: Probe; attempts: () => number; pass: () => void } {
  let attempts = 0;
  let passing = false;
  return {
    probe: {
      description: 'scripted',
      check: async () => {
        attempts += 1;
        return passing ? { ok: true, message: 'ok' } : { ok: false, message: 'refused' };
      },
    },
    attempts: () => attempts,
    pass: () => {
      passing = true;
    },
  };
}

const probeSpec = { kind: 'tcp', host: '127.0.0.1', port: 1 } as unknown as HealthSpec['probe'];

function instance(options: { ready?: ReadySpec[]; health?: HealthSpec | null; probe: Probe }) {
  const clock = new FakeClock(1_000_000);
  const emitter = new TypedEmitter<ManagerEvents>(() => undefined);
  const states: string[] = [];
  emitter.on('state', (event) => states.push(event.to));
  const errors: string[] = [];
  const spec = processSpec('api', {
    cwd: tmpdir(),
    ready: options.ready ?? [],
    health: options.health ?? null,
    restart: { ...processSpec('x').restart, policy: 'no' },
  });
  const managed = new ManagedProcess(spec, null, {
    project: { name: 'shop', id: 'shop-id' },
    clock,
    emitter,
    reportError: (error) => errors.push(error.message),
    spawn: fakeSpawn as never,
    createProbe: () => options.probe,
    baseEnv: {},
    reports: null,
  });
  return { clock, managed, states, errors };
}

/** Lets the fake spawn's `spawn` event (a macrotask) and what follows it run. */
async function spawned(): Promise<void> {
  for (let i = 0; i < 5; i += 1) await new Promise((resolve) => setImmediate(resolve));
}

afterEach(() => {
  tree.sent = [];
  tree.alive = false;
  tree.child = null;
});

describe('ManagedProcess pause/resume', () => {
  it('a failing health check never makes a paused process unhealthy, nor restarts it', async () => {
    const health = scriptedProbe();
    const { clock, managed, states } = instance({
      health: {
        probe: probeSpec,
        interval: 1000,
        timeout: 500,
        retries: 2,
        onFailure: 'restart',
        initialDelay: 0,
      },
      probe: health.probe,
    });
    await managed.start();
    await spawned();
    // One failure before the pause (retries: 2): the next one would make it unhealthy.
    await clock.advanceAsync(1);
    expect(health.attempts()).toBe(1);
    await managed.pause();
    expect(managed.state).toBe('paused');
    expect(tree.sent).toEqual(['SIGSTOP']);
    await clock.advanceAsync(60_000);
    expect(health.attempts()).toBe(1);
    expect(managed.health).toBe('unknown');
    expect(managed.state).toBe('paused');
    await managed.resume();
    expect(tree.sent).toEqual(['SIGSTOP', 'SIGCONT']);
    expect(managed.state).toBe('running');
    // Checks start afresh after the resume: two new failures make it unhealthy, and it is restarted.
    await clock.advanceAsync(1);
    expect(managed.state).toBe('running');
    await clock.advanceAsync(1000);
    await spawned();
    expect(managed.state).toBe('backoff');
    expect(states).toEqual(['starting', 'running', 'paused', 'running', 'crashed', 'backoff']);
    await managed.stop();
  });

  it('the ready timeout does not run out while paused; resume gives it the whole timeout again', async () => {
    const ready = scriptedProbe();
    const { clock, managed, states } = instance({
      ready: [{ probe: probeSpec, interval: 100, timeout: 5000, initialDelay: 0 }],
      probe: ready.probe,
    });
    await managed.start();
    await spawned();
    await clock.advanceAsync(4000);
    await managed.pause();
    await clock.advanceAsync(60_000);
    expect(managed.state).toBe('paused');
    await managed.resume();
    expect(managed.state).toBe('running');
    await clock.advanceAsync(4000);
    expect(managed.state).toBe('running');
    ready.pass();
    await clock.advanceAsync(200);
    expect(managed.state).toBe('ready');
    expect(states).toEqual(['starting', 'running', 'paused', 'running', 'ready']);
    // Paused from ready, it resumes to ready.
    await managed.pause();
    await managed.resume();
    expect(managed.state).toBe('ready');
    await managed.stop();
  });

  it('a stop of a paused process continues it first, so it can handle its stop signal', async () => {
    const { managed, states } = instance({ probe: scriptedProbe().probe });
    await managed.start();
    await spawned();
    await managed.pause();
    await managed.stop();
    expect(tree.sent.slice(0, 3)).toEqual(['SIGSTOP', 'SIGCONT', 'SIGTERM']);
    expect(states).toEqual(['starting', 'running', 'paused', 'stopping', 'stopped']);
  });

  it('killed from outside while paused, it is crashed like any other process', async () => {
    const { managed, states } = instance({ probe: scriptedProbe().probe });
    await managed.start();
    await spawned();
    await managed.pause();
    tree.alive = false;
    tree.child?.emit('exit', null, 'SIGKILL');
    await spawned();
    await managed.waitUntilSettled(1000);
    expect(managed.state).toBe('crashed');
    expect(states).toEqual(['starting', 'running', 'paused', 'crashed']);
  });

  it('refuses to pause what does not run, and to resume what is not paused, with stable codes', async () => {
    const { managed } = instance({ probe: scriptedProbe().probe });
    await expect(managed.pause()).rejects.toMatchObject({ code: 'OVRSEER_NOT_PAUSABLE' });
    await expect(managed.resume()).rejects.toMatchObject({ code: 'OVRSEER_NOT_PAUSED' });
    expect(tree.sent).toEqual([]);
  });
});

describe('pauseTargets', () => {
  const rows = [
    { id: 'api', name: 'api', state: 'ready' as const },
    { id: 'migrate', name: 'migrate', state: 'completed' as const },
    { id: 'worker.1', name: 'worker', state: 'running' as const },
    { id: 'worker.2', name: 'worker', state: 'paused' as const },
  ];

  it('all (and group:/tag:) skip what cannot be paused', () => {
    expect(pauseTargets(['all'], rows, 'pause').map((row) => row.id)).toEqual([
      'api',
      'worker.1',
      'worker.2',
    ]);
  });

  it('a named target that cannot be paused refuses the whole request', () => {
    let thrown: unknown;
    try {
      pauseTargets(['api', 'migrate'], rows, 'pause');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(OvrseerError);
    expect(thrown).toMatchObject({
      code: 'OVRSEER_NOT_PAUSABLE',
      message: 'migrate is completed: only a running or ready process can be paused; start it first',
    });
  });

  it('a selector that leaves nothing to act on is refused', () => {
    expect(() => pauseTargets(['all'], [rows[1] as (typeof rows)[number]], 'resume')).toThrow(
      /migrate is completed, not paused/,
    );
  });
});
