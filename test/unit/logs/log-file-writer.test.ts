import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LineBatch } from '../../../src/core/line-batch.js';
import { FileLineFormatter } from '../../../src/logs/format.js';
import type { DropReason, LogFileWriterOptions } from '../../../src/logs/log-file-writer.js';
import { LogFileWriter } from '../../../src/logs/log-file-writer.js';
import { SKIPPED } from '../../../src/logs/types.js';
import { chunkBatch, random } from '../../helpers/batches.js';
import { waitFor } from '../../helpers/wait-for.js';

let dir = '';
const writers: LogFileWriter[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ovrseer-writer-'));
});
afterEach(async () => {
  await Promise.all(writers.splice(0).map((writer) => writer.close()));
  rmSync(dir, { recursive: true, force: true });
});

interface Harness {
  writer: LogFileWriter;
  drops: [number, DropReason][];
  errors: Error[];
}

function create(options: Partial<LogFileWriterOptions> & { path?: string } = {}): Harness {
  const drops: [number, DropReason][] = [];
  const errors: Error[] = [];
  const writer: LogFileWriter = new LogFileWriter({
    path: join(dir, 'app.log'),
    maxSize: 0,
    keep: 2,
    onDropped: (count, reason) => {
      drops.push([count, reason]);
      writer.enqueue('', `NOTICE ${count} ${reason}`);
    },
    onError: (error) => errors.push(error),
    ...options,
  });
  writers.push(writer);
  return { writer, drops, errors };
}

const line = (i: number): string => `line ${String(i).padStart(5, '0')} ${'x'.repeat(30)}`;

function linesOf(text: string): string[] {
  return text.split('\n').filter((l) => l !== '');
}

/** Every line still on disk, oldest first: rotated files (gunzipped) then the current one. */
function allLines(path: string, keep: number): string[] {
  const out: string[] = [];
  for (let i = keep; i >= 1; i -= 1) {
    if (existsSync(`${path}.${i}.gz`))
      out.push(...linesOf(gunzipSync(readFileSync(`${path}.${i}.gz`)).toString()));
  }
  if (existsSync(path)) out.push(...linesOf(readFileSync(path, 'utf8')));
  return out;
}

describe('LogFileWriter', () => {
  it('writes every queued line, in order, with prefix and newline, by flush time', async () => {
    const { writer } = create();
    for (let i = 0; i < 10_000; i += 1) writer.enqueue('P ', line(i));
    expect(writer.queued).toBeGreaterThan(0);
    await writer.flush();
    const lines = linesOf(readFileSync(join(dir, 'app.log'), 'utf8'));
    expect(lines).toHaveLength(10_000);
    expect(lines[0]).toBe(`P ${line(0)}`);
    expect(lines[9999]).toBe(`P ${line(9999)}`);
    expect(writer.queued).toBe(0);
  });

  it('encodes UTF-8, including characters that take 3 and 4 bytes, and replacement characters', async () => {
    const { writer } = create();
    writer.enqueue('→ ', 'héllo 世界 🎉 \uFFFD');
    await writer.flush();
    expect(readFileSync(join(dir, 'app.log'), 'utf8')).toBe('→ héllo 世界 🎉 \uFFFD\n');
  });

  it('appends to an existing file', async () => {
    writeFileSync(join(dir, 'app.log'), 'from before\n');
    const { writer } = create();
    writer.enqueue('', 'after');
    await writer.flush();
    expect(readFileSync(join(dir, 'app.log'), 'utf8')).toBe('from before\nafter\n');
  });

  it('flush resolves at once when nothing is queued', async () => {
    const { writer } = create();
    await writer.flush();
    expect(existsSync(join(dir, 'app.log'))).toBe(false);
  });

  it.each([
    ['across many batches', 1],
    ['from one big batch', 500],
  ])(
    'rotates by size %s: every file within max_size, keep of them gzipped, no gaps in what is kept',
    async (_, perTick) => {
      const path = join(dir, 'app.log');
      const { writer, errors } = create({ maxSize: 2000, keep: 3 });
      for (let i = 0; i < 500; ) {
        for (let j = 0; j < perTick && i < 500; j += 1, i += 1) writer.enqueue('', line(i));
        await writer.flush();
      }
      await writer.close();
      expect(errors).toEqual([]);
      const files = readdirSync(dir).sort();
      expect(files).toEqual(['app.log', 'app.log.1.gz', 'app.log.2.gz', 'app.log.3.gz']);
      expect(statSync(path).size).toBeLessThanOrEqual(2000);
      for (let i = 1; i <= 3; i += 1) {
        expect(gunzipSync(readFileSync(`${path}.${i}.gz`)).length).toBeLessThanOrEqual(2000);
      }
      // What is left is the newest lines, contiguous, ending with the last one.
      const kept = allLines(path, 3);
      const first = Number(kept[0]?.slice(5, 10));
      expect(kept).toEqual(Array.from({ length: 500 - first }, (_, i) => line(first + i)));
      expect(kept.length).toBeGreaterThan(100);
    },
  );

  it('with keep 0 rotation truncates: one file, never above max_size', async () => {
    const path = join(dir, 'app.log');
    const { writer } = create({ maxSize: 1000, keep: 0 });
    for (let i = 0; i < 200; i += 1) {
      writer.enqueue('', line(i));
      if (i % 7 === 0) await writer.flush();
    }
    await writer.close();
    expect(readdirSync(dir)).toEqual(['app.log']);
    expect(statSync(path).size).toBeLessThanOrEqual(1000);
    expect(linesOf(readFileSync(path, 'utf8')).at(-1)).toBe(line(199));
  });

  it('compresses a rotated file that a crash left uncompressed, when it opens', async () => {
    const path = join(dir, 'app.log');
    writeFileSync(`${path}.1`, 'left over\n');
    writeFileSync(`${path}.1.gz`, gzipSync('partial'));
    writeFileSync(`${path}.tmp-1-1`, 'a half-written archive');
    const { writer } = create({ maxSize: 1000, keep: 2 });
    writer.start();
    writer.enqueue('', 'new');
    await writer.close();
    expect(existsSync(`${path}.1`)).toBe(false);
    expect(existsSync(`${path}.tmp-1-1`)).toBe(false);
    expect(gunzipSync(readFileSync(`${path}.1.gz`)).toString()).toBe('left over\n');
  });

  it('drops lines past maxQueued, counts them, and writes one notice where the gap is', async () => {
    const { writer, drops } = create({ maxQueued: 1000 });
    for (let i = 0; i < 200; i += 1) writer.enqueue('', line(i));
    await writer.flush();
    await writer.flush();
    const lines = linesOf(readFileSync(join(dir, 'app.log'), 'utf8'));
    const written = lines.filter((l) => l.startsWith('line'));
    expect(drops).toHaveLength(1);
    const [count, reason] = drops[0] ?? [0, 'behind'];
    expect(reason).toBe('behind');
    expect(written.length + count).toBe(200);
    expect(writer.dropped).toBe(count);
    // Accepted lines come first, then the notice: the lines after the gap were the ones dropped.
    expect(lines.at(-1)).toBe(`NOTICE ${count} behind`);
    expect(written).toEqual(Array.from({ length: written.length }, (_, i) => line(i)));
  });

  it('shares a budget between writers: one flooding file makes the others drop too, then all resume', async () => {
    const budget = { used: 0, limit: 2000 };
    const a = create({ path: join(dir, 'a.log'), budget });
    const b = create({ path: join(dir, 'b.log'), budget });
    for (let i = 0; i < 200; i += 1) a.writer.enqueue('', line(i));
    expect(b.writer.enqueue('', 'b while the budget is spent')).toBe(false);
    await a.writer.flush();
    await a.writer.flush();
    expect(budget.used).toBe(0);
    // b had nothing queued, so nothing drained it: its next line brings its notice first.
    expect(b.writer.enqueue('', 'b afterwards')).toBe(true);
    await b.writer.flush();
    expect(readFileSync(join(dir, 'b.log'), 'utf8')).toBe('NOTICE 1 behind\nb afterwards\n');
    const written = linesOf(readFileSync(join(dir, 'a.log'), 'utf8')).filter((l) => l.startsWith('line'));
    expect(written.length + (a.drops[0]?.[0] ?? 0)).toBe(200);
    expect(budget.used).toBe(0);
  });

  it('reports a disk error once, keeps counting, and writes a notice when the disk works again', async () => {
    const path = join(dir, 'app.log');
    mkdirSync(path);
    const { writer, drops, errors } = create({ retryDelay: 20 });
    writer.enqueue('', 'first');
    await writer.flush();
    for (let i = 0; i < 5; i += 1) expect(writer.enqueue('', `lost ${i}`)).toBe(false);
    await writer.flush();
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({
      code: 'OVRSEER_LOG_WRITE_FAILED',
      message: expect.stringContaining(path),
    });
    rmSync(path, { recursive: true });
    await waitFor(() => drops.length === 1, 'the notice after the retry');
    await writer.flush();
    expect(drops).toEqual([[6, 'disk-error']]);
    writer.enqueue('', 'back');
    await writer.flush();
    expect(readFileSync(path, 'utf8')).toBe('NOTICE 6 disk-error\nback\n');
    expect(errors).toHaveLength(1);
  });

  it('a write error mid-stream (ENOSPC on /dev/full) is reported once, however many lines follow', async () => {
    const { writer, errors } = create({ path: '/dev/full', retryDelay: 10 });
    for (let round = 0; round < 5; round += 1) {
      for (let i = 0; i < 100; i += 1) writer.enqueue('', line(i));
      await writer.flush();
      await waitFor(() => writer.queued === 0, 'the queue to clear');
    }
    expect(errors).toHaveLength(1);
    expect(errors[0]?.message).toMatch(/ENOSPC|no space/i);
    expect(writer.dropped).toBeGreaterThanOrEqual(100);
  });

  it('close flushes first; lines after close are dropped and counted', async () => {
    const { writer } = create();
    writer.enqueue('', 'before close');
    await writer.close();
    expect(writer.enqueue('', 'after close')).toBe(false);
    expect(writer.dropped).toBe(1);
    expect(readFileSync(join(dir, 'app.log'), 'utf8')).toBe('before close\n');
  });
});

const T0 = Date.UTC(2025, 4, 1, 10, 0, 0, 0);

interface Batch {
  time: number;
  process: string;
  stream: 'out' | 'err' | 'system';
  lines: LineBatch;
  levels: Uint8Array;
}

/** Feeds the same batches to one writer by `enqueueLines` and to another line by line by `enqueue`. */
function feedBoth(batched: LogFileWriter, single: LogFileWriter, batches: readonly Batch[]): number {
  const formatters = [new FileLineFormatter(), new FileLineFormatter()] as const;
  let kept = 0;
  for (const { time, process, stream, lines, levels } of batches) {
    batched.enqueueLines(formatters[0], time, process, stream, lines, levels);
    for (let i = 0; i < lines.count; i += 1) {
      const level = levels[i] as number;
      if (level === SKIPPED) continue;
      single.enqueue(formatters[1].prefix(time, process, stream, level), lines.text(i));
      kept += 1;
    }
  }
  return kept;
}

describe('LogFileWriter.enqueueLines', () => {
  it('writes exactly what enqueue writes line by line: prefixes, levels, newlines, SKIPPED lines left out', async () => {
    const a = create({ path: join(dir, 'batched.log') });
    const b = create({ path: join(dir, 'single.log') });
    const next = random(11);
    const pieces = ['x', 'é', '世', '🎉', ' ', 'ERROR', '\uFFFD', '0123456789'];
    const text = (length: number): string => {
      let out = '';
      while (Buffer.byteLength(out) < length) out += pieces[Math.floor(next() * pieces.length)];
      return out;
    };
    const batches: Batch[] = [];
    for (let n = 0; n < 400; n += 1) {
      const count = Math.floor(next() * 60);
      const texts = Array.from({ length: count }, () => {
        const roll = next();
        // Around the 48-byte short-copy limit, short, empty, and now and then long.
        if (roll < 0.3) return text(44 + Math.floor(next() * 10));
        if (roll < 0.5) return '';
        if (roll < 0.55) return text(1000 + Math.floor(next() * 5000));
        return text(Math.floor(next() * 120));
      });
      // Runs of equal levels, of random length, with SKIPPED among them.
      const levels = new Uint8Array(count);
      let level = 1;
      for (let i = 0; i < count; i += 1) {
        if (next() < 0.3) level = [0, 1, 2, 3, SKIPPED][Math.floor(next() * 5)] as number;
        levels[i] = level;
      }
      const lines =
        n % 2 === 0 || count === 0 ? LineBatch.fromTexts(texts) : chunkBatchBig(`${texts.join('\n')}\n`);
      batches.push({
        time: T0 + Math.floor(n / 3),
        process: n % 5 === 0 ? 'worker.2' : 'api',
        stream: n % 7 === 0 ? 'err' : 'out',
        lines,
        levels,
      });
    }
    // One run of 6000 lines, well over a 256 KiB slab; then a line longer than a slab on its own.
    const run = Array.from({ length: 6000 }, (_, i) => `run line ${i} ${'r'.repeat(40)} ü`);
    batches.push({
      time: T0 + 500,
      process: 'api',
      stream: 'out',
      lines: chunkBatchBig(`${run.join('\n')}\n`),
      levels: new Uint8Array(6000).fill(2),
    });
    const huge = ['before', 'h'.repeat(300 * 1024), 'after'];
    batches.push({
      time: T0 + 501,
      process: 'api',
      stream: 'err',
      lines: LineBatch.fromTexts(huge),
      levels: Uint8Array.of(3, 3, 3),
    });
    const kept = feedBoth(a.writer, b.writer, batches);
    await a.writer.flush();
    await b.writer.flush();
    const batched = readFileSync(join(dir, 'batched.log'));
    const single = readFileSync(join(dir, 'single.log'));
    expect(single.length).toBeGreaterThan(1024 * 1024);
    expect(batched.length).toBe(single.length);
    expect(batched.equals(single)).toBe(true);
    expect(linesOf(single.toString())).toHaveLength(kept);
    expect(single.toString()).toContain(
      `2025-05-01T10:00:00.500Z api out warn | run line 0 ${'r'.repeat(40)} ü\n`,
    );
    expect(a.writer.dropped).toBe(0);
  });

  it('when the queue is full, every line of a run is dropped and counted, and the notice counts them all', async () => {
    const { writer, drops } = create({ maxQueued: 1000 });
    const formatter = new FileLineFormatter();
    // Runs of one line each: admitted one by one, as enqueue would, up to the bound.
    const texts = Array.from({ length: 60 }, (_, i) => line(i));
    const alternating = Uint8Array.from(texts, (_, i) => (i % 2 === 0 ? 1 : 2));
    writer.enqueueLines(formatter, T0, 'api', 'out', LineBatch.fromTexts(texts), alternating);
    const accepted = 60 - writer.dropped;
    expect(writer.queued).toBeGreaterThanOrEqual(1000);
    expect(accepted).toBeGreaterThan(0);
    expect(accepted).toBeLessThan(60);
    // Full: a run of 100 is 100 dropped lines; SKIPPED lines are not lines to drop.
    const before = writer.dropped;
    writer.enqueueLines(
      formatter,
      T0 + 1,
      'api',
      'out',
      LineBatch.fromTexts(texts.concat(texts).slice(0, 100)),
      new Uint8Array(100).fill(1),
    );
    expect(writer.dropped).toBe(before + 100);
    const mixed = Uint8Array.from({ length: 30 }, (_, i) => (i < 10 ? SKIPPED : i < 20 ? 3 : SKIPPED));
    writer.enqueueLines(formatter, T0 + 2, 'api', 'err', LineBatch.fromTexts(texts.slice(0, 30)), mixed);
    expect(writer.dropped).toBe(before + 110);
    await writer.flush();
    await writer.flush();
    expect(drops).toEqual([[writer.dropped, 'behind']]);
    const lines = linesOf(readFileSync(join(dir, 'app.log'), 'utf8'));
    // The lines that got in, in order, then the notice of all the others.
    expect(lines).toHaveLength(accepted + 1);
    expect(lines.slice(0, accepted)).toEqual(
      texts
        .slice(0, accepted)
        .map((text, i) => `${formatter.prefix(T0, 'api', 'out', i % 2 === 0 ? 1 : 2)}${text}`),
    );
    expect(lines.at(-1)).toBe(`NOTICE ${60 - accepted + 110} behind`);
    // Room again: the next batch is written after the notice.
    writer.enqueueLines(formatter, T0 + 3, 'api', 'out', LineBatch.fromTexts(['back']), Uint8Array.of(1));
    await writer.flush();
    expect(linesOf(readFileSync(join(dir, 'app.log'), 'utf8')).at(-1)).toBe(
      `${formatter.prefix(T0 + 3, 'api', 'out', 1)}back`,
    );
  });

  it('with runs of one line, drops exactly as enqueue does, notice included', async () => {
    const a = create({ path: join(dir, 'batched.log'), maxQueued: 2000 });
    const b = create({ path: join(dir, 'single.log'), maxQueued: 2000 });
    const batches: Batch[] = [];
    for (let n = 0; n < 20; n += 1) {
      const texts = Array.from({ length: 25 }, (_, i) => line(n * 25 + i));
      // No two neighbours share a level: every run is one line.
      const levels = Uint8Array.from(texts, (_, i) => (i % 3 === 2 ? SKIPPED : (i + n) % 2));
      batches.push({
        time: T0 + n,
        process: 'api',
        stream: 'out',
        lines: LineBatch.fromTexts(texts),
        levels,
      });
    }
    for (const [i, batch] of batches.entries()) {
      feedBoth(a.writer, b.writer, [batch]);
      // Now and then the disk catches up, so both drop, notice and resume several times.
      if (i % 4 === 3) await Promise.all([a.writer.flush(), b.writer.flush()]);
    }
    await Promise.all([a.writer.flush(), b.writer.flush()]);
    await Promise.all([a.writer.flush(), b.writer.flush()]);
    expect(a.writer.dropped).toBe(b.writer.dropped);
    expect(a.writer.dropped).toBeGreaterThan(0);
    expect(a.drops).toEqual(b.drops);
    expect(a.drops.length).toBeGreaterThan(1);
    expect(readFileSync(join(dir, 'batched.log'), 'utf8')).toBe(
      readFileSync(join(dir, 'single.log'), 'utf8'),
    );
  });
  it('cuts a long run at maxQueued as enqueue would, and counts the rest as dropped', async () => {
    const a = create({ path: join(dir, 'batched.log'), maxQueued: 1000 });
    const b = create({ path: join(dir, 'single.log'), maxQueued: 1000 });
    const texts = Array.from({ length: 200 }, (_, i) => line(i));
    const levels = new Uint8Array(texts.length).fill(1);
    feedBoth(a.writer, b.writer, [
      { time: T0, process: 'api', stream: 'out', lines: LineBatch.fromTexts(texts), levels },
    ]);
    // A line is taken while the queue is under its bound, so at most one line goes past it.
    expect(a.writer.queued).toBe(b.writer.queued);
    expect(a.writer.queued).toBeLessThan(1000 + 100);
    expect(a.writer.dropped).toBe(b.writer.dropped);
    expect(a.writer.dropped).toBeGreaterThan(150);
    await Promise.all([a.writer.flush(), b.writer.flush()]);
    await Promise.all([a.writer.flush(), b.writer.flush()]);
    expect(a.drops).toEqual(b.drops);
    expect(readFileSync(join(dir, 'batched.log'), 'utf8')).toBe(
      readFileSync(join(dir, 'single.log'), 'utf8'),
    );
  });
});

const chunkBatchBig = (text: string): LineBatch => chunkBatch(text, 1 << 20);
