import { describe, expect, it } from 'vitest';
import { INFO, WARN } from '../../../src/logs/levels.js';
import { LogRing } from '../../../src/logs/log-ring.js';
import { compileQuery } from '../../../src/logs/query.js';

function filled(maxLines: number, maxChars: number, texts: readonly string[]): LogRing {
  const ring = new LogRing('api', 'api', null, maxLines, maxChars);
  texts.forEach((text, i) => {
    ring.push(i + 1, 1000 + i, INFO, 0, text);
  });
  return ring;
}

function texts(ring: LogRing, query = {}): string[] {
  return ring.scan(compileQuery(query)).map((slot) => ring.entry(slot).text);
}

describe('LogRing', () => {
  it('rejects a line bound that is not a positive integer', () => {
    expect(() => new LogRing('a', 'a', null, 0, 10)).toThrow(RangeError);
    expect(() => new LogRing('a', 'a', null, 1.5, 10)).toThrow(RangeError);
  });

  it('keeps at most maxLines, dropping the oldest, and counts what it dropped', () => {
    const ring = filled(3, 1_000_000, ['a', 'b', 'c', 'd', 'e']);
    expect(ring.size).toBe(3);
    expect(ring.evicted).toBe(2);
    expect(texts(ring)).toEqual(['c', 'd', 'e']);
  });

  it('stays in order across many wrap-arounds and through growth past its first allocation', () => {
    const lines = Array.from({ length: 5000 }, (_, i) => `line ${i}`);
    const ring = filled(1000, 1_000_000, lines);
    expect(ring.size).toBe(1000);
    expect(texts(ring)).toEqual(lines.slice(4000));
    const entries = ring.scan(compileQuery({})).map((slot) => ring.entry(slot));
    expect(entries.map((entry) => entry.seq)).toEqual(Array.from({ length: 1000 }, (_, i) => 4001 + i));
  });

  it('keeps the summed text length within maxChars, dropping as many old lines as needed', () => {
    const ring = filled(100, 10, ['aaaa', 'bbbb', 'cc']);
    expect(ring.chars).toBe(10);
    ring.push(4, 4, INFO, 0, 'dddddd');
    expect(texts(ring)).toEqual(['cc', 'dddddd']);
    expect(ring.chars).toBe(8);
    expect(ring.evicted).toBe(2);
  });

  it('keeps a single line longer than maxChars on its own rather than nothing', () => {
    const ring = filled(100, 4, ['ab']);
    ring.push(2, 2, INFO, 0, 'much longer than four');
    expect(texts(ring)).toEqual(['much longer than four']);
    ring.push(3, 3, INFO, 0, 'x');
    expect(texts(ring)).toEqual(['x']);
  });

  it('returns every field of an entry', () => {
    const ring = new LogRing('worker.2', 'worker', 2, 10, 100);
    ring.push(7, 1234, WARN, 1, 'careful');
    const [slot] = ring.scan(compileQuery({}));
    expect(ring.entry(slot ?? -1)).toEqual({
      seq: 7,
      time: 1234,
      process: 'worker.2',
      name: 'worker',
      instance: 2,
      stream: 'err',
      level: 'warn',
      text: 'careful',
    });
  });

  it('scans newest-first for a limit but returns oldest first', () => {
    const ring = filled(10, 1000, ['a', 'b', 'c', 'd']);
    expect(texts(ring, { limit: 2 })).toEqual(['c', 'd']);
    expect(texts(ring, { limit: 0 })).toEqual([]);
  });

  it('pages forward after a cursor with a limit', () => {
    const ring = filled(10, 1000, ['a', 'b', 'c', 'd', 'e']);
    expect(texts(ring, { after: 2, limit: 2 })).toEqual(['c', 'd']);
    expect(texts(ring, { after: 4 })).toEqual(['e']);
    expect(texts(ring, { after: 5 })).toEqual([]);
    expect(texts(ring, { after: 0 })).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('finds the cursor position after wrapping', () => {
    const ring = filled(4, 1000, ['a', 'b', 'c', 'd', 'e', 'f', 'g']);
    expect(texts(ring, { after: 5 })).toEqual(['f', 'g']);
    expect(texts(ring, { after: 1 })).toEqual(['d', 'e', 'f', 'g']);
  });

  it('clear empties it and it works as new afterwards', () => {
    const ring = filled(3, 1000, ['a', 'b', 'c', 'd']);
    ring.clear();
    expect(ring.size).toBe(0);
    expect(ring.chars).toBe(0);
    expect(ring.oldestTime).toBeNull();
    ring.push(10, 5, INFO, 0, 'z');
    expect(texts(ring)).toEqual(['z']);
    expect(ring.oldestTime).toBe(5);
  });
});
