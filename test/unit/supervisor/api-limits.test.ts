import { Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { DroppingQueue } from '../../../src/supervisor/api/event-queue.js';
import {
  apiLimits,
  DEFAULT_API_LIMITS,
  LimitNotice,
  UnauthenticatedGate,
} from '../../../src/supervisor/api/limits.js';
import { FakeClock } from '../../helpers/fake-clock.js';

describe('DroppingQueue (a /v1/events subscriber)', () => {
  it('keeps at most its capacity, drops the oldest and says how many first', () => {
    const queue = new DroppingQueue<number>(3);
    for (let i = 1; i <= 10; i += 1) queue.push(i);
    expect(queue.size).toBe(3);
    expect(queue.take()).toEqual({ kind: 'dropped', count: 7 });
    expect([queue.take(), queue.take(), queue.take()]).toEqual(
      [8, 9, 10].map((item) => ({ kind: 'item', item })),
    );
    expect(queue.take()).toBeUndefined();
    queue.push(11);
    expect(queue.take()).toEqual({ kind: 'item', item: 11 });
  });

  it('stays bounded under a flood that is never read', () => {
    const queue = new DroppingQueue<number>(100);
    for (let i = 0; i < 100_000; i += 1) queue.push(i);
    expect(queue.size).toBe(100);
    expect(queue.dropped).toBe(99_900);
    expect(() => new DroppingQueue(0)).toThrow(RangeError);
  });
});

describe('LimitNotice', () => {
  it('logs the first hit at once, then one line per interval with the count', () => {
    const clock = new FakeClock(0);
    const lines: string[] = [];
    const notice = new LimitNotice(
      clock,
      (text) => lines.push(text),
      (n) => `refused ${n}`,
      10_000,
    );
    notice.hit();
    expect(lines).toEqual(['refused 1']);
    for (let i = 0; i < 500; i += 1) notice.hit();
    expect(lines).toEqual(['refused 1']);
    clock.advance(9_999);
    expect(lines).toEqual(['refused 1']);
    clock.advance(1);
    expect(lines).toEqual(['refused 1', 'refused 500']);
    clock.advance(60_000);
    notice.hit();
    expect(lines).toEqual(['refused 1', 'refused 500', 'refused 1']);
    notice.hit();
    notice.dispose();
    expect(clock.pendingTimers).toBe(0);
  });
});

describe('UnauthenticatedGate', () => {
  it('admits up to its maximum until one authenticates or closes', () => {
    const clock = new FakeClock(0);
    const lines: string[] = [];
    const gate = new UnauthenticatedGate(
      2,
      new LimitNotice(
        clock,
        (t) => lines.push(t),
        (n) => `${n} refused`,
      ),
    );
    const [a, b, c, d] = [new Socket(), new Socket(), new Socket(), new Socket()];
    expect(gate.admit(a)).toBe(true);
    expect(gate.admit(b)).toBe(true);
    expect(gate.admit(c)).toBe(false);
    expect(c.destroyed).toBe(true);
    expect(lines).toEqual(['1 refused']);
    gate.authenticated(a);
    expect(gate.admit(d)).toBe(true);
    expect(gate.size).toBe(2);
    for (const socket of [a, b, d]) socket.destroy();
  });
});

describe('apiLimits', () => {
  it('takes the defaults, with the internal variable over them for tests', () => {
    expect(apiLimits({})).toEqual(DEFAULT_API_LIMITS);
    expect(DEFAULT_API_LIMITS.maxBodyBytes).toBe(1024 * 1024);
    const limits = apiLimits({ OVRSEER_INTERNAL_API_LIMITS: '{"headerTimeoutMs":2000,"maxConnections":-1}' });
    expect(limits.headerTimeoutMs).toBe(2000);
    expect(limits.maxConnections).toBe(DEFAULT_API_LIMITS.maxConnections);
  });
});
