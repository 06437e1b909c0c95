import { describe, expect, it } from 'vitest';
import { countByLoop, countNewlines } from '../../../src/core/newline-count.js';

describe('countNewlines', () => {
  it('counts as a loop does, at every length and offset, and past its 256 KiB window', () => {
    let seed = 7;
    const random = (): number => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (const length of [0, 1, 15, 16, 17, 31, 33, 1000, 65_536, 300_000]) {
      const bytes = new Uint8Array(length);
      for (let i = 0; i < length; i += 1) bytes[i] = random() < 0.1 ? 10 : Math.floor(random() * 256);
      const from = Math.min(length, 3);
      expect(countNewlines(bytes, from, length)).toBe(countByLoop(bytes, from, length));
      expect(countNewlines(bytes)).toBe(countByLoop(bytes, 0, length));
    }
  });

  it('counts a million lines', () => {
    const text = Buffer.from(`${Array.from({ length: 1_000_000 }, (_, i) => i + 1).join('\n')}\n`);
    expect(countNewlines(text)).toBe(1_000_000);
  });
});
