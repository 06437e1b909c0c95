import { describe, expect, it } from 'vitest';
import { LineQueue } from '../../../src/logs/line-queue.js';

describe('LineQueue.pushRaw', () => {
  it('keeps a long run of bytes as it came, and never reuses it as a slab once written', () => {
    const queue = new LineQueue();
    // The size of a slab, at offset 0: what the pool takes back — were it the queue's own.
    const chunk = Buffer.allocUnsafeSlow(256 * 1024).fill(0x61);
    chunk[chunk.length - 1] = 0x0a;
    queue.pushRaw(chunk, 0, chunk.length, 1);
    const taken = queue.take(Number.POSITIVE_INFINITY);
    expect(taken.buffers[0]?.buffer).toBe(chunk.buffer);
    queue.release(taken.buffers);
    for (let i = 0; i < 5000; i += 1) queue.push('', `line ${i} ${'z'.repeat(60)}`);
    queue.take(Number.POSITIVE_INFINITY);
    // A ring buffer may still hold this read: the queue must not have written into it.
    expect(chunk.subarray(0, 10).toString()).toBe('aaaaaaaaaa');
    expect(chunk.every((byte, i) => byte === (i === chunk.length - 1 ? 0x0a : 0x61))).toBe(true);
  });

  it('copies short runs into its slabs, in order with the long ones', () => {
    const queue = new LineQueue();
    queue.pushRaw(Buffer.from('xa\n'), 1, 3, 1);
    const long = Buffer.from(`${'b'.repeat(5000)}\n`);
    queue.pushRaw(long, 0, long.length, 1);
    queue.pushRaw(Buffer.from('c\n'), 0, 2, 1);
    const taken = queue.take(Number.POSITIVE_INFINITY);
    expect(Buffer.concat(taken.buffers).toString()).toBe(`a\n${'b'.repeat(5000)}\nc\n`);
    expect(taken.lines).toBe(3);
  });
});
