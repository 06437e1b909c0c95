import { describe, expect, it } from 'vitest';
import { LineBatch } from '../../../src/core/line-batch.js';
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

  it('keeps a line pushed after a waiting batch after that batch (a state line after the output that caused it)', () => {
    const ring = new LogRing('db', 'db', null, 100, 1_000_000);
    ring.pushBatch(1, 1000, 0, LineBatch.fromTexts(['warming up', 'ready to accept connections']));
    ring.push(3, 1001, WARN, 2, 'ready: ready (log /ready to accept/)');
    expect(texts(ring)).toEqual([
      'warming up',
      'ready to accept connections',
      'ready: ready (log /ready to accept/)',
    ]);
    const entries = ring.scan(compileQuery({})).map((slot) => ring.entry(slot));
    expect(entries.map((entry) => entry.seq)).toEqual([1, 2, 3]);
    expect(entries.map((entry) => entry.stream)).toEqual(['out', 'out', 'system']);
    expect(entries[2]?.level).toBe('warn');
  });

  it('keeps a line pushed behind a flood of waiting batches without settling them', () => {
    const ring = new LogRing('db', 'db', null, 3, 1_000_000);
    ring.pushBatch(1, 1000, 0, LineBatch.fromTexts(['a', 'b', 'c', 'd']));
    ring.push(5, 1001, WARN, 2, 'exited');
    ring.pushBatch(6, 1002, 0, LineBatch.fromTexts(['e']));
    expect(texts(ring)).toEqual(['d', 'exited', 'e']);
    expect(ring.evicted).toBe(3);
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

  it('keeps the UTF-8 bytes of the texts within the bound, dropping as many old lines as needed', () => {
    const ring = filled(100, 10, ['aaaa', 'bbbb', 'cc']);
    expect(ring.bytes).toBe(10);
    ring.push(4, 4, INFO, 0, 'dddddd');
    expect(texts(ring)).toEqual(['cc', 'dddddd']);
    expect(ring.bytes).toBe(8);
    expect(ring.evicted).toBe(2);
  });

  it('cuts a line longer than the whole bound to fit, rather than keeping nothing', () => {
    const ring = filled(100, 6, ['ab']);
    ring.push(2, 2, INFO, 0, 'much longer than six');
    expect(texts(ring)).toEqual(['ab', 'mu']);
    // Each text is kept in one piece, so wrapping around the end may cost a line more than the bound.
    ring.push(3, 3, INFO, 0, 'xyz');
    expect(texts(ring).at(-1)).toBe('xyz');
    expect(ring.bytes).toBeLessThanOrEqual(6);
  });

  it('counts bytes, not characters, and gives back every text exactly', () => {
    const lines = ['héllo', '世界', '🎉 party', '', 'plain', '� bad byte', `${'é'.repeat(20)}`];
    const ring = filled(100, 1000, lines);
    expect(texts(ring)).toEqual(lines);
    expect(ring.bytes).toBe(lines.reduce((sum, line) => sum + Math.max(Buffer.byteLength(line), 1), 0));
    // A search decodes the whole buffer at once when it examines many lines: same texts.
    const many = filled(
      1000,
      100_000,
      Array.from({ length: 600 }, (_, i) => (i % 3 === 0 ? `ünï ${i}` : `ascii ${i}`)),
    );
    expect(texts(many, { grep: '^ünï 591$' }).length).toBe(1);
    expect(texts(many, { grep: '\\d' }).length).toBe(600);
  });

  it('wraps around its byte buffer and keeps the newest lines in order, through any mix of lengths', () => {
    const ring = new LogRing('api', 'api', null, 10_000, 4096);
    const all: string[] = [];
    for (let i = 0; i < 3000; i += 1) {
      const text = `${i} ${'x'.repeat((i * 37) % 300)}`;
      all.push(text);
      ring.push(i + 1, i, INFO, 0, text);
      expect(ring.bytes).toBeLessThanOrEqual(4096);
    }
    const kept = texts(ring);
    expect(kept).toEqual(all.slice(all.length - kept.length));
    expect(kept.length).toBeGreaterThan(10);
    expect(ring.evicted + ring.size).toBe(3000);
  });

  it.each([
    [1, 'small', 3000, 40],
    [2, 'small', 3000, 40],
    [3, 'small', 3000, 40],
    [4, 'growing', 1_000_000, 20_000],
    [5, 'growing', 1_000_000, 20_000],
    [6, 'growing', 300_000, 8000],
  ])(
    'keeps a suffix of what was pushed, texts intact, within both bounds (seed %d, %s buffer)',
    (seed, _, bytes, long) => {
      // A small deterministic generator: the same cases on every run.
      let state = seed * 2654435761;
      const random = (n: number): number => {
        state = (state * 1103515245 + 12345) % 2147483648;
        return state % n;
      };
      const maxLines = 5 + random(200);
      const maxBytes = 300 + random(bytes);
      const ring = new LogRing('p', 'p', null, maxLines, maxBytes);
      const pushed: string[] = [];
      const alphabet = ['a', 'b', ' ', 'é', '世', '🎉', '\uFFFD'];
      for (let i = 0; i < 2000; i += 1) {
        // Mostly short lines, now and then a long one: the buffer wraps, and grows while wrapped.
        const length = random(i % 50 === 0 ? long : 40);
        const text = Array.from({ length }, () => alphabet[random(alphabet.length)]).join('');
        pushed.push(text);
        ring.push(i + 1, i, INFO, 0, text);
        expect(ring.size).toBeLessThanOrEqual(maxLines);
        expect(ring.bytes).toBeLessThanOrEqual(maxBytes);
      }
      const kept = texts(ring);
      expect(kept.length).toBeGreaterThan(0);
      expect(kept).toEqual(pushed.slice(pushed.length - kept.length));
    },
  );

  it('grows its byte buffer while the kept lines wrap around its end, keeping them in order', () => {
    const line = (char: string, kib: number): string => char.repeat(kib * 1024);
    const ring = filled(3, 1024 * 1024, [line('a', 20), line('b', 20), line('c', 20)]);
    ring.push(4, 4, INFO, 0, line('d', 20)); // wraps to the start of the 64 KiB buffer
    ring.push(5, 5, INFO, 0, line('e', 50)); // fits nowhere: the buffer grows, wrapped
    ring.push(6, 6, INFO, 0, 'f');
    expect(texts(ring).map((text) => `${text[0]}${text.length}`)).toEqual(['d20480', 'e51200', 'f1']);
    expect(ring.evicted).toBe(3);
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
    expect(ring.bytes).toBe(0);
    expect(ring.oldestTime).toBeNull();
    ring.push(10, 5, INFO, 0, 'z');
    expect(texts(ring)).toEqual(['z']);
    expect(ring.oldestTime).toBe(5);
  });
});
