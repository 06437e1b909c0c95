import { describe, expect, it } from 'vitest';
import type { LogLineEvent, LogOutputEvent } from '../../../src/core/events.js';
import { eachText, LineBatch, perLine } from '../../../src/core/line-batch.js';

/** Line `i` as its raw bytes, straight from `bytes[starts[i], ends[i])`. */
function rawLine(batch: LineBatch, i: number): string {
  return batch.bytes.subarray(batch.starts[i], batch.ends[i]).toString('utf8');
}

function output(lines: LineBatch): LogOutputEvent {
  return { process: 'worker.2', name: 'worker', instance: 2, stream: 'err', lines, time: 1234 };
}

describe('LineBatch.fromTexts', () => {
  it('lays ASCII lines out as bytes, one after the other, and marks the batch ASCII', () => {
    const batch = LineBatch.fromTexts(['one', 'two', 'three']);
    expect(batch.count).toBe(3);
    expect(batch.ascii).toBe(true);
    expect([...batch.starts]).toEqual([0, 4, 8]);
    expect([...batch.ends]).toEqual([3, 7, 13]);
    expect([0, 1, 2].map((i) => rawLine(batch, i))).toEqual(['one', 'two', 'three']);
    expect(batch.texts()).toEqual(['one', 'two', 'three']);
  });

  it('measures non-ASCII lines in UTF-8 bytes, not UTF-16 units', () => {
    const texts = ['héllo', '世界', 'plain', '🎉 party', '\uFFFD'];
    const batch = LineBatch.fromTexts(texts);
    expect(batch.ascii).toBe(false);
    expect(batch.count).toBe(texts.length);
    texts.forEach((text, i) => {
      expect((batch.ends[i] ?? 0) - (batch.starts[i] ?? 0)).toBe(Buffer.byteLength(text));
      expect(rawLine(batch, i)).toBe(text);
      expect(batch.text(i)).toBe(text);
    });
    expect(batch.texts()).toEqual(texts);
  });

  it('keeps empty lines, wherever they are', () => {
    const texts = ['', 'a', '', '', 'b', ''];
    const batch = LineBatch.fromTexts(texts);
    expect(batch.count).toBe(6);
    expect(batch.texts()).toEqual(texts);
    expect(batch.text(0)).toBe('');
    expect(batch.text(5)).toBe('');
    // An empty line starts where it ends.
    expect(batch.starts[2]).toBe(batch.ends[2]);
    const onlyEmpty = LineBatch.fromTexts(['']);
    expect(onlyEmpty.count).toBe(1);
    expect(onlyEmpty.texts()).toEqual(['']);
  });

  it('an empty list is an empty batch', () => {
    const batch = LineBatch.fromTexts([]);
    expect(batch.count).toBe(0);
    expect(batch.texts()).toEqual([]);
    expect(batch.bytes.length).toBe(0);
  });

  it('a batch mixing ASCII and non-ASCII lines gives each line back exactly', () => {
    const texts = Array.from({ length: 50 }, (_, i) => (i % 7 === 3 ? `ünïcode ${i} €` : `ascii ${i}`));
    const batch = LineBatch.fromTexts(texts);
    expect(batch.ascii).toBe(false);
    expect(batch.texts()).toEqual(texts);
    // Out of order, and twice: text(i) does not depend on what was read before.
    for (const i of [49, 3, 0, 10, 3, 49]) expect(batch.text(i)).toBe(texts[i]);
  });
});

describe('LineBatch over a chunk', () => {
  it('text(i) reads a line out of a larger buffer by its offsets, for ASCII and UTF-8 batches', () => {
    const chunk = Buffer.from('xxfirst\nsecond\r\ntail');
    const batch = new LineBatch(chunk, Int32Array.of(2, 8), Int32Array.of(7, 14), 2, true);
    expect(batch.texts()).toEqual(['first', 'second']);
    expect(batch.text(1)).toBe('second');
    const utf8 = Buffer.from('€ one\nzwei ü\n');
    const split = new LineBatch(utf8, Int32Array.of(0, 8), Int32Array.of(7, 15), 2, false);
    expect(split.texts()).toEqual(['€ one', 'zwei ü']);
  });
});

describe('eachText', () => {
  it('calls the line listener once per line, in order, with its text', () => {
    const seen: string[] = [];
    const onLines = eachText((text) => seen.push(text));
    onLines(LineBatch.fromTexts(['a', '', 'ç']));
    onLines(LineBatch.fromTexts([]));
    onLines(LineBatch.fromTexts(['d']));
    expect(seen).toEqual(['a', '', 'ç', 'd']);
  });
});

describe('perLine', () => {
  it('turns one output event into one log event per line, with the fields of the output event', () => {
    const events: LogLineEvent[] = [];
    const listener = perLine((event) => events.push(event));
    listener(output(LineBatch.fromTexts(['first', 'ERROR second', 'drïtte'])));
    expect(events).toEqual([
      { process: 'worker.2', name: 'worker', instance: 2, stream: 'err', text: 'first', time: 1234 },
      { process: 'worker.2', name: 'worker', instance: 2, stream: 'err', text: 'ERROR second', time: 1234 },
      { process: 'worker.2', name: 'worker', instance: 2, stream: 'err', text: 'drïtte', time: 1234 },
    ]);
    // A fresh object per line: a listener may keep them.
    expect(events[0]).not.toBe(events[1]);
  });

  it('gives nothing for an empty batch', () => {
    const events: LogLineEvent[] = [];
    perLine((event) => events.push(event))(output(LineBatch.fromTexts([])));
    expect(events).toEqual([]);
  });

  it('a listener that throws still gets every line; the first error is rethrown after the batch', () => {
    const seen: string[] = [];
    const first = new Error('first failure');
    const listener = perLine((event) => {
      seen.push(event.text);
      if (event.text === 'b') throw first;
      if (event.text === 'd') throw new Error('second failure');
    });
    expect(() => listener(output(LineBatch.fromTexts(['a', 'b', 'c', 'd', 'e'])))).toThrow(first);
    expect(seen).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it.each([
    ['a string', 'plain string'],
    ['undefined', undefined],
  ])('rethrows whatever was thrown, even %s', (_, thrown) => {
    let calls = 0;
    const listener = perLine(() => {
      calls += 1;
      throw thrown;
    });
    let caught: { error: unknown } | null = null;
    try {
      listener(output(LineBatch.fromTexts(['x', 'y'])));
    } catch (error) {
      caught = { error };
    }
    expect(calls).toBe(2);
    expect(caught).toEqual({ error: thrown });
  });

  it('does not throw when no line failed', () => {
    const listener = perLine(() => undefined);
    expect(() => listener(output(LineBatch.fromTexts(['x', 'y'])))).not.toThrow();
  });
});
