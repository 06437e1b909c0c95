import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { OvrseerError } from '../../../src/errors.js';
import type { ExportFile } from '../../../src/export/index.js';
import { writeExport } from '../../../src/export/write.js';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ovrseer-write-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const FILES: ExportFile[] = [
  { name: 'a.service', content: 'A\n', mode: 0o644 },
  { name: 'a.env', content: 'SECRET=1\n', mode: 0o600 },
];

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    return error instanceof OvrseerError ? error.code : String(error);
  }
  return undefined;
}

describe('writeExport', () => {
  it('creates the directory and writes every file with its mode, leaving nothing else behind', () => {
    const dir = join(tempDir(), 'out', 'systemd');
    const result = writeExport(FILES, dir);
    expect(result.written).toEqual(['a.service', 'a.env']);
    expect(readdirSync(dir).sort()).toEqual(['a.env', 'a.service']);
    expect(readFileSync(join(dir, 'a.service'), 'utf8')).toBe('A\n');
    expect(statSync(join(dir, 'a.env')).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'a.service')).mode & 0o777).toBe(0o644);
  });

  it('refuses to replace files without force, and writes none of them', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'a.env'), 'OLD=1\n');
    expect(() => writeExport(FILES, dir)).toThrow(`${dir} already has a.env: use --force to replace it`);
    expect(codeOf(() => writeExport(FILES, dir))).toBe('OVRSEER_EXPORT_EXISTS');
    expect(readdirSync(dir)).toEqual(['a.env']);
    expect(readFileSync(join(dir, 'a.env'), 'utf8')).toBe('OLD=1\n');
  });

  it('replaces them with force, and keeps other files', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'a.env'), 'OLD=1\n');
    writeFileSync(join(dir, 'notes.txt'), 'mine\n');
    const result = writeExport(FILES, dir, { force: true });
    expect(result.replaced).toEqual(['a.env']);
    expect(readFileSync(join(dir, 'a.env'), 'utf8')).toBe('SECRET=1\n');
    expect(readdirSync(dir).sort()).toEqual(['a.env', 'a.service', 'notes.txt']);
  });

  it('fails cleanly when the directory cannot be made or is not one', () => {
    const dir = tempDir();
    const file = join(dir, 'plain-file');
    writeFileSync(file, '');
    expect(codeOf(() => writeExport(FILES, file))).toBe('OVRSEER_EXPORT_WRITE_FAILED');
    expect(() => writeExport(FILES, join(file, 'sub'))).toThrow(/^cannot write to .*plain-file\/sub: /);
    expect(readdirSync(dir)).toEqual(['plain-file']);
  });

  it('refuses to put a file where a directory is, even with force', () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'a.env'));
    expect(() => writeExport(FILES, dir, { force: true })).toThrow(
      /a\.env: something else than a file is there/,
    );
    expect(readdirSync(dir)).toEqual(['a.env']);
  });

  it('puts everything back when a file cannot be moved into place', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'a.service'), 'OLD\n');
    let moves = 0;
    // The third move fails: a.service is already replaced, a.env is not there yet.
    const rename = (from: string, to: string): void => {
      moves += 1;
      if (moves === 3) throw new Error('EIO: simulated');
      renameSync(from, to);
    };
    expect(() => writeExport(FILES, dir, { force: true, rename })).toThrow(
      /cannot write to .*: EIO: simulated/,
    );
    expect(readFileSync(join(dir, 'a.service'), 'utf8')).toBe('OLD\n');
    expect(existsSync(join(dir, 'a.env'))).toBe(false);
    expect(readdirSync(dir)).toEqual(['a.service']);
  });

  it('removes the directory it created when writing fails', () => {
    const parent = tempDir();
    const rename = (): void => {
      throw new Error('EIO: simulated');
    };
    expect(codeOf(() => writeExport(FILES, join(parent, 'new', 'out'), { rename }))).toBe(
      'OVRSEER_EXPORT_WRITE_FAILED',
    );
    expect(readdirSync(parent)).toEqual([]);
  });
});
