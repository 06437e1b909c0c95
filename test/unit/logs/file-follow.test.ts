import { appendFileSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LogFollower } from '../../../src/logs/file-follow.js';
import { queryLogFiles } from '../../../src/logs/file-reader.js';
import { formatFileLine } from '../../../src/logs/format.js';
import { INFO } from '../../../src/logs/levels.js';
import type { LogEntry } from '../../../src/logs/types.js';
import { waitFor } from '../../helpers/wait-for.js';

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
    writeFileSync(path, fileLine('api', 'old 1') + fileLine('api', 'old 2'));
    const { seen, follower } = follow(['api']);
    const endOffsets = await follower.snapshot();
    appendFileSync(path, fileLine('api', 'between snapshot and history'));
    const history = await queryLogFiles({ dir, names: ['api'], endOffsets }, {});
    expect(texts(history.entries)).toEqual(['old 1', 'old 2']);
    follower.start();
    await waitFor(() => seen.length === 1, 'the line written after the snapshot');
    appendFileSync(path, fileLine('api', 'new'));
    await waitFor(() => seen.length === 2, 'the new line');
    expect(texts(seen)).toEqual(['between snapshot and history', 'new']);
  });

  it('holds a partial line until its newline is written', async () => {
    const path = join(dir, 'api.log');
    writeFileSync(path, '');
    const { seen, follower } = follow(['api']);
    await follower.snapshot();
    follower.start();
    const whole = fileLine('api', 'written in two parts: 世界');
    const bytes = Buffer.from(whole);
    // Cut inside the multi-byte character, so the halves are not valid UTF-8 on their own.
    const cut = bytes.length - 4;
    appendFileSync(path, bytes.subarray(0, cut));
    await follower.poll();
    expect(seen).toEqual([]);
    appendFileSync(path, bytes.subarray(cut));
    await waitFor(() => seen.length === 1, 'the completed line');
    expect(texts(seen)).toEqual(['written in two parts: 世界']);
  });

  it('follows a rotation: the rest of the old file, then the new one from its start', async () => {
    const path = join(dir, 'api.log');
    writeFileSync(path, fileLine('api', 'before'));
    const { seen, follower } = follow(['api']);
    await follower.snapshot();
    appendFileSync(path, fileLine('api', 'last of the old file'));
    renameSync(path, `${path}.1`);
    writeFileSync(path, fileLine('api', 'first of the new file'));
    follower.start();
    await waitFor(() => seen.length === 2, 'both sides of the rotation');
    appendFileSync(path, fileLine('api', 'more'));
    await waitFor(() => seen.length === 3, 'a line after the rotation');
    expect(texts(seen)).toEqual(['last of the old file', 'first of the new file', 'more']);
  });

  it('starts from the beginning after a truncation, and picks up files created later', async () => {
    const path = join(dir, 'api.log');
    writeFileSync(path, fileLine('api', 'a long line that will be truncated away'));
    const { seen, follower } = follow(['api', 'late']);
    await follower.snapshot();
    follower.start();
    writeFileSync(path, fileLine('api', 'after truncation').slice(0, 10));
    await follower.poll();
    writeFileSync(path, fileLine('api', 'after truncation'));
    writeFileSync(join(dir, 'late.log'), fileLine('late', 'late file', 1));
    await waitFor(() => seen.length === 2, 'both files');
    expect(texts(seen).sort()).toEqual(['after truncation', 'late file']);
  });

  it('filters what it follows', async () => {
    const path = join(dir, 'api.log');
    writeFileSync(path, '');
    const { seen, follower } = follow(['api'], { grep: 'keep' });
    await follower.snapshot();
    follower.start();
    appendFileSync(path, fileLine('api', 'drop me') + fileLine('api', 'keep me'));
    await waitFor(() => seen.length === 1, 'the matching line');
    await follower.poll();
    expect(texts(seen)).toEqual(['keep me']);
  });
});
