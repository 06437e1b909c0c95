import { describe, expect, it } from 'vitest';
import { TypedEmitter } from '../../../src/core/emitter.js';

interface Events {
  tick: number;
  name: string;
}

function emitter(): { events: TypedEmitter<Events>; errors: [unknown, keyof Events][] } {
  const errors: [unknown, keyof Events][] = [];
  const events = new TypedEmitter<Events>((error, event) => errors.push([error, event]));
  return { events, errors };
}

describe('TypedEmitter', () => {
  it('delivers the payload to every listener of the event, in subscription order', () => {
    const { events } = emitter();
    const seen: string[] = [];
    events.on('tick', (n) => seen.push(`a${n}`));
    events.on('tick', (n) => seen.push(`b${n}`));
    events.on('name', (s) => seen.push(`name:${s}`));
    events.emit('tick', 1);
    events.emit('name', 'x');
    expect(seen).toEqual(['a1', 'b1', 'name:x']);
  });

  it('does nothing when an event has no listeners', () => {
    const { events, errors } = emitter();
    expect(() => events.emit('tick', 1)).not.toThrow();
    expect(errors).toEqual([]);
  });

  it('a throwing listener does not stop the others, and its error is reported with the event', () => {
    const { events, errors } = emitter();
    const seen: number[] = [];
    const boom = new Error('listener bug');
    events.on('tick', (n) => seen.push(n));
    events.on('tick', () => {
      throw boom;
    });
    events.on('tick', (n) => seen.push(n * 10));
    expect(() => events.emit('tick', 2)).not.toThrow();
    expect(seen).toEqual([2, 20]);
    expect(errors).toEqual([[boom, 'tick']]);
  });

  it('reports every throwing listener, including non-Error throws', () => {
    const { events, errors } = emitter();
    events.on('name', () => {
      throw new Error('one');
    });
    events.on('name', () => {
      throw 'two';
    });
    events.emit('name', 'x');
    expect(errors.map(([error]) => (error instanceof Error ? error.message : error))).toEqual(['one', 'two']);
    expect(errors.map(([, event]) => event)).toEqual(['name', 'name']);
  });

  it('keeps working after a listener threw', () => {
    const { events, errors } = emitter();
    let calls = 0;
    events.on('tick', () => {
      calls += 1;
      if (calls === 1) throw new Error('first time only');
    });
    events.emit('tick', 1);
    events.emit('tick', 2);
    expect(calls).toBe(2);
    expect(errors).toHaveLength(1);
  });

  it('on returns an unsubscriber; off removes a listener', () => {
    const { events } = emitter();
    const seen: number[] = [];
    const a = (n: number): void => {
      seen.push(n);
    };
    const b = (n: number): void => {
      seen.push(-n);
    };
    const unsubscribeA = events.on('tick', a);
    events.on('tick', b);
    expect(events.listenerCount('tick')).toBe(2);
    unsubscribeA();
    events.emit('tick', 1);
    events.off('tick', b);
    events.emit('tick', 2);
    expect(seen).toEqual([-1]);
    expect(events.listenerCount('tick')).toBe(0);
  });

  it('counts listeners per event; removing an unknown listener is harmless', () => {
    const { events } = emitter();
    expect(events.listenerCount('name')).toBe(0);
    events.on('name', () => undefined);
    expect(events.listenerCount('name')).toBe(1);
    expect(events.listenerCount('tick')).toBe(0);
    expect(() => events.off('tick', () => undefined)).not.toThrow();
  });

  it('adding the same listener twice registers it once', () => {
    const { events } = emitter();
    let calls = 0;
    const listener = (): void => {
      calls += 1;
    };
    events.on('tick', listener);
    events.on('tick', listener);
    events.emit('tick', 1);
    expect(calls).toBe(1);
  });

  it('a listener may unsubscribe itself while the event is being emitted', () => {
    const { events } = emitter();
    const seen: string[] = [];
    const unsubscribe = events.on('tick', () => {
      seen.push('once');
      unsubscribe();
    });
    events.on('tick', () => seen.push('always'));
    events.emit('tick', 1);
    events.emit('tick', 2);
    expect(seen).toEqual(['once', 'always', 'always']);
  });
});
