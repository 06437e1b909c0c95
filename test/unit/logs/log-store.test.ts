import { describe, expect, it } from 'vitest';
import type { LogStream } from '../../../src/core/events.js';
import { LogStore } from '../../../src/logs/log-store.js';
import type { LogEntry } from '../../../src/logs/types.js';

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

  it('rejects an invalid regular expression with a usage error', () => {
    expect(() => sampleStore().search('(unclosed')).toThrow(
      expect.objectContaining({ code: 'OVRSEER_USAGE', message: expect.stringContaining('(unclosed') }),
    );
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
