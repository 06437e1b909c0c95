import { describe, expect, it } from 'vitest';
import { hashByLoop, payloadHash } from '../../../src/os/payload-hash.js';

describe('payloadHash', () => {
  const bytes = Buffer.from(Array.from({ length: 600_003 }, (_, i) => (i * 131 + (i >> 9)) & 0xff));

  it('changes with any one byte, with the length, and not between runs', () => {
    const base = payloadHash(bytes);
    expect(payloadHash(Buffer.from(bytes))).toEqual(base);
    for (const at of [0, 7, 8, 262_143, 262_144, 599_999, 600_002]) {
      const changed = Buffer.from(bytes);
      changed[at] = (changed[at] ?? 0) ^ 1;
      expect(payloadHash(changed).equals(base), `byte ${at}`).toBe(false);
    }
    expect(payloadHash(bytes.subarray(0, bytes.length - 1)).equals(base)).toBe(false);
    expect(payloadHash(Buffer.concat([bytes, Buffer.alloc(1)])).equals(base)).toBe(false);
  });

  it('is the JavaScript loop’s hash, window by window (the fallback without WebAssembly)', () => {
    const small = bytes.subarray(0, 1003);
    const state = hashByLoop(small, 1008, 0xcbf29ce484222325n ^ 1003n);
    const expected = Buffer.alloc(8);
    expected.writeBigUInt64LE(state, 0);
    expect(payloadHash(small)).toEqual(expected);
  });
});
