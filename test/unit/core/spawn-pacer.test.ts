import { describe, expect, it } from 'vitest';
import { SpawnPacer } from '../../../src/core/spawn-pacer.js';

/** A pacer whose time and turns of the loop the test drives. */
function pacer(sliceMs = 20): { pacer: SpawnPacer; turns: (() => void)[]; advance(ms: number): void } {
  let now = 0;
  const turns: (() => void)[] = [];
  return {
    pacer: new SpawnPacer({ sliceMs, now: () => now, defer: (callback) => turns.push(callback) }),
    turns,
    advance: (ms) => {
      now += ms;
    },
  };
}

describe('SpawnPacer', () => {
  it('lets a first budget through at once and makes the rest wait for later turns', async () => {
    const { pacer: p, turns } = pacer();
    const granted: number[] = [];
    const waits = Array.from({ length: 20 }, (_, i) => {
      const turn = p.turn();
      if (turn === null) granted.push(i);
      return turn?.then(() => granted.push(i));
    });
    expect(granted).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(turns).toHaveLength(1);
    // The turn cost nothing: the budget doubles, and the next turn lets the other twelve through.
    turns.shift()?.();
    await Promise.all(waits);
    expect(granted).toHaveLength(20);
    expect(p.budget).toBe(16);
  });

  it('shrinks the budget when a turn overran its slice, down to one spawn a turn', async () => {
    const { pacer: p, turns, advance } = pacer(20);
    const waits = Array.from({ length: 100 }, () => p.turn()).filter((turn) => turn !== null);
    // The first 8 spawns took 80 ms: 2 fit in a 20 ms slice.
    advance(80);
    turns.shift()?.();
    expect(p.budget).toBe(2);
    advance(400);
    turns.shift()?.();
    expect(p.budget).toBe(1);
    while (turns.length > 0) turns.shift()?.();
    await Promise.all(waits);
  });

  it('keeps the order of arrival', async () => {
    const { pacer: p, turns } = pacer();
    const order: number[] = [];
    const waits: Promise<void>[] = [];
    for (let i = 0; i < 30; i += 1) {
      const turn = p.turn();
      if (turn === null) order.push(i);
      else waits.push(turn.then(() => void order.push(i)));
    }
    while (turns.length > 0) turns.shift()?.();
    await Promise.all(waits);
    expect(order).toEqual(Array.from({ length: 30 }, (_, i) => i));
  });
});
