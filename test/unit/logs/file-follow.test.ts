import { appendFileSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LogFollower } from '../../../src/logs/file-follow.js';
import { queryLogFiles } from '../../../src/logs/file-reader.js';
import { formatFileLine } from '../../../src/logs/format.js';
import { INFO, WARN } from '../../../src/logs/levels.js';
import type { LogEntry } from '../../../src/logs/types.js';
import { waitFor } from '../../helpers/wait-for.js';
import { PairWriter } from './indexed-files.js';

let dir = '';
const followers: LogFollower[] = [];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ovrseer-follow-'));
});
afterEach(async () => {
  await Promise.all(followers.splice(0).map((follower) => follower.stop()));
  rmSync(dir, { recursive: true, force: true });
});

const T0 = Date.UTC(2025, 4, 1);
const fileLine = (process: string, text: string, offset = 0): string =>
  formatFileLine(T0 + offset, process, 'out', INFO, text);

function follow(names: string[], query = {}): { seen: LogEntry[]; follower: LogFollower } {
  const seen: LogEntry[] = [];
  const follower = new LogFollower({
    dir,
    names,
    query,
    interval: 10,
    onEntries: (entries) => seen.push(...entries),
    onError: (error) => {
      throw error;
    },
  });
  followers.push(follower);
  return { seen, follower };
}

const texts = (entries: LogEntry[]): string[] => entries.map((entry) => entry.text);

describe('LogFollower', () => {
  it('continues exactly where the history read stopped: no line twice, none skipped', async () => {
    const path = join(dir, 'api.log');
    const pair = new PairWriter(path, T0).output(T0 + 1, null, 'out', 'old 1\nold 2\n');
    // The writer is between the two writes of a run: its text is there, its record not yet.
    pair.text('text ahead of its record\n');
    const { seen, follower } = follow(['api']);
    const endOffsets = await follower.snapshot();
    pair.record(T0 + 2, null, 'out', 'text ahead of its record\n');
    pair.output(T0 + 3, 2, 'err', 'between snapshot and history\n');
    const history = await queryLogFiles({ dir, names: ['api'], endOffsets }, {});
    expect(texts(history.entries)).toEqual(['old 1', 'old 2']);
    follower.start();
    await waitFor(() => seen.length === 2, 'the lines written after the snapshot');
    pair.system(T0 + 4, null, WARN, 'stopping').output(T0 + 5, null, 'out', 'new\n');
    await waitFor(() => seen.length === 4, 'the new lines');
    expect(seen.map((e) => [e.time - T0, e.process, e.stream, e.text])).toEqual([
      [2, 'api', 'out', 'text ahead of its record'],
      [3, 'api.2', 'err', 'between snapshot and history'],
      [4, 'api', 'system', 'stopping'],
      [5, 'api', 'out', 'new'],
    ]);
  });

  it('shows text once its record is there, and a record once its text is, multi-byte text cut anywhere', async () => {
    const path = join(dir, 'api.log');
    const pair = new PairWriter(path, T0);
    const { seen, follower } = follow(['api']);
    await follower.snapshot();
    const whole = Buffer.from('written in two parts: 世界\r\n');
    // Cut inside the multi-byte character, so the halves are not valid UTF-8 on their own.
    const cut = whole.length - 4;
    appendFileSync(path, whole.subarray(0, cut));
    await follower.poll();
    pair.record(T0 + 1, null, 'out', whole.toString());
    await follower.poll();
    expect(seen).toEqual([]);
    appendFileSync(path, whole.subarray(cut));
    await follower.poll();
    expect(texts(seen)).toEqual(['written in two parts: 世界']);
    pair.text('only text\n');
    await follower.poll();
    expect(seen).toHaveLength(1);
    pair.record(T0 + 2, null, 'out', 'only text\n');
    await follower.poll();
    expect(texts(seen)).toEqual(['written in two parts: 世界', 'only text']);
  });

  it('follows a rotation: the rest of the old pair, then the new one from its start', async () => {
    const path = join(dir, 'api.log');
    const old = new PairWriter(path, T0).output(T0, null, 'out', 'before\n');
    const { seen, follower } = follow(['api']);
    await follower.snapshot();
    old.output(T0 + 1, 1, 'out', 'last of the old file\n');
    // A crash before its record: shown with the time before once the old file is done.
    old.text('no record\n');
    renameSync(path, `${path}.1`);
    writeFileSync(path, '');
    // The log is renamed, its index not yet: the old index is not taken for the new one.
    await follower.poll();
    expect(texts(seen)).toEqual(['last of the old file', 'no record']);
    renameSync(old.indexPath, `${old.indexPath}.1`);
    const fresh = new PairWriter(path, T0 + 10).output(T0 + 10, 2, 'out', 'first of the new file\n');
    follower.start();
    await waitFor(() => seen.length === 3, 'the new file');
    fresh.output(T0 + 11, 2, 'out', 'more\n');
    await waitFor(() => seen.length === 4, 'a line after the rotation');
    expect(seen.map((e) => [e.time - T0, e.process, e.text])).toEqual([
      [1, 'api.1', 'last of the old file'],
      [1, 'api.1', 'no record'],
      [10, 'api.2', 'first of the new file'],
      [11, 'api.2', 'more'],
    ]);
  });

  it('starts from the beginning after a truncation, and picks up files created later', async () => {
    const path = join(dir, 'api.log');
    new PairWriter(path, T0).output(T0, null, 'out', 'a long line that will be truncated away\n');
    const { seen, follower } = follow(['api', 'late']);
    await follower.snapshot();
    follower.start();
    const again = new PairWriter(path, T0 + 1).text('after');
    await follower.poll();
    again.text(' truncation\n').record(T0 + 1, null, 'out', 'after truncation\n');
    new PairWriter(join(dir, 'late.log'), T0 + 2).output(T0 + 2, null, 'out', 'late file\n');
    await waitFor(() => seen.length === 2, 'both files');
    expect(texts(seen)).toEqual(['after truncation', 'late file']);
  });

  it('goes on after the text alone was truncated, with the records written after it', async () => {
    const path = join(dir, 'api.log');
    const pair = new PairWriter(path, T0).output(T0, null, 'out', 'truncated away by hand\n');
    const { seen, follower } = follow(['api']);
    await follower.snapshot();
    await follower.poll();
    writeFileSync(path, '');
    await follower.poll();
    appendFileSync(path, 'written after\n');
    pair.record(T0 + 1, null, 'out', 'written after\n');
    await follower.poll();
    expect(texts(seen)).toEqual(['written after']);
  });

  it('reads a pair larger than a read chunk from its start, the records of each chunk as it comes', async () => {
    const path = join(dir, 'api.log');
    const pair = new PairWriter(path, T0);
    const line = (i: number): string => `${String(i).padStart(8, '0')} ${'x'.repeat(60)} ☃\n`;
    let run = '';
    for (let i = 0; i < 40_000; i += 1) {
      run += line(i);
      if (i % 100 === 99) {
        pair.output(T0 + i, i % 2, 'out', run);
        run = '';
      }
    }
    const { seen, follower } = follow(['api']);
    await follower.poll();
    expect(seen).toHaveLength(40_000);
    expect(seen[39_999]?.text).toBe(line(39_999).slice(0, -1));
    expect(seen[39_999]?.process).toBe('api.1');
  });

  it('filters what it follows', async () => {
    const path = join(dir, 'api.log');
    const pair = new PairWriter(path, T0);
    const { seen, follower } = follow(['api'], { grep: 'keep' });
    await follower.snapshot();
    follower.start();
    pair.output(T0, null, 'out', 'drop me\nkeep me\n');
    await waitFor(() => seen.length === 1, 'the matching line');
    await follower.poll();
    expect(texts(seen)).toEqual(['keep me']);
  });
});

describe('LogFollower on a log without an index (an earlier version’s)', () => {
  it('continues where the history stopped, holds a partial line, and follows a rotation', async () => {
    const path = join(dir, 'api.log');
    writeFileSync(path, fileLine('api', 'old 1') + fileLine('api', 'old 2'));
    const { seen, follower } = follow(['api']);
    const endOffsets = await follower.snapshot();
    appendFileSync(path, fileLine('api.2', 'between snapshot and history'));
    const history = await queryLogFiles({ dir, names: ['api'], endOffsets }, {});
    expect(texts(history.entries)).toEqual(['old 1', 'old 2']);
    const partial = Buffer.from(fileLine('api', 'in two parts: 世界'));
    appendFileSync(path, partial.subarray(0, partial.length - 4));
    await follower.poll();
    expect(seen.map((e) => [e.process, e.text])).toEqual([['api.2', 'between snapshot and history']]);
    appendFileSync(path, partial.subarray(partial.length - 4));
    appendFileSync(path, 'a plain line\n');
    renameSync(path, `${path}.1`);
    // The supervisor of this version starts a new pair.
    new PairWriter(path, T0 + 10).output(T0 + 10, null, 'out', 'first of the new format\n');
    await follower.poll();
    expect(seen.map((e) => [e.time - T0, e.text])).toEqual([
      [0, 'between snapshot and history'],
      [0, 'in two parts: 世界'],
      [0, 'a plain line'],
      [10, 'first of the new format'],
    ]);
  });
});
