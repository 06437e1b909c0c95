import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LogStream } from '../../../src/core/events.js';
import { LineBatch } from '../../../src/core/line-batch.js';
import { queryLogFiles } from '../../../src/logs/file-reader.js';
import { FileSink } from '../../../src/logs/file-sink.js';
import { queryLogHistory } from '../../../src/logs/history.js';
import { DEBUG, ERROR, INFO, WARN } from '../../../src/logs/levels.js';
import { LogStore } from '../../../src/logs/log-store.js';
import { StreamFileSink } from '../../../src/logs/stream-file.js';
import { type LogSink, SKIPPED } from '../../../src/logs/types.js';
import { chunkBatch } from '../../helpers/batches.js';

let dir = '';
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ovrseer-sink-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const T0 = Date.UTC(2025, 4, 1, 10, 0, 0, 0);

describe('FileSink', () => {
  it('writes <name>.log per process (replicas share it), skips file: false, and flushes', async () => {
    const sink = new FileSink({
      dir,
      processes: [
        { name: 'api', log: { file: true, maxSize: 0, keep: 0 } },
        { name: 'quiet', log: { file: false, maxSize: 0, keep: 0 } },
        { name: 'worker', log: { file: true, maxSize: 0, keep: 0 } },
      ],
      onDropped: () => undefined,
      onError: (error) => {
        throw error;
      },
    });
    sink.write(1, T0, 'api', 'api', 'out', INFO, 'hello');
    sink.write(2, T0 + 1, 'quiet', 'quiet', 'out', INFO, 'not on disk');
    sink.write(3, T0 + 2, 'worker.2', 'worker', 'err', ERROR, 'ERROR x');
    sink.write(4, T0 + 3, 'extra', 'extra', 'out', INFO, 'a process the config does not list');
    await sink.close();
    const { entries } = await queryLogFiles({ dir, names: ['api', 'quiet', 'worker', 'extra'] }, {});
    expect(entries.map((entry) => `${entry.process} ${entry.stream} ${entry.level} ${entry.text}`)).toEqual([
      'api out info hello',
      'worker.2 err error ERROR x',
      'extra out info a process the config does not list',
    ]);
    expect(sink.dropped).toBe(0);
  });

  it('refuses a name that is not a file name, once, and keeps going', async () => {
    const errors: string[] = [];
    const sink = new FileSink({
      dir,
      processes: [],
      onDropped: () => undefined,
      onError: (e) => errors.push(e.message),
    });
    sink.write(1, T0, '../escape', '../escape', 'out', INFO, 'x');
    sink.write(2, T0, '../escape', '../escape', 'out', INFO, 'y');
    await sink.close();
    expect(errors).toHaveLength(1);
  });
});

describe('queryLogHistory', () => {
  it('answers from the buffer, and from the files only for what is older than the buffer', async () => {
    mkdirSync(join(dir, 'logs'));
    const logs = join(dir, 'logs');
    const store = new LogStore({ maxLines: 2 });
    const sink = new FileSink({
      dir: logs,
      processes: [],
      onDropped: () => undefined,
      onError: () => undefined,
    });
    store.addSink(sink);
    const append = (process: string, text: string, offset: number): void => {
      store.append({ process, name: process, instance: null, stream: 'out', text, time: T0 + offset });
    };
    append('api', 'api 0', 0);
    append('api', 'api 1', 10);
    append('db', 'db 0', 15);
    for (let i = 2; i < 5; i += 1) append('api', `api ${i}`, i * 10);
    await sink.flush();
    const files = { dir: logs, names: ['api', 'db'] };
    const all = await queryLogHistory(store, files, {});
    expect(all.entries.map((entry) => entry.text)).toEqual([
      'api 0',
      'api 1',
      'db 0',
      'api 2',
      'api 3',
      'api 4',
    ]);
    expect(all.entries.filter((entry) => entry.seq > 0).map((entry) => entry.text)).toEqual([
      'db 0',
      'api 3',
      'api 4',
    ]);
    expect((await queryLogHistory(store, files, { limit: 2 })).entries.map((e) => e.text)).toEqual([
      'api 3',
      'api 4',
    ]);
    expect((await queryLogHistory(store, files, { limit: 4 })).entries.map((e) => e.text)).toEqual([
      'db 0',
      'api 2',
      'api 3',
      'api 4',
    ]);
    expect((await queryLogHistory(store, null, {})).entries).toHaveLength(3);
    expect((await queryLogHistory(store, files, { after: 5 })).entries.map((e) => e.text)).toEqual(['api 4']);
    await sink.close();
  });
});

interface Call {
  firstSeq: number;
  time: number;
  process: string;
  name: string;
  stream: LogStream;
  lines: LineBatch;
  levels: Uint8Array;
}

/** `writeLines` to one sink, and the same kept lines one by one through `write` to the other. */
function feedBoth(batched: LogSink, single: LogSink, calls: readonly Call[]): void {
  for (const { firstSeq, time, process, name, stream, lines, levels } of calls) {
    batched.writeLines(firstSeq, time, process, name, stream, lines, levels);
    let seq = firstSeq;
    for (let i = 0; i < lines.count; i += 1) {
      const level = levels[i] as number;
      if (level === SKIPPED) continue;
      single.write(seq, time, process, name, stream, level, lines.text(i));
      seq += 1;
    }
  }
}

/** Batches of several processes and streams: runs of levels, SKIPPED lines, long and non-ASCII lines. */
function sampleCalls(): Call[] {
  const calls: Call[] = [];
  let seq = 1;
  const push = (
    time: number,
    process: string,
    stream: LogStream,
    lines: LineBatch,
    levels: number[],
  ): void => {
    const name = process.replace(/\.\d+$/, '');
    calls.push({ firstSeq: seq, time, process, name, stream, lines, levels: Uint8Array.from(levels) });
    seq += levels.filter((level) => level !== SKIPPED).length;
  };
  push(T0, 'api', 'out', LineBatch.fromTexts(['hello', 'DEBUG skip', 'WARN kept', '']), [
    INFO,
    SKIPPED,
    WARN,
    INFO,
  ]);
  push(T0, 'worker.2', 'err', chunkBatch(`ERROR é\r\n${'long line '.repeat(20)}\r\nplain\nDEBUG\n`), [
    ERROR,
    INFO,
    INFO,
    DEBUG,
  ]);
  push(T0 + 1, 'worker.1', 'out', chunkBatch('w1 one\nw1 two\n'), [INFO, INFO]);
  push(T0 + 2, 'quiet', 'out', LineBatch.fromTexts(['not on disk']), [INFO]);
  push(T0 + 3, 'api', 'system', LineBatch.fromTexts(['restarting', 'DEBUG note']), [INFO, DEBUG]);
  push(T0 + 3, 'api', 'out', LineBatch.fromTexts(['all skipped']), [SKIPPED]);
  // A run of 8000 lines of 60-odd bytes: past a 256 KiB slab inside one run.
  const run = Array.from({ length: 8000 }, (_, i) => `run ${i} ${'é'.repeat(20)} ${'z'.repeat(20)}`);
  push(
    T0 + 4,
    'api',
    'out',
    chunkBatch(`${run.join('\n')}\n`),
    run.map((_, i) => (i === 4000 ? WARN : INFO)),
  );
  push(T0 + 5, 'api', 'err', LineBatch.fromTexts(['x'.repeat(70_000), 'after the long one']), [ERROR, ERROR]);
  return calls;
}

describe('FileSink.writeLines', () => {
  it('writes exactly the same files as write line by line, across slabs, replicas and skipped lines', async () => {
    const processes = [
      { name: 'api', log: { file: true, maxSize: 0, keep: 0 } },
      { name: 'quiet', log: { file: false, maxSize: 0, keep: 0 } },
      { name: 'worker', log: { file: true, maxSize: 0, keep: 0 } },
    ];
    const sinks = ['batched', 'single'].map((sub) => {
      mkdirSync(join(dir, sub));
      return new FileSink({
        dir: join(dir, sub),
        processes,
        onDropped: () => undefined,
        onError: (error) => {
          throw error;
        },
      });
    });
    const [batched, single] = sinks as [FileSink, FileSink];
    feedBoth(batched, single, sampleCalls());
    await Promise.all([batched.close(), single.close()]);
    // Both read back the same; the text files differ only where the batch kept a CRLF as printed.
    const read = async (sub: string): Promise<string[]> =>
      (await queryLogFiles({ dir: join(dir, sub), names: ['api', 'worker'] }, {})).entries.map(
        (e) => `${e.time} ${e.process} ${e.stream} ${e.level} | ${e.text}`,
      );
    expect(await read('batched')).toEqual(await read('single'));
    const api = readFileSync(join(dir, 'batched', 'api.log'), 'utf8');
    expect(api.length).toBeGreaterThan(256 * 1024);
    expect(api.startsWith('hello\nWARN kept\n\n')).toBe(true);
    expect(api).not.toContain('skip');
    // ovrseer's own lines are in the index, not among the program's.
    expect(api).not.toContain('restarting');
    expect(api).toContain(`run 4000 ${'é'.repeat(20)}`);
    expect(api.endsWith('\nafter the long one\n')).toBe(true);
    expect(readFileSync(join(dir, 'batched', 'worker.log'), 'utf8')).toBe(
      `ERROR é\r\n${'long line '.repeat(20)}\r\nplain\nDEBUG\nw1 one\nw1 two\n`,
    );
    expect((await read('batched')).filter((line) => line.includes('worker'))).toEqual([
      `${T0} worker.2 err error | ERROR é`,
      `${T0} worker.2 err info | ${'long line '.repeat(20)}`,
      `${T0} worker.2 err info | plain`,
      `${T0} worker.2 err debug | DEBUG`,
      `${T0 + 1} worker.1 out info | w1 one`,
      `${T0 + 1} worker.1 out info | w1 two`,
    ]);
    expect(batched.dropped).toBe(0);
  });
});

describe('StreamFileSink.writeLines', () => {
  function streamSink(path: string, format: 'text' | 'json'): StreamFileSink {
    return new StreamFileSink(
      path,
      { format },
      {
        onDropped: () => undefined,
        onError: (error) => {
          throw error;
        },
      },
    );
  }

  it.each(['text', 'json'] as const)('%s: the same file as write line by line', async (format) => {
    const batched = streamSink(join(dir, `batched.${format}`), format);
    const single = streamSink(join(dir, `single.${format}`), format);
    feedBoth(batched, single, sampleCalls());
    await Promise.all([batched.writer.close(), single.writer.close()]);
    const got = readFileSync(join(dir, `batched.${format}`));
    expect(got.equals(readFileSync(join(dir, `single.${format}`)))).toBe(true);
    expect(got.length).toBeGreaterThan(512 * 1024);
  });

  it('json: kept lines numbered from firstSeq in order, SKIPPED lines left out, instance from the process id', async () => {
    const path = join(dir, 'all.jsonl');
    const sink = streamSink(path, 'json');
    sink.writeLines(
      41,
      T0,
      'worker.2',
      'worker',
      'err',
      chunkBatch('DEBUG gone\nERROR one\nplain gone\n{"level":"warn","n":1}\nlast\n'),
      Uint8Array.of(SKIPPED, ERROR, SKIPPED, WARN, INFO),
    );
    sink.writeLines(
      44,
      T0 + 1,
      'api',
      'api',
      'out',
      LineBatch.fromTexts(['none kept']),
      Uint8Array.of(SKIPPED),
    );
    sink.writeLines(44, T0 + 1, 'api', 'api', 'system', LineBatch.fromTexts(['sys']), Uint8Array.of(DEBUG));
    await sink.writer.close();
    const lines = readFileSync(path, 'utf8')
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as unknown);
    expect(lines).toEqual([
      {
        time: '2025-05-01T10:00:00.000Z',
        process: 'worker.2',
        stream: 'err',
        level: 'error',
        text: 'ERROR one',
        seq: 41,
      },
      {
        time: '2025-05-01T10:00:00.000Z',
        process: 'worker.2',
        stream: 'err',
        level: 'warn',
        text: '{"level":"warn","n":1}',
        seq: 42,
        fields: { level: 'warn', n: 1 },
      },
      {
        time: '2025-05-01T10:00:00.000Z',
        process: 'worker.2',
        stream: 'err',
        level: 'info',
        text: 'last',
        seq: 43,
      },
      {
        time: '2025-05-01T10:00:00.001Z',
        process: 'api',
        stream: 'system',
        level: 'debug',
        text: 'sys',
        seq: 44,
      },
    ]);
  });

  it('a store streaming to a json file: the seqs on disk are the seqs of the kept entries', async () => {
    const store = new LogStore();
    const path = join(dir, 'stream.jsonl');
    await store.streamToFile(path, { format: 'json' });
    store.setLogLevel('warn', 'api');
    store.append({ process: 'db', name: 'db', instance: null, stream: 'out', text: 'single', time: T0 });
    const event = { process: 'api', name: 'api', instance: null, stream: 'out' as const, time: T0 + 1 };
    store.appendLines({ ...event, lines: chunkBatch('DEBUG a\nWARN b\nc\nERROR d\n') });
    store.appendLines({ ...event, lines: chunkBatch('DEBUG none\n') });
    store.appendLines({ ...event, stream: 'system', lines: LineBatch.fromTexts(['DEBUG system']) });
    await store.stopStreaming();
    const onDisk = readFileSync(path, 'utf8')
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as { seq: number; text: string });
    expect(onDisk.map((entry) => `${entry.seq} ${entry.text}`)).toEqual(
      store.query().entries.map((entry) => `${entry.seq} ${entry.text}`),
    );
    expect(onDisk.map((entry) => entry.seq)).toEqual([1, 2, 3, 4]);
  });
});
