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
import type { DropReason, LogFileWriterOptions } from '../../../src/logs/log-file-writer.js';
import { LogFileWriter } from '../../../src/logs/log-file-writer.js';
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
