import { describe, expect, it } from 'vitest';
import { eachText, type LineBatch } from '../../../src/core/line-batch.js';
import { DEFAULT_MAX_LINE_BYTES, LineSplitter, TRUNCATION_MARKER } from '../../../src/core/line-splitter.js';

function collect(maxLineBytes?: number): { lines: string[]; splitter: LineSplitter } {
  const lines: string[] = [];
  const splitter = new LineSplitter(
    eachText((text) => lines.push(text)),
    maxLineBytes,
  );
  return { lines, splitter };
}

const buf = (text: string): Buffer => Buffer.from(text, 'utf8');

function marker(max: number, dropped: number): string {
  return `${TRUNCATION_MARKER} at ${max} bytes, ${dropped} more bytes dropped]`;
}

describe('LineSplitter', () => {
  it('emits each complete line of a chunk, without the newline', () => {
    const { lines, splitter } = collect();
    splitter.push(buf('one\ntwo\nthree\n'));
    expect(lines).toEqual(['one', 'two', 'three']);
  });

  it('joins a line split across several chunks', () => {
    const { lines, splitter } = collect();
    splitter.push(buf('hel'));
    splitter.push(buf('lo wo'));
    expect(lines).toEqual([]);
    splitter.push(buf('rld\nnext'));
    expect(lines).toEqual(['hello world']);
    splitter.push(buf(' line\n'));
    expect(lines).toEqual(['hello world', 'next line']);
  });

  it('handles a chunk that is just a newline, and one byte at a time', () => {
    const { lines, splitter } = collect();
    for (const byte of buf('ab\ncd\n')) splitter.push(Buffer.from([byte]));
    expect(lines).toEqual(['ab', 'cd']);
  });

  it('holds a partial last line until end() flushes it', () => {
    const { lines, splitter } = collect();
    splitter.push(buf('first\nlast without newline'));
    expect(lines).toEqual(['first']);
    splitter.end();
    expect(lines).toEqual(['first', 'last without newline']);
  });

  it('end() emits nothing when there is no partial line, and nothing twice', () => {
    const { lines, splitter } = collect();
    splitter.end();
    splitter.push(buf('a\n'));
    splitter.end();
    expect(lines).toEqual(['a']);
    splitter.push(buf('b'));
    splitter.end();
    splitter.end();
    expect(lines).toEqual(['a', 'b']);
  });

  it('keeps empty lines', () => {
    const { lines, splitter } = collect();
    splitter.push(buf('\n\na\n\n'));
    splitter.push(buf('\n'));
    expect(lines).toEqual(['', '', 'a', '', '']);
  });

  it('strips the CR of CRLF line endings', () => {
    const { lines, splitter } = collect();
    splitter.push(buf('one\r\ntwo\r\n\r\n'));
    expect(lines).toEqual(['one', 'two', '']);
  });

  it('strips the CR when CR and LF arrive in different chunks', () => {
    const { lines, splitter } = collect();
    splitter.push(buf('windows\r'));
    splitter.push(buf('\nnext\r'));
    splitter.push(buf('\n'));
    expect(lines).toEqual(['windows', 'next']);
  });

  it('strips only one trailing CR and keeps CRs inside the line', () => {
    const { lines, splitter } = collect();
    splitter.push(buf('a\rb\r\r\n'));
    expect(lines).toEqual(['a\rb\r']);
  });

  it('strips a trailing CR from a partial line flushed by end()', () => {
    const { lines, splitter } = collect();
    splitter.push(buf('tail\r'));
    splitter.end();
    expect(lines).toEqual(['tail']);
  });

  it('keeps a multi-byte character intact when it is split across chunks', () => {
    const { lines, splitter } = collect();
    const euro = buf('€'); // e2 82 ac
    const face = buf('😀'); // 4 bytes
    splitter.push(Buffer.concat([buf('price: '), euro.subarray(0, 1)]));
    splitter.push(euro.subarray(1, 2));
    splitter.push(Buffer.concat([euro.subarray(2), buf(' '), face.subarray(0, 3)]));
    splitter.push(Buffer.concat([face.subarray(3), buf('\n')]));
    expect(lines).toEqual(['price: € 😀']);
  });

  it('replaces invalid UTF-8 with U+FFFD', () => {
    const { lines, splitter } = collect();
    splitter.push(Buffer.from([0x61, 0xff, 0x62, 0x0a, 0xc3, 0x28, 0x0a]));
    expect(lines).toEqual(['a\uFFFDb', '\uFFFD(']);
  });

  it('replaces a multi-byte character cut off by end() with U+FFFD', () => {
    const { lines, splitter } = collect();
    splitter.push(Buffer.concat([buf('x'), buf('€').subarray(0, 2)]));
    splitter.end();
    expect(lines).toEqual(['x\uFFFD']);
  });

  it('passes a line of exactly the cap through untouched', () => {
    const { lines, splitter } = collect(8);
    splitter.push(buf('12345678\n'));
    splitter.push(buf('1234'));
    splitter.push(buf('5678\n'));
    expect(lines).toEqual(['12345678', '12345678']);
  });

  it('does not count the CR of a CRLF ending against the cap', () => {
    // An 8-byte line is within an 8-byte cap whatever its line ending; nothing of its text is dropped.
    const { lines, splitter } = collect(8);
    splitter.push(buf('12345678\r\n'));
    splitter.push(buf('abcdefgh\r'));
    splitter.push(buf('\n'));
    expect(lines).toEqual(['12345678', 'abcdefgh']);
  });

  it('cuts an over-long line in one chunk at the cap, with the marker, and keeps the next line intact', () => {
    const { lines, splitter } = collect(10);
    splitter.push(buf('0123456789ABCDEF\nnext\n'));
    expect(lines).toEqual([`0123456789${marker(10, 6)}`, 'next']);
  });

  it('drops the rest of an over-long line across chunks until its newline', () => {
    const { lines, splitter } = collect(4);
    splitter.push(buf('abcdefgh')); // over the cap while still partial
    splitter.push(buf('ijklmnop')); // all dropped
    expect(lines).toEqual([]);
    splitter.push(buf('q\nnext\n'));
    expect(lines).toEqual([`abcd${marker(4, 13)}`, 'next']);
  });

  it('cuts when a line grows past the cap over several small chunks', () => {
    const { lines, splitter } = collect(5);
    splitter.push(buf('abc'));
    splitter.push(buf('def'));
    splitter.push(buf('gh\nok\n'));
    expect(lines).toEqual([`abcde${marker(5, 3)}`, 'ok']);
  });

  it('flushes a truncated partial line on end() with the marker', () => {
    const { lines, splitter } = collect(3);
    splitter.push(buf('abcdef'));
    splitter.end();
    expect(lines).toEqual([`abc${marker(3, 3)}`]);
    splitter.push(buf('fresh\n'.slice(0, 3)));
    splitter.push(buf('\n'));
    expect(lines).toEqual([`abc${marker(3, 3)}`, 'fre']);
  });

  it('never cuts inside a multi-byte character', () => {
    const { lines, splitter } = collect(4);
    // a b [e2 82 ac] c: the cap falls inside the euro sign, so the cut backs off before it.
    splitter.push(buf('ab€c\n'));
    expect(lines).toEqual([`ab${marker(4, 4)}`]);
    expect(lines[0]).not.toContain('\uFFFD');
  });

  it('never cuts inside a multi-byte character when the line grows over chunks', () => {
    const { lines, splitter } = collect(4);
    splitter.push(buf('abc'));
    splitter.push(buf('€€\n'));
    expect(lines).toEqual([`abc${marker(4, 6)}`]);
  });

  it('starts fresh after a truncated line: the next over-long line gets its own count', () => {
    const { lines, splitter } = collect(2);
    splitter.push(buf('aaaa\nbbbbbb\ncc\n'));
    expect(lines).toEqual([`aa${marker(2, 2)}`, `bb${marker(2, 4)}`, 'cc']);
  });

  it('defaults the cap to 64 KiB', () => {
    expect(DEFAULT_MAX_LINE_BYTES).toBe(65_536);
    const { lines, splitter } = collect();
    splitter.push(Buffer.alloc(DEFAULT_MAX_LINE_BYTES, 'x'));
    splitter.push(buf('\n'));
    splitter.push(Buffer.alloc(DEFAULT_MAX_LINE_BYTES + 1, 'y'));
    splitter.push(buf('\n'));
    expect(lines).toHaveLength(2);
    expect(lines[0]).toBe('x'.repeat(DEFAULT_MAX_LINE_BYTES));
    expect(lines[1]).toBe(`${'y'.repeat(DEFAULT_MAX_LINE_BYTES)}${marker(DEFAULT_MAX_LINE_BYTES, 1)}`);
  });
});

describe('LineSplitter batches', () => {
  function batches(maxLineBytes?: number): { got: LineBatch[]; splitter: LineSplitter } {
    const got: LineBatch[] = [];
    return { got, splitter: new LineSplitter((lines) => got.push(lines), maxLineBytes) };
  }

  const textsOf = (got: LineBatch[]): string[][] => got.map((lines) => lines.texts());

  it('emits one batch per chunk with complete lines, none for a chunk without a newline', () => {
    const { got, splitter } = batches();
    splitter.push(buf('a\nb\nc\n'));
    expect(got).toHaveLength(1);
    expect(got[0]?.count).toBe(3);
    splitter.push(buf('d\ne'));
    expect(textsOf(got)).toEqual([['a', 'b', 'c'], ['d']]);
    splitter.push(buf('-still e'));
    expect(got).toHaveLength(2);
    // The held start of a line comes with the chunk that ends it, in that chunk's one batch.
    splitter.push(buf('f\ng\n\nh'));
    expect(textsOf(got)).toEqual([['a', 'b', 'c'], ['d'], ['e-still ef', 'g', '']]);
    splitter.end();
    expect(textsOf(got)).toEqual([['a', 'b', 'c'], ['d'], ['e-still ef', 'g', ''], ['h']]);
    splitter.end();
    expect(got).toHaveLength(4);
  });

  it('a batch from a clean chunk points into the chunk: no copy of its bytes', () => {
    const { got, splitter } = batches();
    // A chunk that is a view into a larger buffer, as the pipe's pooled reads are.
    const backing = Buffer.from('#####one\ntwo\nthree\npartial');
    const chunk = backing.subarray(5);
    splitter.push(chunk);
    const batch = got[0] as LineBatch;
    expect(batch.bytes === chunk || batch.bytes.buffer === chunk.buffer).toBe(true);
    expect(batch.ascii).toBe(true);
    expect(batch.texts()).toEqual(['one', 'two', 'three']);
    // Offsets are into the batch's bytes, where the chunk's bytes are.
    for (let i = 0; i < batch.count; i += 1) {
      const start = batch.starts[i] as number;
      expect(batch.bytes.subarray(start, batch.ends[i]).toString()).toBe(batch.text(i));
      expect(batch.bytes.byteOffset + start).toBeGreaterThanOrEqual(chunk.byteOffset);
    }
    // A change to the chunk shows in the batch: they are the same memory.
    chunk[0] = 'O'.charCodeAt(0);
    expect(rawText(batch, 0)).toBe('One');
  });

  it('a clean UTF-8 chunk is not copied either', () => {
    const { got, splitter } = batches();
    const chunk = buf('héllo\n世界 🎉\n');
    splitter.push(chunk);
    const batch = got[0] as LineBatch;
    expect(batch.bytes.buffer).toBe(chunk.buffer);
    expect(batch.ascii).toBe(false);
    expect(batch.texts()).toEqual(['héllo', '世界 🎉']);
  });

  it('CRLF in the fast path: the batch keeps the chunk and ends each line before its CR', () => {
    const { got, splitter } = batches();
    const chunk = buf('one\r\ntwo\r\n\r\nbare\n\r\n');
    splitter.push(chunk);
    expect(got).toHaveLength(1);
    const batch = got[0] as LineBatch;
    expect(batch.bytes.buffer).toBe(chunk.buffer);
    expect(batch.texts()).toEqual(['one', 'two', '', 'bare', '']);
    // The CR is still in the bytes, just outside the line.
    expect(batch.bytes[batch.ends[0] as number]).toBe(0x0d);
    expect(batch.bytes[batch.ends[3] as number]).toBe(0x0a);
  });

  it('a multi-byte character split across chunks comes whole, in the batch of the chunk that ends its line', () => {
    const { got, splitter } = batches();
    const euro = buf('€');
    splitter.push(Buffer.concat([buf('ok\nprice: '), euro.subarray(0, 2)]));
    splitter.push(Buffer.concat([euro.subarray(2), buf(' net\nnext\n')]));
    expect(textsOf(got)).toEqual([['ok'], ['price: € net', 'next']]);
    expect(got[1]?.ascii).toBe(false);
    expect(got[1]?.texts().join('')).not.toContain('\uFFFD');
  });

  it('invalid UTF-8 in one chunk does not affect the next clean chunk', () => {
    const { got, splitter } = batches();
    splitter.push(Buffer.from([0x61, 0xff, 0x62, 0x0a, 0x6f, 0x6b, 0x0a]));
    const clean = buf('clean € line\nascii\n');
    splitter.push(clean);
    expect(textsOf(got)).toEqual([
      ['a\uFFFDb', 'ok'],
      ['clean € line', 'ascii'],
    ]);
    // Back on the fast path: the clean chunk's batch is the chunk's memory.
    expect(got[1]?.bytes.buffer).toBe(clean.buffer);
    const ascii = buf('plain\n');
    splitter.push(ascii);
    expect(got[2]?.bytes.buffer).toBe(ascii.buffer);
    expect(got[2]?.ascii).toBe(true);
  });

  it('an invalid byte in a held partial line spoils only the batch of the chunk that ends it', () => {
    const { got, splitter } = batches();
    splitter.push(Buffer.from([0x78, 0xc3]));
    splitter.push(buf('(\nsecond\n'));
    const after = buf('third\n');
    splitter.push(after);
    expect(textsOf(got)).toEqual([['x\uFFFD(', 'second'], ['third']]);
    expect(got[1]?.bytes.buffer).toBe(after.buffer);
  });

  it('an over-long line in the middle of a chunk: every line kept, in order, the marker on the long one', () => {
    const { got, splitter } = batches(10);
    splitter.push(buf('short\nalso ok é\r\n0123456789ABCDEF\r\nafter\n\nlast one\n'));
    expect(got).toHaveLength(1);
    expect(got[0]?.texts()).toEqual([
      'short',
      'also ok é',
      `0123456789${marker(10, 6)}`,
      'after',
      '',
      'last one',
    ]);
    // The next chunk is clean again: fast path.
    const clean = buf('fine\n');
    splitter.push(clean);
    expect(got[1]?.bytes.buffer).toBe(clean.buffer);
    expect(got[1]?.texts()).toEqual(['fine']);
  });

  it('a held line that the next chunk makes over-long is cut, and the lines after it are kept', () => {
    const { got, splitter } = batches(8);
    splitter.push(buf('12345'));
    splitter.push(buf('6789\nok\n'));
    expect(textsOf(got)).toEqual([[`12345678${marker(8, 1)}`, 'ok']]);
  });

  it('an over-long line ending in a later chunk: its end and the chunk’s other lines come in order', () => {
    const { got, splitter } = batches(4);
    splitter.push(buf('pre\nabcdefgh'));
    const end = buf('ij\npost\nmore\n');
    splitter.push(end);
    expect(got.flatMap((lines) => lines.texts())).toEqual(['pre', `abcd${marker(4, 6)}`, 'post', 'more']);
    // The lines after the cut one stay on the fast path, in the chunk's memory.
    expect(got.at(-1)?.texts()).toEqual(['post', 'more']);
    expect(got.at(-1)?.bytes.buffer).toBe(end.buffer);
  });

  it('a chunk of 100k short lines is one batch, and a later smaller chunk does not disturb it', () => {
    const { got, splitter } = batches();
    const count = 100_000;
    const chunk = buf(Array.from({ length: count }, (_, i) => `line ${i}\n`).join(''));
    splitter.push(chunk);
    expect(got).toHaveLength(1);
    const big = got[0] as LineBatch;
    expect(big.count).toBe(count);
    expect(big.bytes.buffer).toBe(chunk.buffer);
    expect(big.starts.length).toBeGreaterThanOrEqual(count);
    const texts = big.texts();
    expect(texts).toHaveLength(count);
    for (let i = 0; i < count; i += 1) {
      if (texts[i] !== `line ${i}`) expect.fail(`line ${i} is ${JSON.stringify(texts[i])}`);
    }
    splitter.push(buf('x\ny\n'));
    expect(got[1]?.texts()).toEqual(['x', 'y']);
    // The first batch's offsets are its own, not the splitter's scratch.
    expect(big.text(0)).toBe('line 0');
    expect(big.text(1)).toBe('line 1');
    expect(big.text(count - 1)).toBe(`line ${count - 1}`);
  });
});

function rawText(batch: LineBatch, i: number): string {
  return batch.bytes.subarray(batch.starts[i], batch.ends[i]).toString('utf8');
}
