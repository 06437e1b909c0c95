import type { LineBatch } from '../../src/core/line-batch.js';
import { LineSplitter } from '../../src/core/line-splitter.js';

/** Deterministic pseudo-random numbers (mulberry32): the same sequence for a seed, on every run. */
export function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The batch a child's chunk of output becomes: the splitter's fast path, pointing into the chunk. */
export function chunkBatch(text: string, maxLineBytes?: number): LineBatch {
  let batch: LineBatch | null = null;
  new LineSplitter((lines) => {
    batch = lines;
  }, maxLineBytes).push(Buffer.from(text));
  if (batch === null) throw new Error('no complete line in the chunk');
  return batch;
}
