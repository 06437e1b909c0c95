import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fileSize, tailSince } from '../../../src/logs/tail.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
function file(content: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'ovrseer-tail-'));
  dirs.push(dir);
  const path = join(dir, 'log');
  writeFileSync(path, content);
  return path;
}

describe('tailSince', () => {
  it('gives the last lines written after an offset', () => {
    const path = file('old 1\nold 2\n');
    const from = fileSize(path);
    writeFileSync(path, 'old 1\nold 2\nnew 1\nnew 2\nnew 3\n');
    expect(tailSince(path, from, 2)).toBe('new 2\nnew 3');
    expect(tailSince(path, from, 10)).toBe('new 1\nnew 2\nnew 3');
  });

  it('reads only the end of a huge file, dropping the partial first line', () => {
    const path = file('');
    truncateSync(path, 3 * 1024 ** 3);
    writeFileSync(path, `${'x'.repeat(100_000)}\nlast line\n`, { flag: 'a' });
    expect(tailSince(path, 0, 5, 1024)).toBe('last line');
  });

  it('treats a file smaller than before as rotated: all of it is new', () => {
    const path = file('after rotation\n');
    expect(tailSince(path, 10_000, 5)).toBe('after rotation');
  });

  it('is empty for a missing file', () => {
    expect(tailSince('/nonexistent/ovrseer.log', 0, 5)).toBe('');
    expect(fileSize('/nonexistent/ovrseer.log')).toBe(0);
  });
});
