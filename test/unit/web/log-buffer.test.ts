import { describe, expect, it } from 'vitest';
import type { LogLine } from '../../../src/web/page/api.js';
import { CHUNK_LINES, LogBuffer } from '../../../src/web/page/log-buffer.js';
import { LogSearch, searchPattern } from '../../../src/web/page/log-search.js';

function line(seq: number, text = `line ${seq}`): LogLine {
  return {
    time: new Date(1_700_000_000_000 + seq).toISOString(),
    process: seq % 2 === 0 ? 'api' : 'worker.2',
    stream: seq % 3 === 0 ? 'err' : 'out',
    level: seq % 5 === 0 ? 'warn' : null,
    text,
    seq,
  };
}

describe('the page log buffer', () => {
  it('gives back each line as pushed: time, process, stream, level, text', () => {
    const buffer = new LogBuffer();
    for (let seq = 0; seq < 10; seq += 1) buffer.push(line(seq));
    expect(buffer.length).toBe(10);
    expect(buffer.line(5)).toEqual({
      time: 1_700_000_000_005,
      process: 'worker.2',
      stream: 'out',
      level: 'warn',
      text: 'line 5',
    });
    expect(buffer.line(6)).toMatchObject({ process: 'api', stream: 'err', level: null });
    expect(buffer.line(10)).toBeUndefined();
  });

  it('keeps a million lines; beyond its capacity the oldest chunk goes and positions stay absolute', () => {
    const buffer = new LogBuffer(1_000_000);
    const total = 1_000_000 + CHUNK_LINES;
    const template = line(1);
    for (let seq = 0; seq < total; seq += 1) buffer.push({ ...template, text: `line ${seq}` });
    expect(buffer.start).toBe(CHUNK_LINES);
    expect(buffer.length).toBe(1_000_000);
    expect(buffer.text(CHUNK_LINES - 1)).toBeUndefined();
    expect(buffer.text(CHUNK_LINES)).toBe(`line ${CHUNK_LINES}`);
    expect(buffer.text(total - 1)).toBe(`line ${total - 1}`);
  }, 30_000);

  it('searches in slices: every match found, ANSI colours ignored, new lines searched by the next step', () => {
    const buffer = new LogBuffer();
    for (let seq = 0; seq < 100_000; seq += 1)
      buffer.push(line(seq, seq % 1000 === 7 ? `\x1b[31mneedle\x1b[0m ${seq}` : `hay ${seq}`));
    const pattern = searchPattern('NEEDLE', false, false);
    if (!(pattern instanceof RegExp)) throw new Error('no pattern');
    const search = new LogSearch(buffer, pattern);
    let clock = 0;
    // A clock that moves 1 ms a read: each step of a 5 ms budget stops after a few slices.
    let steps = 0;
    while (!search.step(5, () => clock++)) steps += 1;
    expect(steps).toBeGreaterThan(1);
    expect(search.matches).toHaveLength(100);
    expect(search.progress()).toBe(1);
    buffer.push(line(100_000, 'a needle late'));
    expect(search.step(5)).toBe(true);
    expect(search.matches.at(-1)).toBe(100_000);
  });

  it('a pattern that is not a regular expression is said, not thrown', () => {
    expect(searchPattern('beta (', true, false)).toMatch(/^not a regular expression/);
    expect(searchPattern('beta (', false, false)).toBeInstanceOf(RegExp);
    expect(searchPattern('', true, false)).toBeNull();
  });
});
