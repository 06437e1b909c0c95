import { describe, expect, it } from 'vitest';
import type { ReadySpec } from '../../../src/config/spec.js';
import type { Probe, ProbeResult } from '../../../src/core/probes/probe.js';
import { type ReadinessOutcome, waitUntilReady } from '../../../src/core/probes/readiness.js';
import { FakeClock } from '../../helpers/fake-clock.js';

function readySpec(overrides: Partial<Omit<ReadySpec, 'probe'>> = {}): ReadySpec {
  return {
    probe: { kind: 'tcp', host: '127.0.0.1', port: 1 },
    interval: 250,
    timeout: 10_000,
    initialDelay: 0,
    ...overrides,
  };
}

/** A polled probe answering from a script of results (the last one repeats), recording each call. */
class ScriptedProbe implements Probe {
  readonly description: string;
  readonly calls: number[] = [];
  readonly signals: AbortSignal[] = [];
  #script: (ProbeResult | Error)[];

  constructor(
    private readonly clock: FakeClock,
    script: (ProbeResult | Error)[],
    description = 'fake probe',
  ) {
    this.#script = [...script];
    this.description = description;
  }

  async check(signal: AbortSignal): Promise<ProbeResult> {
    this.calls.push(this.clock.now());
    this.signals.push(signal);
    const next = this.#script.length > 1 ? this.#script.shift() : this.#script[0];
    if (next === undefined) throw new Error('empty script');
    if (next instanceof Error) throw next;
    return next;
  }
}

/** An event-driven probe: fails until `pass()`, then tells its subscribers. */
class EventProbe implements Probe {
  readonly description = 'log /ready/';
  readonly calls: number[] = [];
  readonly notifiers = new Set<() => void>();
  unsubscribed = 0;
  #passed = false;

  constructor(private readonly clock: FakeClock) {}

  async check(): Promise<ProbeResult> {
    this.calls.push(this.clock.now());
    return this.#passed ? { ok: true, message: 'matched' } : { ok: false, message: 'no line matched yet' };
  }

  subscribe(notify: () => void): () => void {
    this.notifiers.add(notify);
    return () => {
      this.unsubscribed += 1;
      this.notifiers.delete(notify);
    };
  }

  pass(): void {
    this.#passed = true;
    for (const notify of this.notifiers) notify();
  }
}

const fail = (message: string): ProbeResult => ({ ok: false, message });
const pass: ProbeResult = { ok: true, message: 'ok' };

/** Starts waiting and exposes the outcome once it settles, without awaiting it. */
function start(
  checks: Parameters<typeof waitUntilReady>[0],
  clock: FakeClock,
  signal: AbortSignal = new AbortController().signal,
): { outcome: () => ReadinessOutcome | undefined; promise: Promise<ReadinessOutcome> } {
  let outcome: ReadinessOutcome | undefined;
  const promise = waitUntilReady(checks, clock, signal).then((result) => {
    outcome = result;
    return result;
  });
  return { outcome: () => outcome, promise };
}

describe('waitUntilReady', () => {
  it('is ready at once with no checks', async () => {
    const clock = new FakeClock();
    await expect(waitUntilReady([], clock, new AbortController().signal)).resolves.toEqual({ ok: true });
  });

  it('passes on the first try and leaves no timer behind', async () => {
    const clock = new FakeClock();
    const probe = new ScriptedProbe(clock, [pass]);
    const run = start([{ probe, spec: readySpec() }], clock);
    await clock.advanceAsync(0);
    expect(run.outcome()).toEqual({ ok: true });
    expect(probe.calls).toEqual([0]);
    expect(clock.pendingTimers).toBe(0);
  });

  it('polls a failing probe every interval until it passes', async () => {
    const clock = new FakeClock();
    const probe = new ScriptedProbe(clock, [fail('refused'), fail('refused'), pass]);
    const run = start([{ probe, spec: readySpec({ interval: 250 }) }], clock);
    await clock.advanceAsync(0);
    expect(probe.calls).toEqual([0]);
    await clock.advanceAsync(249);
    expect(probe.calls).toEqual([0]);
    await clock.advanceAsync(1);
    expect(probe.calls).toEqual([0, 250]);
    expect(run.outcome()).toBeUndefined();
    await clock.advanceAsync(250);
    expect(probe.calls).toEqual([0, 250, 500]);
    expect(run.outcome()).toEqual({ ok: true });
    await clock.advanceAsync(10_000);
    expect(probe.calls).toHaveLength(3);
    expect(clock.pendingTimers).toBe(0);
  });

  it('waits initial_delay before the first attempt', async () => {
    const clock = new FakeClock();
    const probe = new ScriptedProbe(clock, [pass]);
    const run = start([{ probe, spec: readySpec({ initialDelay: 2_000 }) }], clock);
    await clock.advanceAsync(1_999);
    expect(probe.calls).toEqual([]);
    expect(run.outcome()).toBeUndefined();
    await clock.advanceAsync(1);
    expect(probe.calls).toEqual([2_000]);
    expect(run.outcome()).toEqual({ ok: true });
  });

  it('times out with the last failure message, naming the probe', async () => {
    const clock = new FakeClock();
    const probe = new ScriptedProbe(
      clock,
      [fail('first'), fail('second'), fail('connection refused')],
      'tcp x',
    );
    const run = start([{ probe, spec: readySpec({ interval: 250, timeout: 1_000 }) }], clock);
    await clock.advanceAsync(999);
    expect(run.outcome()).toBeUndefined();
    await clock.advanceAsync(1);
    expect(run.outcome()).toMatchObject({
      ok: false,
      probe: 'tcp x',
      message: 'connection refused',
      timedOut: true,
    });
    // Attempts at 0, 250, 500, 750; the deadline wins the tie with the attempt due at 1000.
    expect(probe.calls).toEqual([0, 250, 500, 750]);
    expect(clock.pendingTimers).toBe(0);
  });

  it('counts the timeout from the start, initial_delay included', async () => {
    const clock = new FakeClock();
    const probe = new ScriptedProbe(clock, [pass]);
    const run = start([{ probe, spec: readySpec({ initialDelay: 5_000, timeout: 3_000 }) }], clock);
    await clock.advanceAsync(3_000);
    expect(run.outcome()).toMatchObject({
      ok: false,
      probe: 'fake probe',
      message: 'not checked yet',
      timedOut: true,
    });
    expect(probe.calls).toEqual([]);
    await clock.advanceAsync(5_000);
    expect(probe.calls).toEqual([]);
  });

  it('counts a probe that throws (or rejects) as a failure and keeps polling', async () => {
    const clock = new FakeClock();
    const probe = new ScriptedProbe(clock, [new Error('probe bug'), pass]);
    const run = start([{ probe, spec: readySpec({ interval: 100 }) }], clock);
    await clock.advanceAsync(0);
    expect(run.outcome()).toBeUndefined();
    await clock.advanceAsync(100);
    expect(run.outcome()).toEqual({ ok: true });
    expect(probe.calls).toEqual([0, 100]);
  });

  it('reports the message of a throwing probe on timeout', async () => {
    const clock = new FakeClock();
    const throwing: Probe = {
      description: 'sync thrower',
      check: () => {
        throw new Error('kaboom');
      },
    };
    const run = start([{ probe: throwing, spec: readySpec({ interval: 100, timeout: 500 }) }], clock);
    await clock.advanceAsync(500);
    expect(run.outcome()).toMatchObject({
      ok: false,
      probe: 'sync thrower',
      message: 'kaboom',
      timedOut: true,
    });
  });

  it('aborts an attempt that takes longer than max(interval, 1s), then tries again', async () => {
    const clock = new FakeClock();
    const calls: number[] = [];
    const aborted: number[] = [];
    const hanging: Probe = {
      description: 'hangs',
      check: (signal) => {
        calls.push(clock.now());
        return new Promise((resolve) => {
          signal.addEventListener('abort', () => {
            aborted.push(clock.now());
            resolve(fail('attempt timed out'));
          });
        });
      },
    };
    const run = start([{ probe: hanging, spec: readySpec({ interval: 250, timeout: 10_000 }) }], clock);
    await clock.advanceAsync(999);
    expect(aborted).toEqual([]);
    await clock.advanceAsync(1);
    expect(aborted).toEqual([1_000]);
    await clock.advanceAsync(250);
    expect(calls).toEqual([0, 1_250]);
    expect(run.outcome()).toBeUndefined();
  });

  it('uses the interval as attempt timeout when it is longer than a second', async () => {
    const clock = new FakeClock();
    const aborted: number[] = [];
    const hanging: Probe = {
      description: 'hangs',
      check: (signal) =>
        new Promise((resolve) => {
          signal.addEventListener('abort', () => {
            aborted.push(clock.now());
            resolve(fail('slow'));
          });
        }),
    };
    start([{ probe: hanging, spec: readySpec({ interval: 3_000, timeout: 60_000 }) }], clock);
    await clock.advanceAsync(2_999);
    expect(aborted).toEqual([]);
    await clock.advanceAsync(1);
    expect(aborted).toEqual([3_000]);
  });

  describe('event-driven probes', () => {
    it('re-checks at once when the probe notifies, without waiting for the interval', async () => {
      const clock = new FakeClock();
      const probe = new EventProbe(clock);
      const run = start([{ probe, spec: readySpec({ interval: 5_000 }) }], clock);
      await clock.advanceAsync(0);
      expect(probe.calls).toEqual([0]);
      await clock.advanceAsync(1_234);
      probe.pass();
      await clock.advanceAsync(0);
      expect(probe.calls).toEqual([0, 1_234]);
      expect(run.outcome()).toEqual({ ok: true });
      expect(clock.pendingTimers).toBe(0);
    });

    it('unsubscribes once settled', async () => {
      const clock = new FakeClock();
      const probe = new EventProbe(clock);
      const run = start([{ probe, spec: readySpec({ timeout: 1_000 }) }], clock);
      await clock.advanceAsync(1_000);
      expect(run.outcome()).toMatchObject({ ok: false, timedOut: true, message: 'no line matched yet' });
      expect(probe.unsubscribed).toBe(1);
      expect(probe.notifiers.size).toBe(0);
    });

    it('a notify after the outcome changes nothing', async () => {
      const clock = new FakeClock();
      const probe = new EventProbe(clock);
      const run = start([{ probe, spec: readySpec({ timeout: 1_000 }) }], clock);
      await clock.advanceAsync(1_000);
      const callsBefore = probe.calls.length;
      probe.pass();
      await clock.advanceAsync(0);
      expect(probe.calls).toHaveLength(callsBefore);
      expect(run.outcome()).toMatchObject({ ok: false, timedOut: true });
    });

    it('a notify during initial_delay checks at once', async () => {
      const clock = new FakeClock();
      const probe = new EventProbe(clock);
      const run = start([{ probe, spec: readySpec({ initialDelay: 10_000 }) }], clock);
      await clock.advanceAsync(100);
      probe.pass();
      await clock.advanceAsync(0);
      expect(probe.calls).toEqual([100]);
      expect(run.outcome()).toEqual({ ok: true });
      expect(clock.pendingTimers).toBe(0);
    });
  });

  describe('abort', () => {
    it('cancels the wait, clears its timers and unsubscribes', async () => {
      const clock = new FakeClock();
      const controller = new AbortController();
      const probe = new EventProbe(clock);
      const run = start([{ probe, spec: readySpec() }], clock, controller.signal);
      await clock.advanceAsync(300);
      controller.abort();
      await clock.advanceAsync(0);
      expect(run.outcome()).toMatchObject({
        ok: false,
        probe: 'log /ready/',
        message: 'cancelled',
        timedOut: false,
      });
      expect(clock.pendingTimers).toBe(0);
      expect(probe.unsubscribed).toBe(1);
      const calls = probe.calls.length;
      await clock.advanceAsync(60_000);
      expect(probe.calls).toHaveLength(calls);
    });

    it('aborts the attempt in flight', async () => {
      const clock = new FakeClock();
      const controller = new AbortController();
      let attemptSignal: AbortSignal | undefined;
      const hanging: Probe = {
        description: 'hangs',
        check: (signal) => {
          attemptSignal = signal;
          return new Promise((resolve) => signal.addEventListener('abort', () => resolve(fail('aborted'))));
        },
      };
      const run = start([{ probe: hanging, spec: readySpec() }], clock, controller.signal);
      await clock.advanceAsync(10);
      expect(attemptSignal?.aborted).toBe(false);
      controller.abort();
      await clock.advanceAsync(0);
      expect(attemptSignal?.aborted).toBe(true);
      expect(run.outcome()).toMatchObject({ ok: false, message: 'cancelled', timedOut: false });
      expect(clock.pendingTimers).toBe(0);
    });

    it('with an already-aborted signal, returns cancelled without checking', async () => {
      const clock = new FakeClock();
      const probe = new ScriptedProbe(clock, [pass]);
      const result = await waitUntilReady([{ probe, spec: readySpec() }], clock, AbortSignal.abort());
      expect(result).toMatchObject({ ok: false, probe: 'fake probe', message: 'cancelled', timedOut: false });
      await clock.advanceAsync(1_000);
      expect(probe.calls).toEqual([]);
      expect(clock.pendingTimers).toBe(0);
    });
  });

  describe('several checks', () => {
    it('is ready only once every check has passed', async () => {
      const clock = new FakeClock();
      const quick = new ScriptedProbe(clock, [pass], 'quick');
      const slow = new ScriptedProbe(clock, [fail('no'), fail('no'), pass], 'slow');
      const run = start(
        [
          { probe: quick, spec: readySpec() },
          { probe: slow, spec: readySpec({ interval: 1_000 }) },
        ],
        clock,
      );
      await clock.advanceAsync(1_000);
      expect(run.outcome()).toBeUndefined();
      await clock.advanceAsync(1_000);
      expect(run.outcome()).toEqual({ ok: true });
      expect(quick.calls).toEqual([0]);
      expect(slow.calls).toEqual([0, 1_000, 2_000]);
    });

    it('runs the checks in parallel, each on its own interval', async () => {
      const clock = new FakeClock();
      const a = new ScriptedProbe(clock, [fail('a')], 'a');
      const b = new ScriptedProbe(clock, [fail('b')], 'b');
      start(
        [
          { probe: a, spec: readySpec({ interval: 100 }) },
          { probe: b, spec: readySpec({ interval: 300 }) },
        ],
        clock,
      );
      await clock.advanceAsync(600);
      expect(a.calls).toEqual([0, 100, 200, 300, 400, 500, 600]);
      expect(b.calls).toEqual([0, 300, 600]);
    });

    it('reports the failing check', async () => {
      const clock = new FakeClock();
      const good = new ScriptedProbe(clock, [pass], 'good');
      const bad = new ScriptedProbe(clock, [fail('still down')], 'bad');
      const run = start(
        [
          { probe: good, spec: readySpec({ timeout: 1_000 }) },
          { probe: bad, spec: readySpec({ timeout: 1_000 }) },
        ],
        clock,
      );
      await clock.advanceAsync(1_000);
      expect(run.outcome()).toMatchObject({ ok: false, probe: 'bad', message: 'still down', timedOut: true });
    });

    it('fails as soon as one check times out, without waiting for the others', async () => {
      const clock = new FakeClock();
      const short = new ScriptedProbe(clock, [fail('short down')], 'short');
      const long = new ScriptedProbe(clock, [fail('long down')], 'long');
      const run = start(
        [
          { probe: short, spec: readySpec({ timeout: 1_000 }) },
          { probe: long, spec: readySpec({ timeout: 60_000 }) },
        ],
        clock,
      );
      await clock.advanceAsync(1_000);
      // The whole readiness has failed at 1s; it must not take until the 60s deadline to say so.
      expect(run.outcome()).toMatchObject({
        ok: false,
        probe: 'short',
        message: 'short down',
        timedOut: true,
      });
    });
  });
});
