import { describe, expect, it } from 'vitest';
import type { LogStream } from '../../../src/core/events.js';
import { LineBatch } from '../../../src/core/line-batch.js';
import { levelsOf } from '../../../src/logs/levels.js';
import { type LogOutputInput, LogStore } from '../../../src/logs/log-store.js';
import { type LogEntry, type LogQuery, type LogSink, SKIPPED } from '../../../src/logs/types.js';
import { chunkBatch, random } from '../../helpers/batches.js';

const ESC = '\x1b';

function input(process: string, text: string, time: number, stream: LogStream = 'out') {
  const replica = /^(.+)\.(\d+)$/.exec(process);
  return {
    process,
    name: replica?.[1] ?? process,
    instance: replica === null ? null : Number(replica[2]),
    stream,
    text,
    time,
  };
}

/** api, db and worker.1/2 interleaved, one line per millisecond. */
function sampleStore(): LogStore {
  const store = new LogStore({ maxLines: 100 });
  const lines: [string, string, LogStream?][] = [
    ['db', 'starting postgres'],
    ['api', 'listening on 3000'],
    ['db', 'WARN slow checkpoint'],
    ['worker.1', 'job 1 done'],
    ['api', 'ERROR upstream timeout', 'err'],
    ['worker.2', 'job 2 done'],
    ['api', `${ESC}[31mERROR${ESC}[39m second timeout`, 'err'],
    ['db', 'DEBUG vacuum'],
  ];
  lines.forEach(([process, text, stream], i) => {
    store.append(input(process, text, 1000 + i, stream));
  });
  return store;
}

const texts = (entries: LogEntry[]): string[] => entries.map((entry) => entry.text);

describe('LogStore', () => {
  it('numbers entries with a seq that increases across processes and merges queries in arrival order', () => {
    const store = sampleStore();
    const { entries, cursor } = store.query();
    expect(entries.map((entry) => entry.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(entries.map((entry) => entry.process)).toEqual([
      'db',
      'api',
      'db',
      'worker.1',
      'api',
      'worker.2',
      'api',
      'db',
    ]);
    expect(cursor).toBe(8);
    expect(store.lastSeq).toBe(8);
  });

  it('keeps entries whole: time, process, name, instance, stream, level, text', () => {
    const store = sampleStore();
    expect(store.query({ processes: ['worker.2'] }).entries).toEqual([
      {
        seq: 6,
        time: 1005,
        process: 'worker.2',
        name: 'worker',
        instance: 2,
        stream: 'out',
        level: 'info',
        text: 'job 2 done',
      },
    ]);
  });

  it('selects by process name (all instances) or instance id', () => {
    const store = sampleStore();
    expect(texts(store.query({ processes: ['worker'] }).entries)).toEqual(['job 1 done', 'job 2 done']);
    expect(texts(store.query({ processes: ['worker.1', 'db'] }).entries)).toEqual([
      'starting postgres',
      'WARN slow checkpoint',
      'job 1 done',
      'DEBUG vacuum',
    ]);
    expect(store.query({ processes: [] }).entries).toEqual([]);
  });

  it('filters by time: since inclusive, until exclusive', () => {
    const store = sampleStore();
    expect(store.query({ since: 1006 }).entries.map((entry) => entry.time)).toEqual([1006, 1007]);
    expect(store.query({ until: 1002 }).entries.map((entry) => entry.time)).toEqual([1000, 1001]);
    expect(store.query({ since: 1002, until: 1004 }).entries.map((entry) => entry.time)).toEqual([
      1002, 1003,
    ]);
  });

  it('filters by minimum level and by stream', () => {
    const store = sampleStore();
    expect(texts(store.query({ level: 'warn' }).entries)).toEqual([
      'WARN slow checkpoint',
      'ERROR upstream timeout',
      `${ESC}[31mERROR${ESC}[39m second timeout`,
    ]);
    expect(store.query({ level: 'error' }).entries).toHaveLength(2);
    expect(store.query({ level: 'debug' }).entries).toHaveLength(8);
    expect(store.query({ streams: ['err'] }).entries.map((entry) => entry.seq)).toEqual([5, 7]);
  });

  it('searches with a regular expression, plain text and case-insensitively, ignoring colour codes', () => {
    const store = sampleStore();
    expect(store.search(/ERROR \w+ timeout/).map((entry) => entry.seq)).toEqual([5, 7]);
    expect(store.search('job \\d').map((entry) => entry.seq)).toEqual([4, 6]);
    expect(store.query({ grep: 'job \\d', fixed: true }).entries).toEqual([]);
    expect(store.query({ grep: 'ERROR second', fixed: true }).entries.map((entry) => entry.seq)).toEqual([7]);
    expect(store.query({ grep: 'error SECOND', fixed: true, ignoreCase: true }).entries).toHaveLength(1);
    expect(store.query({ grep: 'Listening', ignoreCase: true }).entries).toHaveLength(1);
    expect(store.query({ grep: 'a.b', fixed: true }).entries).toEqual([]);
    // Colour codes are kept in what is returned.
    expect(store.search('second')[0]?.text).toContain(`${ESC}[31m`);
  });

  it('ignores g and y flags of a RegExp: they would make matching depend on the line before', () => {
    const store = sampleStore();
    expect(store.search(/done/g).map((entry) => entry.seq)).toEqual([4, 6]);
    expect(store.search(/done/y).map((entry) => entry.seq)).toEqual([4, 6]);
    expect(store.query({ grep: /DONE/, ignoreCase: true }).entries).toHaveLength(2);
  });

  it('rejects an invalid regular expression with OVRSEER_PATTERN_INVALID', () => {
    expect(() => sampleStore().search('(unclosed')).toThrow(
      expect.objectContaining({
        code: 'OVRSEER_PATTERN_INVALID',
        message: expect.stringContaining('(unclosed'),
      }),
    );
  });

  it('stops a search over its time budget with OVRSEER_LIMIT_EXCEEDED, and not without one', () => {
    const store = new LogStore({ maxLines: 2000, maxBytes: 32 * 1024 * 1024 });
    const line = `${'a'.repeat(64 * 1024)}!`;
    for (let i = 0; i < 100; i += 1) {
      store.append({ process: 'p', name: 'p', instance: null, stream: 'out', text: line, time: i });
    }
    expect(() => store.query({ grep: '(a+)+$', budgetMs: 1 })).toThrow(
      expect.objectContaining({
        code: 'OVRSEER_LIMIT_EXCEEDED',
        message: expect.stringMatching(/narrow it/),
      }),
    );
    expect(store.query({ grep: 'a!$' }).entries).toHaveLength(100);
  });

  it('combines filters, and a limit keeps the newest matches, oldest first', () => {
    const store = sampleStore();
    expect(
      store.query({ processes: ['api', 'db'], level: 'info', limit: 2 }).entries.map((e) => e.seq),
    ).toEqual([5, 7]);
    expect(store.tail(3).map((entry) => entry.seq)).toEqual([6, 7, 8]);
    expect(store.tail(100)).toHaveLength(8);
    expect(store.tail(0)).toEqual([]);
    expect(() => store.query({ limit: -1 })).toThrow(/limit/);
  });

  it('follows with a cursor: after returns only newer entries, and the cursor moves past what was examined', () => {
    const store = sampleStore();
    const first = store.query({ processes: ['api'] });
    expect(first.cursor).toBe(8);
    expect(store.query({ processes: ['api'], after: first.cursor }).entries).toEqual([]);
    store.append(input('db', 'not api', 2000));
    store.append(input('api', 'new api line', 2001));
    const next = store.query({ processes: ['api'], after: first.cursor });
    expect(texts(next.entries)).toEqual(['new api line']);
    expect(next.cursor).toBe(10);
  });

  it('pages forward with after + limit without gaps or repeats', () => {
    const store = new LogStore();
    for (let i = 1; i <= 25; i += 1) store.append(input(i % 2 === 0 ? 'a' : 'b', `n${i}`, i));
    const seen: number[] = [];
    let cursor = 0;
    for (let page = 0; page < 10; page += 1) {
      const result = store.query({ after: cursor, limit: 10 });
      seen.push(...result.entries.map((entry) => entry.seq));
      cursor = result.cursor;
      if (result.entries.length < 10) break;
    }
    expect(seen).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
  });

  it('bounds each process separately, by lines and by bytes', () => {
    const store = new LogStore({ maxLines: 5, maxBytes: 1000 });
    for (let i = 0; i < 50; i += 1) store.append(input('flood', `flood ${i}`, i));
    store.append(input('quiet', 'still here', 100));
    expect(store.query({ processes: ['flood'] }).entries).toHaveLength(5);
    expect(texts(store.query({ processes: ['quiet'] }).entries)).toEqual(['still here']);
    const big = new LogStore({ maxLines: 1000, maxBytes: 300 * 1024 });
    for (let i = 0; i < 50; i += 1) big.append(input('flood', 'x'.repeat(100_000), i));
    const [stats] = big.stats();
    expect(stats?.lines).toBe(3);
    expect(stats?.bytes).toBe(300_000);
    expect(stats?.evicted).toBe(47);
  });

  it('setLogLevel drops lower levels per process, or for all; system entries are always kept', () => {
    const store = new LogStore();
    store.setLogLevel('warn', 'api');
    store.append(input('api', 'DEBUG noise', 1));
    store.append(input('api', 'plain info', 2));
    store.append(input('api', 'WARN kept', 3));
    store.append(input('api', 'internal note', 4, 'system'));
    store.append(input('db', 'DEBUG kept for db', 5));
    expect(texts(store.query().entries)).toEqual(['WARN kept', 'internal note', 'DEBUG kept for db']);
    expect(store.getLogLevel('api')).toBe('warn');
    store.setLogLevel('error');
    store.append(input('db', 'WARN now dropped', 6));
    expect(store.append(input('web', 'info dropped', 7))).toBe(0);
    expect(store.getLogLevel()).toBe('error');
    expect(store.query().entries).toHaveLength(3);
  });

  it('notifies onAppend once per append or batch that kept something, until unsubscribed', () => {
    const store = new LogStore();
    store.setLogLevel('warn', 'api');
    let calls = 0;
    const off = store.onAppend(() => {
      calls += 1;
    });
    store.append(input('api', 'WARN one', 1));
    store.append(input('api', 'dropped by the level', 2));
    store.appendLines({
      process: 'db',
      name: 'db',
      instance: null,
      stream: 'out',
      lines: LineBatch.fromTexts(['a', 'b', 'c']),
      time: 3,
    });
    expect(calls).toBe(2);
    off();
    store.append(input('db', 'unseen', 4));
    expect(calls).toBe(2);
  });

  it('notifies onLog of every kept entry and onError of error-level ones, until unsubscribed', () => {
    const store = new LogStore();
    const all: string[] = [];
    const errors: string[] = [];
    const offLog = store.onLog((entry) => all.push(entry.text));
    const offError = store.onError((entry) => errors.push(`${entry.process}:${entry.text}`));
    store.append(input('api', 'hello', 1));
    store.append(input('api', 'ERROR bad', 2, 'err'));
    store.append(input('api', '{"level":50,"msg":"pino"}', 3));
    offLog();
    offError();
    store.append(input('api', 'ERROR unseen', 4));
    expect(all).toEqual(['hello', 'ERROR bad', '{"level":50,"msg":"pino"}']);
    expect(errors).toEqual(['api:ERROR bad', 'api:{"level":50,"msg":"pino"}']);
  });

  it('appendSystem adds an ovrseer line with the given level and the current time', () => {
    const store = new LogStore({ now: () => 42 });
    store.appendSystem({ process: 'api', name: 'api', instance: null }, '3 lines dropped', 'warn');
    expect(store.query().entries[0]).toMatchObject({ time: 42, stream: 'system', level: 'warn' });
  });

  it('exports JSON lines in the logs --json shape, with the fields of JSON lines, and text lines', () => {
    const store = new LogStore();
    store.append(input('api', 'plain', Date.UTC(2025, 0, 2, 3, 4, 5, 6)));
    store.append(input('api', '{"level":"warn","msg":"hi","n":1}', Date.UTC(2025, 0, 2, 3, 4, 5, 7)));
    const lines = store.export('json').trimEnd().split('\n');
    expect(JSON.parse(lines[0] ?? '')).toEqual({
      time: '2025-01-02T03:04:05.006Z',
      process: 'api',
      stream: 'out',
      level: 'info',
      text: 'plain',
      seq: 1,
    });
    expect(JSON.parse(lines[1] ?? '')).toMatchObject({
      level: 'warn',
      fields: { level: 'warn', msg: 'hi', n: 1 },
    });
    expect(store.export('text', { limit: 1 })).toBe(
      '2025-01-02T03:04:05.007Z api out warn | {"level":"warn","msg":"hi","n":1}\n',
    );
  });

  it('clear empties one process (by name or id) or all', () => {
    const store = sampleStore();
    store.clear('worker');
    expect(store.query({ processes: ['worker'] }).entries).toEqual([]);
    expect(store.query().entries).toHaveLength(6);
    store.clear();
    expect(store.query().entries).toEqual([]);
    expect(store.oldestTime('api')).toBeNull();
  });
});

/** An `output` event of `process` with these lines (as ovrseer's own lines are made). */
function output(process: string, texts: string[], time: number, stream: LogStream = 'out'): LogOutputInput {
  const { text: _, ...fields } = input(process, '', time, stream);
  return { ...fields, lines: LineBatch.fromTexts(texts) };
}

interface SinkCall {
  firstSeq: number;
  time: number;
  process: string;
  name: string;
  stream: LogStream;
  texts: string[];
  levels: number[];
}

function recordingSink(): { sink: LogSink; calls: SinkCall[]; writes: number[] } {
  const calls: SinkCall[] = [];
  const writes: number[] = [];
  const sink: LogSink = {
    writeLines: (firstSeq, time, process, name, stream, lines, levels) => {
      calls.push({
        firstSeq,
        time,
        process,
        name,
        stream,
        texts: lines.texts(),
        levels: [...levelsOf(lines, levels).subarray(0, lines.count)],
      });
    },
    write: (seq) => writes.push(seq),
  };
  return { sink, calls, writes };
}

describe('LogStore.appendLines', () => {
  it('numbers the lines of a batch in order, and seqs continue across append and appendLines', () => {
    const store = new LogStore();
    expect(store.append(input('api', 'one', 1))).toBe(1);
    expect(store.appendLines(output('api', ['two', 'three', 'four'], 2))).toBe(4);
    expect(store.append(input('db', 'five', 3))).toBe(5);
    expect(store.appendLines(output('worker.2', ['six', 'seven'], 4, 'err'))).toBe(7);
    expect(store.appendLines(output('api', [], 5))).toBe(0);
    expect(store.appendLines(output('api', ['eight'], 6))).toBe(8);
    const { entries, cursor } = store.query();
    expect(entries.map((entry) => `${entry.seq} ${entry.process} ${entry.text}`)).toEqual([
      '1 api one',
      '2 api two',
      '3 api three',
      '4 api four',
      '5 db five',
      '6 worker.2 six',
      '7 worker.2 seven',
      '8 api eight',
    ]);
    expect(cursor).toBe(8);
    expect(store.lastSeq).toBe(8);
    expect(entries[5]).toEqual({
      seq: 6,
      time: 4,
      process: 'worker.2',
      name: 'worker',
      instance: 2,
      stream: 'err',
      level: 'info',
      text: 'six',
    });
  });

  it('detects the level of each line of a batch on its own; every line gets the batch time', () => {
    const store = new LogStore();
    store.appendLines(
      output('api', ['ERROR a', 'plain', 'WARN b', 'DEBUG c', '{"level":50}', '', 'Wé x', 'E/Tag: ü'], 7),
    );
    expect(store.query().entries.map((entry) => [entry.level, entry.time])).toEqual([
      ['error', 7],
      ['info', 7],
      ['warn', 7],
      ['debug', 7],
      ['error', 7],
      ['info', 7],
      ['info', 7],
      ['error', 7],
    ]);
    store.appendLines({ ...output('api', [], 8), lines: chunkBatch('warn: x\r\nok\r\nfatal: y\r\n') });
    expect(store.query({ since: 8 }).entries.map((entry) => `${entry.level} ${entry.text}`)).toEqual([
      'warn warn: x',
      'info ok',
      'error fatal: y',
    ]);
  });

  it('setLogLevel filters inside a batch; the kept lines get consecutive seqs; system batches are kept whole', () => {
    const store = new LogStore();
    store.setLogLevel('warn', 'api');
    expect(store.appendLines(output('api', ['DEBUG x', 'WARN y', 'plain', 'ERROR z', 'info'], 1))).toBe(2);
    expect(store.query().entries.map((entry) => `${entry.seq} ${entry.text}`)).toEqual([
      '1 WARN y',
      '2 ERROR z',
    ]);
    // Nothing kept: 0, and no seq used up.
    expect(store.appendLines(output('api', ['DEBUG a', 'plain b'], 2))).toBe(0);
    expect(store.lastSeq).toBe(2);
    // System lines are always kept, whatever their level.
    expect(store.appendLines(output('api', ['DEBUG note', 'plain note'], 3, 'system'))).toBe(4);
    // Another process has no level of its own.
    expect(store.appendLines(output('db', ['DEBUG kept'], 4))).toBe(5);
    // By name for every instance of a process.
    store.setLogLevel('error', 'worker');
    expect(store.appendLines(output('worker.1', ['WARN no', 'ERROR yes', 'no'], 5))).toBe(6);
    expect(store.query().entries.map((entry) => `${entry.seq} ${entry.process} ${entry.text}`)).toEqual([
      '1 api WARN y',
      '2 api ERROR z',
      '3 api DEBUG note',
      '4 api plain note',
      '5 db DEBUG kept',
      '6 worker.1 ERROR yes',
    ]);
    expect(store.appendLines(output('api', ['DEBUG after', 'WARN after'], 6))).toBe(7);
  });

  it('bounds each process by lines under many batches, newest kept, evictions counted', () => {
    const store = new LogStore({ maxLines: 5, maxBytes: 1000 });
    for (let i = 0; i < 50; i += 1) {
      store.appendLines(output('flood', [`flood ${i}a`, `flood ${i}b`, `flood ${i}c`], i));
    }
    store.appendLines(output('quiet', ['still here'], 100));
    expect(texts(store.query({ processes: ['flood'] }).entries)).toEqual([
      'flood 48b',
      'flood 48c',
      'flood 49a',
      'flood 49b',
      'flood 49c',
    ]);
    expect(texts(store.query({ processes: ['quiet'] }).entries)).toEqual(['still here']);
    const flood = store.stats().find((entry) => entry.process === 'flood');
    expect(flood).toMatchObject({ lines: 5, evicted: 145 });
    // A batch bigger than the bound keeps its newest lines.
    store.appendLines(
      output(
        'flood',
        Array.from({ length: 12 }, (_, i) => `big ${i}`),
        200,
      ),
    );
    expect(texts(store.query({ processes: ['flood'] }).entries)).toEqual([
      'big 7',
      'big 8',
      'big 9',
      'big 10',
      'big 11',
    ]);
  });

  it('bounds each process by bytes under many batches, for string batches and chunk batches alike', () => {
    // Long lines under the splitter's 64 KiB cap, ASCII and not.
    for (const long of ['x'.repeat(60_000), 'ü'.repeat(30_000)]) {
      for (const asChunk of [false, true]) {
        const options = { maxLines: 1000, maxBytes: 300 * 1024 };
        const store = new LogStore(options);
        const single = new LogStore(options);
        for (let i = 0; i < 25; i += 1) {
          const lines = [long, `short ${i}`, long];
          const event = output('flood', lines, i);
          store.appendLines(asChunk ? { ...event, lines: chunkBatch(`${lines.join('\n')}\n`) } : event);
          for (const text of lines) single.append(input('flood', text, i));
        }
        const [stats] = store.stats();
        expect(stats?.bytes).toBeLessThanOrEqual(300 * 1024);
        expect(stats?.bytes).toBeGreaterThan(200 * 1024);
        expect((stats?.lines ?? 0) + (stats?.evicted ?? 0)).toBe(75);
        expect(store.stats()).toEqual(single.stats());
        const kept = texts(store.query().entries);
        expect(kept.at(-2)).toBe('short 24');
        expect(kept.at(-1)).toBe(long);
        expect(store.query()).toEqual(single.query());
      }
    }
  });

  it('onLog sees every kept line of a batch with its seq, onError the error-level ones', () => {
    const store = new LogStore();
    store.setLogLevel('info', 'api');
    const all: string[] = [];
    const errors: string[] = [];
    store.onLog((entry) => all.push(`${entry.seq} ${entry.level} ${entry.text}`));
    store.onError((entry) => errors.push(`${entry.seq} ${entry.process} ${entry.text}`));
    store.append(input('api', 'first', 1));
    store.appendLines(
      output('api', ['DEBUG gone', 'ERROR one', 'plain', 'DEBUG gone too', 'FATAL two'], 2, 'err'),
    );
    store.appendLines(output('api', ['DEBUG gone'], 3));
    store.appendLines(output('db', ['DEBUG db', '{"level":50}'], 4));
    expect(all).toEqual([
      '1 info first',
      '2 error ERROR one',
      '3 info plain',
      '4 error FATAL two',
      '5 debug DEBUG db',
      '6 error {"level":50}',
    ]);
    expect(errors).toEqual(['2 api ERROR one', '4 api FATAL two', '6 db {"level":50}']);
  });

  it('onError alone gets only the error lines of a batch, whole entries with the right seqs', () => {
    const store = new LogStore();
    const errors: LogEntry[] = [];
    store.onError((entry) => errors.push(entry));
    store.appendLines(output('worker.3', ['a', 'ERROR b', 'c', 'ERROR d'], 9, 'err'));
    expect(errors).toEqual([
      {
        seq: 2,
        time: 9,
        process: 'worker.3',
        name: 'worker',
        instance: 3,
        stream: 'err',
        level: 'error',
        text: 'ERROR b',
      },
      {
        seq: 4,
        time: 9,
        process: 'worker.3',
        name: 'worker',
        instance: 3,
        stream: 'err',
        level: 'error',
        text: 'ERROR d',
      },
    ]);
  });

  it('a listener that appends a batch of its own does not disturb the seqs and levels of the batch it is told', () => {
    const store = new LogStore();
    const seen: string[] = [];
    store.onLog((entry) => {
      seen.push(`${entry.seq} ${entry.process} ${entry.level} ${entry.text}`);
      if (entry.text === 'WARN trigger')
        store.appendLines(output('echo', ['DEBUG x', 'DEBUG y', 'DEBUG z'], 2));
    });
    store.appendLines(output('api', ['WARN trigger', 'ERROR after', 'plain after'], 1));
    expect(seen).toEqual([
      '1 api warn WARN trigger',
      '4 echo debug DEBUG x',
      '5 echo debug DEBUG y',
      '6 echo debug DEBUG z',
      '2 api error ERROR after',
      '3 api info plain after',
    ]);
    expect(store.query({ processes: ['api'] }).entries.map((entry) => entry.seq)).toEqual([1, 2, 3]);
  });

  it('hands a sink the batch once with its first seq and the levels, SKIPPED for the lines not kept', () => {
    const store = new LogStore();
    const { sink, calls, writes } = recordingSink();
    store.addSink(sink);
    store.setLogLevel('warn', 'api');
    store.append(input('api', 'WARN single', 1));
    store.appendLines(output('api', ['DEBUG a', 'WARN b', 'plain c', 'ERROR d', 'e'], 2, 'err'));
    store.appendLines(output('api', ['DEBUG only'], 3));
    store.appendLines(output('api', ['DEBUG sys', 'ERROR sys'], 4, 'system'));
    expect(writes).toEqual([1]);
    expect(calls).toEqual([
      {
        firstSeq: 2,
        time: 2,
        process: 'api',
        name: 'api',
        stream: 'err',
        texts: ['DEBUG a', 'WARN b', 'plain c', 'ERROR d', 'e'],
        levels: [SKIPPED, 2, SKIPPED, 3, SKIPPED],
      },
      {
        firstSeq: 4,
        time: 4,
        process: 'api',
        name: 'api',
        stream: 'system',
        texts: ['DEBUG sys', 'ERROR sys'],
        levels: [0, 3],
      },
    ]);
    // The kept lines of the first batch are seqs 2 and 3, as the sink would number them.
    expect(store.query({ until: 3 }).entries.map((entry) => `${entry.seq} ${entry.text}`)).toEqual([
      '1 WARN single',
      '2 WARN b',
      '3 ERROR d',
    ]);
  });

  it('gives the same queries, listener entries and stats as appending the same lines one by one', () => {
    const next = random(7);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
    const processes = ['api', 'db', 'worker.1', 'worker.2'];
    const streams: LogStream[] = ['out', 'out', 'err', 'system'];
    const words = [
      'ERROR',
      'WARN',
      'INFO',
      'DEBUG',
      'trace',
      '[warn]',
      'E/Tag:',
      'plain',
      'ü',
      '世界',
      '🎉',
      'x',
    ];
    const line = (): string => {
      if (next() < 0.03) return `${pick(words)} ${'long '.repeat(4000)}`;
      if (next() < 0.05) return '';
      if (next() < 0.05) return `{"level":${pick([10, 20, 30, 40, 50, 60])},"msg":"json"}`;
      const count = 1 + Math.floor(next() * 5);
      return Array.from({ length: count }, () => pick(words)).join(pick([' ', ': ', ' | ']));
    };
    const options = { maxLines: 300, maxBytes: 256 * 1024 };
    const batched = new LogStore(options);
    const single = new LogStore(options);
    for (const store of [batched, single]) {
      store.setLogLevel('info');
      store.setLogLevel('warn', 'db');
      store.setLogLevel('debug', 'worker.2');
    }
    const told: [string[], string[]] = [[], []];
    const describeEntry = (entry: LogEntry): string => JSON.stringify(entry);
    batched.onLog((entry) => told[0].push(describeEntry(entry)));
    single.onLog((entry) => told[1].push(describeEntry(entry)));
    let total = 0;
    for (let time = 1; total < 4000; time += 1) {
      const process = pick(processes);
      const stream = pick(streams);
      const texts = Array.from({ length: Math.floor(next() * 40) }, line);
      total += texts.length;
      const useChunk = stream !== 'system' && next() < 0.5;
      const event = output(process, texts, time, stream);
      const batch =
        useChunk && texts.length > 0 ? { ...event, lines: chunkBatch(`${texts.join('\n')}\n`) } : event;
      expect(batch.lines.texts()).toEqual(texts);
      const expected = texts.map((text) => single.append({ ...input(process, text, time, stream) }));
      const last = expected.filter((seq) => seq > 0).at(-1) ?? 0;
      expect(batched.appendLines(batch)).toBe(last);
    }
    expect(batched.lastSeq).toBe(single.lastSeq);
    expect(batched.stats()).toEqual(single.stats());
    expect(batched.stats().some((entry) => entry.evicted > 0)).toBe(true);
    expect(told[0]).toEqual(told[1]);
    const queries: LogQuery[] = [
      {},
      { level: 'warn' },
      { level: 'error', processes: ['worker'] },
      { streams: ['err', 'system'] },
      { grep: 'WARN|世界' },
      { grep: 'ü', fixed: true, ignoreCase: true },
      { processes: ['db'], limit: 17 },
      { after: Math.floor(single.lastSeq / 2), limit: 100 },
      { since: 50, until: 120 },
    ];
    for (const query of queries) expect(batched.query(query)).toEqual(single.query(query));
    expect(batched.export('text')).toBe(single.export('text'));
  });
});
