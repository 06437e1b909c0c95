import { describe, expect, it } from 'vitest';
import type { LogOutputEvent } from '../../../src/core/events.js';
import { LineBatch } from '../../../src/core/line-batch.js';
import { CompilerTierUp, tierUpUnderLoad } from '../../../src/supervisor/compiler-tier.js';

describe('CompilerTierUp', () => {
  it('raises once when a second holds the threshold of lines', () => {
    let now = 0;
    let raised = 0;
    const tier = new CompilerTierUp(
      () => raised++,
      () => now,
      100,
    );
    tier.observe(60);
    now = 900;
    tier.observe(39);
    expect(raised).toBe(0);
    tier.observe(1);
    expect(raised).toBe(1);
    expect(tier.raised).toBe(true);
    tier.observe(1000);
    expect(raised).toBe(1);
  });

  it('never raises for steady output below the rate', () => {
    let now = 0;
    let raised = 0;
    const tier = new CompilerTierUp(
      () => raised++,
      () => now,
      100,
    );
    for (let second = 0; second < 60; second += 1) {
      now = second * 1000;
      tier.observe(99);
    }
    expect(raised).toBe(0);
  });
});

describe('tierUpUnderLoad', () => {
  function source() {
    const listeners = new Set<(event: LogOutputEvent) => void>();
    return {
      listeners,
      on(_event: 'output', listener: (event: LogOutputEvent) => void) {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
      emit(lines: number) {
        const batch = LineBatch.fromTexts(Array.from({ length: lines }, () => 'x'));
        const event = {
          process: 'a',
          name: 'a',
          instance: null,
          stream: 'out',
          lines: batch,
          time: 0,
        } as const;
        for (const listener of listeners) listener(event);
      },
    };
  }

  it('does nothing in a process started with the optimizing compiler on', () => {
    const output = source();
    let raised = 0;
    tierUpUnderLoad(output, [], () => raised++);
    expect(output.listeners.size).toBe(0);
    expect(raised).toBe(0);
  });

  it('switches the compiler on under a flood, then stops listening', async () => {
    const output = source();
    let raised = 0;
    tierUpUnderLoad(output, ['--max-semi-space-size=1', '--no-turbofan', '--no-sparkplug'], () => raised++);
    output.emit(10);
    expect(raised).toBe(0);
    output.emit(30_000);
    expect(raised).toBe(1);
    await Promise.resolve();
    expect(output.listeners.size).toBe(0);
  });

  it('counts many small reads as load too: 1,000 one-line reads within a second switch it on', () => {
    const output = source();
    let raised = 0;
    tierUpUnderLoad(output, ['--no-turbofan', '--no-sparkplug'], () => raised++);
    for (let i = 0; i < 900; i += 1) output.emit(1);
    expect(raised).toBe(0);
    for (let i = 0; i < 100; i += 1) output.emit(1);
    expect(raised).toBe(1);
  });
});
