import { appendFileSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { queryLogFiles } from '../../../src/logs/file-reader.js';
import { formatFileLine } from '../../../src/logs/format.js';
import { INFO, WARN } from '../../../src/logs/levels.js';
import { INDEX_MAGIC, IndexEncoder } from '../../../src/logs/log-index.js';
import { LogPair } from '../../../src/logs/log-pair.js';
import type { LogEntry } from '../../../src/logs/types.js';
import { PairWriter } from './indexed-files.js';

let dir = '';
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ovrseer-reader-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const T0 = Date.UTC(2025, 4, 1, 10, 0, 0, 0);
const read = async (names: string[], query = {}, more = {}): Promise<LogEntry[]> =>
  (await queryLogFiles({ dir, names, ...more }, query)).entries;
const rows = (entries: LogEntry[]) =>
  entries.map((e) => [e.time - T0, e.process, e.instance, e.stream, e.level, e.text]);
const timed = (entries: LogEntry[]) => entries.map((e) => [e.time - T0, e.text]);

/** `api.log` / `api.idx` → gzip-compressed `api.log.<n>.gz` / `api.idx.<n>.gz`. */
function rotateGz(name: string, n: number): void {
  for (const kind of ['log', 'idx']) {
    const from = join(dir, `${name}.${kind}`);
    writeFileSync(`${from}.${n}.gz`, gzipSync(readFileSync(from)));
    rmSync(from);
  }
}

describe('queryLogFiles over a log and its index', () => {
  it('reads replicas, streams, system lines, CRLF and multi-byte text with their times', async () => {
    new PairWriter(join(dir, 'worker.log'), T0)
      .output(T0 + 1, 1, 'out', 'one\r\nWARN two\n')
      .output(T0 + 2, 2, 'err', '世界 🎉\n\n')
      .system(T0 + 3, 2, WARN, 'crashed: exited with code 1')
      .output(T0 + 4, 1, 'out', 'three\n');
    expect(rows(await read(['worker']))).toEqual([
      [1, 'worker.1', 1, 'out', 'info', 'one'],
      [1, 'worker.1', 1, 'out', 'warn', 'WARN two'],
      [2, 'worker.2', 2, 'err', 'info', '世界 🎉'],
      [2, 'worker.2', 2, 'err', 'info', ''],
      [3, 'worker.2', 2, 'system', 'warn', 'crashed: exited with code 1'],
      [4, 'worker.1', 1, 'out', 'info', 'three'],
    ]);
    expect(timed(await read(['worker'], { processes: ['worker.2'], streams: ['err'] }))).toEqual([
      [2, '世界 🎉'],
      [2, ''],
    ]);
  });

  it('shows text a crash left without a record, with the time before it', async () => {
    new PairWriter(join(dir, 'api.log'), T0)
      .output(T0 + 1, null, 'out', 'before\n')
      .text('lost in the crash\n')
      .session(T0 + 1000)
      .output(T0 + 1001, null, 'out', 'after restart\n');
    expect(timed(await read(['api']))).toEqual([
      [1, 'before'],
      [1, 'lost in the crash'],
      [1001, 'after restart'],
    ]);
  });

  it('reads past a torn index tail: the final text as plain output, a growing file waits for it', async () => {
    const pair = new PairWriter(join(dir, 'api.log'), T0).output(T0 + 1, null, 'out', 'whole\n');
    pair.text('torn record\n');
    pair.encoder.output(T0 + 2, null, 'out', 12, 1);
    appendFileSync(pair.indexPath, pair.encoder.take().subarray(0, 1));
    expect(timed(await read(['api']))).toEqual([
      [1, 'whole'],
      [1, 'torn record'],
    ]);
    expect(timed(await read(['api'], {}, { growing: true }))).toEqual([[1, 'whole']]);
  });

  it('reads rotated gzip pairs oldest first, and a plain index whose compression was cut short', async () => {
    new PairWriter(join(dir, 'api.log'), T0).output(T0, null, 'out', 'oldest\n');
    rotateGz('api', 2);
    new PairWriter(join(dir, 'api.log'), T0 + 10).output(T0 + 10, 3, 'err', 'older\n');
    // The log was compressed, its index not yet: `api.log.1.gz` beside `api.idx.1`.
    renameSync(join(dir, 'api.idx'), join(dir, 'api.idx.1'));
    writeFileSync(join(dir, 'api.log.1.gz'), gzipSync(readFileSync(join(dir, 'api.log'))));
    rmSync(join(dir, 'api.log'));
    new PairWriter(join(dir, 'api.log'), T0 + 20).output(T0 + 20, null, 'out', 'current\n');
    expect(rows(await read(['api']))).toEqual([
      [0, 'api', null, 'out', 'info', 'oldest'],
      [10, 'api.3', 3, 'err', 'info', 'older'],
      [20, 'api', null, 'out', 'info', 'current'],
    ]);
    expect(timed(await read(['api'], { limit: 1 }))).toEqual([[20, 'current']]);
  });

  it('reads a log without an index, or with a file that is not one, as earlier versions wrote it', async () => {
    const legacy = `${formatFileLine(T0 + 5, 'api.2', 'err', WARN, 'old | format')}plain line\n`;
    writeFileSync(join(dir, 'api.log'), legacy);
    writeFileSync(join(dir, 'db.log'), legacy.replaceAll('api', 'db'));
    writeFileSync(join(dir, 'db.idx'), 'not an index\n');
    expect(rows(await read(['api']))).toEqual([
      [5, 'api.2', 2, 'err', 'warn', 'old | format'],
      [5, 'api', null, 'out', 'info', 'plain line'],
    ]);
    expect(rows(await read(['db']))).toEqual([
      [5, 'db.2', 2, 'err', 'warn', 'old | format'],
      [5, 'db', null, 'out', 'info', 'plain line'],
    ]);
  });

  it('reads the earlier version’s lines before a writer that took the file over', async () => {
    const path = join(dir, 'api.log');
    const old = formatFileLine(T0, 'api', 'out', INFO, 'from the old version');
    writeFileSync(path, old);
    const size = Buffer.byteLength(old);
    const encoder = new IndexEncoder();
    encoder.anchor(T0 + 50, size);
    encoder.output(T0 + 51, null, 'out', 4, 1);
    writeFileSync(join(dir, 'api.idx'), Buffer.concat([Buffer.from(INDEX_MAGIC), encoder.take()]));
    appendFileSync(path, 'new\n');
    expect(timed(await read(['api']))).toEqual([
      [0, 'from the old version'],
      [51, 'new'],
    ]);
  });

  it('reads the current file only up to the offsets of a snapshot', async () => {
    const path = join(dir, 'api.log');
    const pair = new PairWriter(path, T0).output(T0 + 1, null, 'out', 'in the snapshot\n');
    const endOffsets = new Map([
      [path, readFileSync(path).length],
      [pair.indexPath, readFileSync(pair.indexPath).length],
    ]);
    pair.system(T0 + 2, null, INFO, 'after it').output(T0 + 3, null, 'out', 'after it too\n');
    expect(timed(await read(['api'], {}, { endOffsets }))).toEqual([[1, 'in the snapshot']]);
  });

  it('makes the same entries part by part, newest first, as in one pass, whatever the limit', async () => {
    const path = join(dir, 'api.log');
    const old = formatFileLine(T0, 'api', 'out', INFO, 'from the old version');
    writeFileSync(path, old);
    const encoder = new IndexEncoder();
    encoder.anchor(T0, Buffer.byteLength(old));
    let text = '';
    for (let i = 0; i < 6000; i += 1) {
      const line = i % 7 === 0 ? `ERROR ${i}\r\n` : `line ${i} é\n`;
      if (i === 3000) {
        // A crash: text without its record, then a new writer's anchor.
        text += 'lost\n';
        encoder.anchor(T0 + 5000, Buffer.byteLength(old + text));
      }
      if (i % 500 === 0) encoder.system(T0 + i, i % 3, WARN, `system ${i}`);
      text += line;
      encoder.output(T0 + i, i % 3, i % 2 === 0 ? 'out' : 'err', Buffer.byteLength(line), 1);
    }
    appendFileSync(path, `${text}no record at the end\n`);
    writeFileSync(join(dir, 'api.idx'), Buffer.concat([Buffer.from(INDEX_MAGIC), encoder.take()]));
    const all = await read(['api']);
    expect(all).toHaveLength(1 + 6000 + 1 + 12 + 1);
    expect(timed(all.slice(0, 2))).toEqual([
      [0, 'from the old version'],
      [0, 'system 0'],
    ]);
    expect(all.find((e) => e.text === 'lost')?.time).toBe(T0 + 2999);
    expect(all.at(-1)?.text).toBe('no record at the end');
    // One pass over the same bytes: the parts must add up to it.
    const onePass = new LogPair('api');
    onePass.pushIndex(readFileSync(join(dir, 'api.idx')));
    onePass.pushText(readFileSync(path));
    expect(all).toEqual(onePass.finish());
    for (const limit of [1, 1024, 1100, 4000, 5000]) {
      expect(await read(['api'], { limit })).toEqual(all.slice(-limit));
    }
    expect(await read(['api'], { limit: 3, grep: '^line 12' })).toEqual(
      all.filter((e) => e.text.startsWith('line 12')).slice(-3),
    );
  });
});
