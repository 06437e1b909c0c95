import { describe, expect, it } from 'vitest';
import { formatFileLine, formatLogRecord, logRecord, parseFileLine } from '../../../src/logs/format.js';
import { levelCode } from '../../../src/logs/levels.js';
import { LogStore } from '../../../src/logs/log-store.js';
import { entryJson } from '../../../src/supervisor/api/routes.js';

const TIME = Date.UTC(2025, 4, 1, 10, 0, 0, 123);

describe('logRecord: one `logs --json` shape for every source', () => {
  const texts = ['plain text', '{"level":"warn","msg":"hi"}', ''];

  it('gives a line read back from a log file and the same line from a live store the same record', () => {
    const store = new LogStore({ now: () => TIME });
    for (const text of texts) {
      store.append({ process: 'web.3', name: 'web', instance: 3, stream: 'out', text, time: TIME });
    }
    const live = store.query({}).entries;
    expect(live.every((entry) => entry.seq > 0)).toBe(true);
    for (const entry of live) {
      const line = formatFileLine(TIME, entry.process, entry.stream, levelCode(entry.level), entry.text);
      const fromFile = parseFileLine(line.trimEnd(), 'web');
      if (fromFile === null) throw new Error(`${line} did not parse`);
      expect(fromFile.seq).toBe(0);
      expect(formatLogRecord(fromFile)).toBe(formatLogRecord(entry));
    }
  });

  it('has the documented keys, plus fields for a JSON line, and never the store seq', () => {
    const store = new LogStore({ now: () => TIME });
    store.append({ process: 'api', name: 'api', instance: null, stream: 'err', text: 'boom', time: TIME });
    store.append({ process: 'api', name: 'api', instance: null, stream: 'out', text: '{"a":1}', time: TIME });
    const [plain, json] = store.query({}).entries.map(logRecord);
    expect(plain).toEqual({
      time: '2025-05-01T10:00:00.123Z',
      process: 'api',
      stream: 'err',
      level: 'info',
      text: 'boom',
    });
    expect(Object.keys(json ?? {})).toEqual(['time', 'process', 'stream', 'level', 'text', 'fields']);
    expect(json?.fields).toEqual({ a: 1 });
  });

  it('is what the API sends, plus the seq it pages by', () => {
    const store = new LogStore({ now: () => TIME });
    store.append({ process: 'api', name: 'api', instance: null, stream: 'out', text: 'x', time: TIME });
    const [entry] = store.query({}).entries;
    if (entry === undefined) throw new Error('no entry');
    expect(entryJson(entry)).toEqual({ ...logRecord(entry), seq: entry.seq });
  });
});
