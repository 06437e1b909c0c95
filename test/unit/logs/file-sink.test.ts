import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { queryLogFiles } from '../../../src/logs/file-reader.js';
import { FileSink } from '../../../src/logs/file-sink.js';
import { queryLogHistory } from '../../../src/logs/history.js';
import { ERROR, INFO } from '../../../src/logs/levels.js';
import { LogStore } from '../../../src/logs/log-store.js';

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
