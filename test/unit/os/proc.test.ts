import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  detectPageSize,
  emptyStat,
  environVariable,
  ProcReader,
  parseLastPid,
  parseStat,
  parseUptime,
} from '../../../src/os/proc.js';
import { ProcTable } from '../../../src/os/proc-table.js';
import { FakeProc, statLine } from '../metrics/fake-proc.js';

function parse(line: string) {
  const buffer = Buffer.from(line, 'latin1');
  const stat = emptyStat();
  return parseStat(buffer, buffer.length, stat) ? stat : null;
}

describe('parseStat', () => {
  it('reads state, ppid, pgrp, utime + stime, start time and rss', () => {
    const line = statLine({
      pid: 4242,
      ppid: 17,
      pgrp: 4000,
      state: 'R',
      utime: 150,
      stime: 25,
      start: 98765,
      rss: 2048,
    });
    expect(parse(line)).toEqual({
      pid: 4242,
      state: 'R',
      ppid: 17,
      pgrp: 4000,
      session: 4000,
      ticks: 175,
      startTime: 98765,
      rssPages: 2048,
      threads: 1,
      faults: 10,
    });
  });

  it('handles command names with spaces and parentheses', () => {
    for (const comm of ['my server', 'a) b (c', ')(', 'x) S 1 2 3', 'kworker/u8:2-events_unbound']) {
      const stat = parse(statLine({ pid: 7, ppid: 3, pgrp: 5, comm, utime: 1, stime: 2, rss: 9 }));
      expect(stat, comm).toMatchObject({ pid: 7, state: 'S', ppid: 3, pgrp: 5, ticks: 3, rssPages: 9 });
    }
  });

  it('skips the fields it does not use, however large', () => {
    const fields = statLine({ pid: 9, ppid: 1, utime: 3, stime: 4, start: 4_000_000_000, rss: 77 }).split(
      ' ',
    );
    // vsize (field 23) and minflt (field 10) beyond 32 bits, a negative nice (field 19).
    fields[22] = '18446744073709551615';
    fields[9] = '99999999999';
    const stat = parse(fields.join(' '));
    expect(stat).toMatchObject({ pid: 9, ppid: 1, ticks: 7, startTime: 4_000_000_000, rssPages: 77 });
  });

  it('reads a line that ends right after rss', () => {
    const line = `5 (x) S ${Array.from({ length: 21 }, (_, index) => index + 4).join(' ')}`;
    expect(parse(line)).toMatchObject({
      ppid: 4,
      pgrp: 5,
      session: 6,
      ticks: 14 + 15,
      startTime: 22,
      rssPages: 24,
    });
  });

  it('rejects text that is not a stat line, or one cut short', () => {
    expect(parse('')).toBeNull();
    expect(parse('hello world')).toBeNull();
    expect(parse('12 (x) S 1 2 3')).toBeNull();
  });

  it('parses this process the way the kernel sees it', () => {
    const text = readFileSync('/proc/self/stat', 'latin1');
    expect(parse(text)).toMatchObject({ pid: process.pid, ppid: process.ppid, state: 'R' });
  });
});

function bytes(text: string): [Buffer, number] {
  // Room after the text, as in the reader's buffer: nothing past `length` may be read.
  const buffer = Buffer.alloc(text.length + 8, 0x37);
  buffer.write(text, 'latin1');
  return [buffer, text.length];
}

describe('parseLastPid', () => {
  it('reads the last field of /proc/loadavg', () => {
    expect(parseLastPid(...bytes('0.00 0.01 0.05 1/80 12345\n'))).toBe(12345);
    expect(parseLastPid(...bytes('0.00 0.01 0.05 1/80 7'))).toBe(7);
  });

  it('is -1 for anything but a positive integer there', () => {
    for (const text of ['', '\n', '0.00 0.01 0.05 1/80 0\n', '0.00 0.01 0.05 1/80 12a\n', 'x 1/80 \n']) {
      expect(parseLastPid(...bytes(text)), JSON.stringify(text)).toBe(-1);
    }
  });

  it('agrees with the kernel', () => {
    const text = readFileSync('/proc/loadavg', 'latin1');
    expect(parseLastPid(...bytes(text))).toBe(Number(text.trim().split(' ').pop()));
  });
});

describe('parseUptime', () => {
  it('gives exactly what parseFloat gives', () => {
    for (const text of ['350735.47 1395459.52\n', '0.01 0.00\n', '12 5\n', '99999999.99 1\n', '1.5']) {
      expect(parseUptime(...bytes(text)), text).toBe(Number.parseFloat(text));
    }
    for (let i = 0; i < 2000; i += 1) {
      const text = `${Math.floor(Math.random() * 1e7)}.${String(Math.floor(Math.random() * 100)).padStart(2, '0')} 1.00\n`;
      expect(parseUptime(...bytes(text)), text).toBe(Number.parseFloat(text));
    }
  });

  it('falls back to parseFloat for other forms, NaN for nothing', () => {
    expect(parseUptime(...bytes(''))).toBeNaN();
    expect(parseUptime(...bytes('1e3 2'))).toBe(1000);
    expect(parseUptime(...bytes('12345678901234567.5 0'))).toBe(Number.parseFloat('12345678901234567.5'));
  });

  it('agrees with the kernel', () => {
    const text = readFileSync('/proc/uptime', 'latin1');
    expect(parseUptime(...bytes(text))).toBe(Number.parseFloat(text));
  });
});

describe('environVariable', () => {
  const environ = Buffer.from(
    'OVRSEER_PROCESS=shop/api/1\0MY_OVRSEER_PROJECT_ID=evil\0OVRSEER_PROJECT_ID=abc\0EMPTY=\0',
  );

  it('finds whole variables only, first one included', () => {
    expect(environVariable(environ, 'OVRSEER_PROCESS')).toBe('shop/api/1');
    expect(environVariable(environ, 'OVRSEER_PROJECT_ID')).toBe('abc');
    expect(environVariable(environ, 'EMPTY')).toBe('');
    expect(environVariable(environ, 'PROJECT_ID')).toBeNull();
    expect(environVariable(Buffer.from('A=1'), 'A')).toBe('1');
  });
});

describe('ProcReader on a /proc-like folder', () => {
  let proc: FakeProc;
  afterEach(() => proc.cleanup());

  it('reads every pid (and nothing else), leaving out the one to skip', () => {
    proc = new FakeProc().add({ pid: 1, ppid: 0 }).add({ pid: 20, ppid: 1 }).add({ pid: 21, ppid: 20 });
    const reader = new ProcReader(proc.root);
    const table = new ProcTable();
    reader.readAll(table, 21);
    expect([...table.rowOf.keys()].sort((a, b) => a - b)).toEqual([1, 20]);
    expect(reader.readUptime()).toBe(1000);
  });

  it('does not read foreign pids, and stamps them with the pass', () => {
    proc = new FakeProc().add({ pid: 1, ppid: 0 }).add({ pid: 20, ppid: 1 });
    const reader = new ProcReader(proc.root);
    const table = new ProcTable();
    const foreign = new Map([
      [1, 0],
      [99, 0],
    ]);
    reader.readAll(table, -1, foreign, 7);
    expect([...table.rowOf.keys()]).toEqual([20]);
    expect(foreign).toEqual(
      new Map([
        [1, 7],
        [99, 0],
      ]),
    );
  });

  it('grows its table past the first capacity', () => {
    proc = new FakeProc();
    for (let pid = 2; pid < 400; pid += 1) proc.add({ pid, ppid: 1, rss: pid });
    const table = new ProcTable();
    new ProcReader(proc.root).readAll(table);
    expect(table.size).toBe(398);
    expect(table.rssPages[table.rowOf.get(399) ?? -1]).toBe(399);
  });

  it('reads an environment into one reused buffer, growing it for a long one', () => {
    proc = new FakeProc();
    const long = 'x'.repeat(200_000);
    proc.add({ pid: 10, ppid: 1, env: { A: '1', B: 'two' } });
    proc.add({ pid: 11, ppid: 1, env: { LONG: long } });
    const reader = new ProcReader(proc.root);
    const first = reader.readEnvironView(10);
    expect(first?.toString()).toBe('A=1\0B=two\0');
    expect(environVariable(reader.readEnvironView(11) ?? Buffer.alloc(0), 'LONG')).toBe(long);
    expect(reader.readEnvironView(10)?.toString()).toBe('A=1\0B=two\0');
  });

  it('a gone process reads as null, not an error', () => {
    proc = new FakeProc();
    const reader = new ProcReader(proc.root);
    expect(reader.readStat(12345)).toBeNull();
    expect(reader.readEnvironView(12345)).toBeNull();
    expect(reader.listFds(12345)).toBeNull();
  });
});

describe('ProcReader on the real /proc', () => {
  it('counts open descriptors (by the size of /proc/<pid>/fd where the kernel reports it)', () => {
    const reader = new ProcReader();
    const listed = readdirSync('/proc/self/fd').length;
    // The listing itself holds one descriptor open while it runs.
    expect(Math.abs((reader.countFds(process.pid) ?? -10) - listed)).toBeLessThanOrEqual(1);
  });

  it('keeps stat files open between passes and still sees fresh figures', () => {
    const reader = new ProcReader();
    const table = new ProcTable();
    reader.readAll(table);
    const before = table.ticks[table.rowOf.get(process.pid) ?? -1] ?? 0;
    const until = Date.now() + 300;
    while (Date.now() < until) Math.sqrt(Math.random());
    reader.readAll(table);
    expect(table.ticks[table.rowOf.get(process.pid) ?? -1] ?? 0).toBeGreaterThan(before);
    reader.close();
  });
});

describe('detectPageSize', () => {
  it('is a power of two of at least 4 KiB', () => {
    const size = detectPageSize();
    expect([4096, 16384, 65536]).toContain(size);
  });
});

describe('ProcReader between process creations', () => {
  let proc: FakeProc;
  afterEach(() => proc.cleanup());

  it('re-reads the open stat files and finds new processes by children lists, not by listing /proc', () => {
    proc = new FakeProc().add({ pid: 1, ppid: 0 }).add({ pid: 20, ppid: 1 });
    writeFileSync(join(proc.root, 'loadavg'), '0.00 0.01 0.05 1/80 20\n');
    const reader = new ProcReader(proc.root);
    const table = new ProcTable();
    const foreign = new Map([[1, 0]]);
    expect(reader.readAll(table, -1, foreign, 1, [{ pid: 20 }])).toBe(true);
    expect([...table.rowOf.keys()]).toEqual([20]);
    expect(foreign.get(1)).toBe(1);
    // A process appears but the last pid says none was created: no listing, and no stamping of
    // foreign pids (the caller forgets unstamped ones only after a listing).
    proc.add({ pid: 21, ppid: 20 });
    expect(reader.readAll(table, -1, foreign, 2, [{ pid: 20 }])).toBe(false);
    expect([...table.rowOf.keys()]).toEqual([20]);
    expect(reader.changed).toBe(false);
    // A leader the last pass did not read forces the listing.
    expect(reader.readAll(table, -1, foreign, 3, [{ pid: 20 }, { pid: 21 }])).toBe(true);
    expect([...table.rowOf.keys()].sort()).toEqual([20, 21]);
    expect(foreign.get(1)).toBe(3);
    // A process was created, and 20 ran (its figures moved): its children list shows the new one.
    proc.add({ pid: 20, ppid: 1, utime: 5 }).add({ pid: 22, ppid: 20 });
    mkdirSync(join(proc.root, '20/task/20'), { recursive: true });
    writeFileSync(join(proc.root, '20/task/20/children'), '21 22 ');
    writeFileSync(join(proc.root, 'loadavg'), '0.00 0.01 0.05 1/81 22\n');
    // 20 was idle, so it is read again within a few passes, not necessarily the next one.
    let pass = 4;
    for (; pass < 8 && !table.rowOf.has(22); pass += 1) {
      expect(reader.readAll(table, -1, foreign, pass, [{ pid: 20 }])).toBe(false);
    }
    expect([...table.rowOf.keys()].sort()).toEqual([20, 21, 22]);
    expect(reader.listings).toBe(2);
    // Without `reuse` (a full pass), /proc is always listed.
    proc.add({ pid: 23, ppid: 20 });
    reader.readAll(table, -1, foreign, pass);
    expect(table.rowOf.has(23)).toBe(true);
    reader.close();
  });
});
