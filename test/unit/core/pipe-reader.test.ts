import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { systemClock } from '../../../src/core/clock.js';
import type { LogStream } from '../../../src/core/events.js';
import { LineBatch, SlabLease } from '../../../src/core/line-batch.js';
import { DEFAULT_MAX_LINE_BYTES, LineSplitter, TRUNCATION_MARKER } from '../../../src/core/line-splitter.js';
import { READ_SLAB } from '../../../src/core/pipe-reader.js';
import { followChild } from '../../../src/core/process-output.js';
import { RecentOutput } from '../../../src/core/recent-output.js';
import { LineQueue } from '../../../src/logs/line-queue.js';
import { LogRing } from '../../../src/logs/log-ring.js';

interface Seen {
  stream: LogStream;
  texts: string[];
  slab: number;
}

/** Runs `script` under sh, with its output followed as the supervisor does; every batch seen, in order. */
async function follow(script: string): Promise<{ seen: Seen[]; code: number | null; errors: Error[] }> {
  const child = spawn('/bin/sh', ['-c', script], { stdio: ['pipe', 'pipe', 'pipe'] });
  await new Promise((resolve) => child.once('spawn', resolve));
  const seen: Seen[] = [];
  const errors: Error[] = [];
  const exit = await followChild(
    child,
    systemClock,
    (stream, lines) => seen.push({ stream, texts: lines.texts(), slab: lines.bytes.buffer.byteLength }),
    (error) => errors.push(error),
  );
  return { seen, code: exit.code, errors };
}

const texts = (seen: Seen[], stream: LogStream): string[] =>
  seen.filter((batch) => batch.stream === stream).flatMap((batch) => batch.texts);

describe('followChild reading a real pipe', () => {
  it('reads into its own slabs, both streams to the end, before the exit: a last partial line, a 1 MB line, bad bytes', async () => {
    const { seen, code, errors } = await follow(
      [
        'seq 1 20000',
        // One line of 1 MiB: cut at the cap, and the lines after it are whole.
        "head -c 1048576 /dev/zero | tr '\\0' a; echo",
        'echo after',
        "printf 'bad \\377\\376 bytes\\n'",
        "printf 'to stderr\\n' >&2",
        "printf 'stderr without newline' >&2",
        "printf 'last, no newline'",
        'exit 3',
      ].join('\n'),
    );
    expect(errors).toEqual([]);
    expect(code).toBe(3);
    const out = texts(seen, 'out');
    expect(out.slice(0, 20000)).toEqual(Array.from({ length: 20000 }, (_, i) => String(i + 1)));
    const long = out[20000] as string;
    expect(long.startsWith('a'.repeat(DEFAULT_MAX_LINE_BYTES))).toBe(true);
    expect(long).toContain(`${TRUNCATION_MARKER} at ${DEFAULT_MAX_LINE_BYTES} bytes`);
    expect(out.slice(20001)).toEqual(['after', 'bad \uFFFD\uFFFD bytes', 'last, no newline']);
    expect(texts(seen, 'err')).toEqual(['to stderr', 'stderr without newline']);
    // The fast path's batches point into the reader's slabs, not into buffers Node allocated per read.
    expect(seen.some((batch) => batch.slab === READ_SLAB)).toBe(true);
  });

  it('waits for both streams to end when the child closes them before it exits', async () => {
    const { seen, code } = await follow("seq 1 5000; printf 'e1\\ne2' >&2; exec >&- 2>&-; sleep 0.2; exit 0");
    expect(code).toBe(0);
    expect(texts(seen, 'out')).toEqual(Array.from({ length: 5000 }, (_, i) => String(i + 1)));
    expect(texts(seen, 'err')).toEqual(['e1', 'e2']);
  });
});

/** Feeds `bytes` to a splitter the way the pipe reader does: into the room it gives, a read at a time. */
function feed(splitter: LineSplitter, bytes: Buffer, readSize: number): void {
  for (let from = 0; from < bytes.length; ) {
    const room = splitter.readTarget();
    const count = Math.min(readSize, room.length, bytes.length - from);
    bytes.copy(room, 0, from, from + count);
    splitter.pushRead(count);
    from += count;
  }
}

const numbered = (from: number, to: number): Buffer =>
  Buffer.from(Array.from({ length: to - from }, (_, i) => `line ${from + i}\n`).join(''));

describe('LineSplitter read slabs', () => {
  it('joins a line split between two reads without a copy, and hands the slab back once every batch is released', () => {
    const held: LineBatch[] = [];
    const splitter = new LineSplitter((lines) => {
      lines.hold();
      held.push(lines);
    });
    feed(splitter, numbered(0, 60_000), 4000);
    const slabs = new Set(held.map((batch) => batch.bytes.buffer));
    // Reads of 4000 bytes cut lines: every batch after the first starts with a held line, and still
    // points into a read slab.
    expect([...slabs].every((slab) => slab.byteLength === READ_SLAB)).toBe(true);
    expect(held.flatMap((batch) => batch.texts())).toEqual(
      Array.from({ length: 60_000 }, (_, i) => `line ${i}`),
    );
    for (const batch of held) batch.release();
    held.length = 0;
    feed(splitter, numbered(60_000, 120_000), 4000);
    // New reads went into the slabs let go of.
    expect(held.some((batch) => slabs.has(batch.bytes.buffer))).toBe(true);
    expect(held.flatMap((batch) => batch.texts())).toEqual(
      Array.from({ length: 60_000 }, (_, i) => `line ${60_000 + i}`),
    );
  });

  it('never reuses a slab while a batch of it is held, or at all once one is pinned', () => {
    const batches: LineBatch[] = [];
    let mode: 'hold' | 'pin' | 'none' = 'hold';
    const splitter = new LineSplitter((lines) => {
      if (mode === 'hold') lines.hold();
      if (mode === 'pin') lines.pin();
      batches.push(lines);
    });
    feed(splitter, numbered(0, 40_000), 8192);
    const kept = batches.splice(0);
    mode = 'pin';
    feed(splitter, numbered(40_000, 80_000), 8192);
    const pinned = batches.splice(0);
    mode = 'none';
    // Held and pinned: the next 2 MB of reads must go elsewhere.
    feed(splitter, numbered(80_000, 300_000), 8192);
    expect(kept.flatMap((batch) => batch.texts())).toEqual(
      Array.from({ length: 40_000 }, (_, i) => `line ${i}`),
    );
    expect(pinned.flatMap((batch) => batch.texts())).toEqual(
      Array.from({ length: 40_000 }, (_, i) => `line ${40_000 + i}`),
    );
    // Released, the held ones' slabs come back; the pinned ones' never do.
    const pinnedSlabs = new Set(pinned.map((batch) => batch.bytes.buffer));
    for (const batch of kept) batch.release();
    batches.length = 0;
    feed(splitter, numbered(300_000, 600_000), 8192);
    expect(batches.some((batch) => kept.some((old) => old.bytes.buffer === batch.bytes.buffer))).toBe(true);
    expect(batches.some((batch) => pinnedSlabs.has(batch.bytes.buffer))).toBe(false);
    expect(pinned.flatMap((batch) => batch.texts())).toEqual(
      Array.from({ length: 40_000 }, (_, i) => `line ${40_000 + i}`),
    );
  });

  it('carries a line longer than what is left of a slab into the next one whole', () => {
    const lines: string[] = [];
    const splitter = new LineSplitter((batch) => lines.push(...batch.texts()));
    const long = `${'x'.repeat(60_000)}\n`;
    feed(splitter, Buffer.from(`start\n${long}${long}${long}${long}${long}end`), 7000);
    splitter.end();
    expect(lines).toEqual(['start', ...Array.from({ length: 5 }, () => 'x'.repeat(60_000)), 'end']);
  });
});

describe('holders of read-slab batches', () => {
  const leasedBatch = (lease: SlabLease, text: string): LineBatch => {
    const bytes = lease.buffer;
    const length = bytes.write(text);
    return LineBatch.leased(bytes, 0, length, text.split('\n').length - 1, true, lease);
  };

  it('the ring, the recent output and the file queue hold what they keep, and let go of it', () => {
    const freed: Buffer[] = [];
    const lease = new SlabLease(Buffer.allocUnsafeSlow(READ_SLAB), (buffer) => freed.push(buffer));
    const batch = leasedBatch(lease, `${'a'.repeat(5000)}\nb\n`);
    const ring = new LogRing('p', 'p', null, 2, 1024 * 1024);
    const recent = new RecentOutput(2);
    const queue = new LineQueue();
    ring.pushBatch(1, 0, 0, batch);
    recent.push(0, 'out', batch);
    queue.pushRaw(batch.bytes, batch.regionStart, batch.regionEnd, batch.count, batch);
    lease.close();
    expect(lease.holds).toBe(3);
    // Newer lines push the batch out of the ring and the recent output; the write lets go of the rest.
    const other = LineBatch.fromTexts(['c', 'd']);
    ring.pushBatch(3, 0, 0, other);
    recent.push(0, 'out', other);
    expect(lease.holds).toBe(1);
    const taken = queue.take(Number.POSITIVE_INFINITY);
    expect(freed).toEqual([]);
    queue.release(taken.buffers, taken.held);
    expect(lease.holds).toBe(0);
    expect(freed).toEqual([lease.buffer]);
  });

  it('a ring settling its pending batches releases them', () => {
    const freed: Buffer[] = [];
    const lease = new SlabLease(Buffer.allocUnsafeSlow(READ_SLAB), (buffer) => freed.push(buffer));
    const ring = new LogRing('p', 'p', null, 100, 1024 * 1024);
    ring.pushBatch(1, 0, 0, leasedBatch(lease, 'one\ntwo\n'));
    lease.close();
    expect(freed).toEqual([]);
    expect(ring.size).toBe(2);
    expect(freed).toEqual([lease.buffer]);
  });
});
