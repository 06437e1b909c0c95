import { existsSync, mkdtempSync, readdirSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Rotation, rotatedPath } from '../../../src/logs/rotation.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function logIn(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ovrseer-rotation-'));
  dirs.push(dir);
  return join(dir, 'api.log');
}

describe('Rotation.finish', () => {
  it('compresses what fits in the budget', async () => {
    const path = logIn();
    writeFileSync(rotatedPath(path, 1, false), 'a line\n'.repeat(1000));
    const errors: unknown[] = [];
    const rotation = new Rotation(path, 3, (error) => errors.push(error));
    rotation.recover();
    await rotation.finish(60_000);
    expect(existsSync(rotatedPath(path, 1))).toBe(true);
    expect(existsSync(rotatedPath(path, 1, false))).toBe(false);
    expect(errors).toEqual([]);
  });

  it('abandons a compression past its budget: the plain file stays for the next start, no archive half-written', async () => {
    const path = logIn();
    // Sparse: 8 GiB to gzip, far beyond a 50 ms budget, no disk used.
    writeFileSync(rotatedPath(path, 1, false), '');
    truncateSync(rotatedPath(path, 1, false), 8 * 1024 ** 3);
    writeFileSync(rotatedPath(path, 2, false), 'older\n');
    const errors: unknown[] = [];
    const rotation = new Rotation(path, 3, (error) => errors.push(error));
    rotation.recover();
    const started = Date.now();
    await rotation.finish(50);
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(errors).toEqual([]);
    const left = readdirSync(join(path, '..')).sort();
    expect(left.filter((name) => name.includes('.tmp-'))).toEqual([]);
    expect(left).toContain('api.log.1');
    // Oldest first: `.2` was done or is still plain, never lost.
    expect(left.some((name) => name.startsWith('api.log.2'))).toBe(true);
  });
});
