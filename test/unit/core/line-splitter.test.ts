import { describe, expect, it } from 'vitest';
import { eachText } from '../../../src/core/line-batch.js';
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
