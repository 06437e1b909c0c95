import { describe, expect, it } from 'vitest';
import {
  INDEX_MAGIC,
  IndexDecoder,
  IndexEncoder,
  IndexedText,
  indexPathOf,
} from '../../../src/logs/log-index.js';

function encoded(build: (encoder: IndexEncoder) => void): Buffer {
  const encoder = new IndexEncoder();
  build(encoder);
  return Buffer.concat([Buffer.from(INDEX_MAGIC), encoder.take()]);
}

describe('log index', () => {
  it('names the index beside the log, rotated ones too', () => {
    expect(indexPathOf('/x/logs/api.log')).toBe('/x/logs/api.idx');
    expect(indexPathOf('/x/logs/api.log.2.gz')).toBe('/x/logs/api.idx.2.gz');
  });

  it('round-trips records, times past 2^31 and back-stepped clocks included', () => {
    const t = 1_764_000_000_123;
    const data = encoded((e) => {
      e.anchor(t, 0);
      e.output(t + 5, null, 'out', 12, 2);
      e.output(t + 5, 3, 'err', 70_000, 9_000);
      e.system(t + 1, 3, 3, 'crashed: exited with code 1 — é');
      e.output(t + 400, null, 'out', 1, 1);
    });
    const records = new IndexDecoder().push(data);
    expect(records).toEqual([
      { kind: 'anchor', time: t, offset: 0 },
      { kind: 'output', time: t + 5, instance: null, stream: 'out', bytes: 12, lines: 2 },
      { kind: 'output', time: t + 5, instance: 3, stream: 'err', bytes: 70_000, lines: 9_000 },
      { kind: 'system', time: t + 1, instance: 3, level: 3, text: 'crashed: exited with code 1 — é' },
      { kind: 'output', time: t + 400, instance: null, stream: 'out', bytes: 1, lines: 1 },
    ]);
  });

  it('costs a few bytes per quiet line', () => {
    const encoder = new IndexEncoder();
    encoder.anchor(1_764_000_000_000, 0);
    encoder.take();
    for (let i = 1; i <= 100; i += 1) encoder.output(1_764_000_000_000 + i * 700, null, 'out', 60, 1);
    expect(encoder.take().length).toBeLessThanOrEqual(100 * 6);
  });

  it('keeps a torn record for the next push, byte by byte', () => {
    const data = encoded((e) => {
      e.anchor(1000, 0);
      e.system(1001, null, 1, 'hello');
      e.output(1002, 1, 'out', 4, 1);
    });
    const decoder = new IndexDecoder();
    const records = [];
    for (let i = 0; i < data.length; i += 1) records.push(...decoder.push(data.subarray(i, i + 1)));
    expect(records.map((r) => r.kind)).toEqual(['anchor', 'system', 'output']);
  });

  it('refuses a file that is not an index', () => {
    const decoder = new IndexDecoder();
    expect(decoder.push(Buffer.from('2025-01-01T00:00:00.000Z api out info | x\n'))).toEqual([]);
    expect(decoder.invalid).toBe(true);
  });

  it('makes entries of the text, CR stripped, levels detected, instances named', () => {
    const text = Buffer.from('one\r\nERROR two\nthree\n');
    const records = new IndexDecoder().push(
      encoded((e) => {
        e.anchor(1000, 0);
        e.output(1001, 2, 'out', 15, 2);
        e.system(1002, 2, 2, '3 lines dropped');
        e.output(1003, null, 'err', 6, 1);
      }),
    );
    const reader = new IndexedText('api');
    const { entries, waiting } = reader.entries(text, 0, records);
    expect(waiting).toEqual([]);
    expect(entries.map((e) => [e.time, e.process, e.instance, e.stream, e.level, e.text])).toEqual([
      [1001, 'api.2', 2, 'out', 'info', 'one'],
      [1001, 'api.2', 2, 'out', 'error', 'ERROR two'],
      [1002, 'api.2', 2, 'system', 'warn', '3 lines dropped'],
      [1003, 'api', null, 'err', 'info', 'three'],
    ]);
    expect(reader.offset).toBe(text.length);
  });

  it('waits for text a record describes, and shows text no record covers once the file is final', () => {
    const records = new IndexDecoder().push(
      encoded((e) => {
        e.anchor(1000, 0);
        e.output(1001, null, 'out', 4, 1);
        e.anchor(5000, 9);
        e.output(5001, null, 'out', 4, 1);
      }),
    );
    const reader = new IndexedText('w');
    const first = reader.entries(Buffer.from('a\n'), 0, records);
    expect(first.entries).toEqual([]);
    expect(first.waiting).toHaveLength(records.length - 1);
    // The crash left "lost\n" (6 bytes after "abc\n") without a record; the anchor at 9 says so.
    const all = Buffer.from('abc\nlost\nnew\n');
    const again = new IndexedText('w').entries(all, 0, records);
    expect(again.entries.map((e) => [e.time, e.text])).toEqual([
      [1001, 'abc'],
      [1001, 'lost'],
      [5001, 'new'],
    ]);
    const tail = new IndexedText('w');
    tail.entries(Buffer.from('abc\nlost\n'), 0, records.slice(0, 2));
    expect(tail.rest(Buffer.from('lost\n'), 4).map((e) => [e.time, e.text])).toEqual([[1001, 'lost']]);
  });

  it('skips records another reader made the entries of, reaching the state a pass would', () => {
    const records = new IndexDecoder().push(
      encoded((e) => {
        e.anchor(1000, 0);
        e.output(1001, 2, 'err', 4, 1);
        e.system(1002, 3, 1, 'restarted');
        e.anchor(2000, 9);
        e.output(2001, 3, 'out', 4, 1);
      }),
    );
    const text = Buffer.from('abc\nlost\nnew\n');
    const pass = new IndexedText('w').entries(text, 0, records).entries;
    const skipped = new IndexedText('w');
    skipped.skip(records.slice(0, 2));
    expect(skipped.offset).toBe(4);
    expect(skipped.entries(text, 0, records.slice(2)).entries).toEqual(pass.slice(1));
  });
});
