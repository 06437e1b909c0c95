import * as fs from 'node:fs';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  problemOf,
  readStateFile,
  type StateFileContent,
  type StateFileSystem,
  writeStateFile,
} from '../../../src/supervisor/state-file.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
function stateDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ovrseer-state-'));
  dirs.push(dir);
  return dir;
}

const STATE: StateFileContent = {
  version: 1,
  projectId: 'abc',
  configFile: '/p/ovrseer.yml',
  supervisor: { pid: 10, startTime: 5, started: '2026-01-02T03:04:05.006Z' },
  processes: [{ id: 'api', pid: 11, startTime: 6 }],
  userStopped: ['worker'],
};
const NOW = (): Date => new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 6));
const SET_ASIDE = 'state.json.damaged-2026-01-02T03-04-05.006Z';

describe('problemOf', () => {
  it('accepts what writeStateFile writes', () => {
    expect(problemOf(`${JSON.stringify(STATE)}\n`)).toBeNull();
  });
  it('names what is wrong: empty, truncated, garbage, not an object, another version, missing keys', () => {
    expect(problemOf('')).toBe('it is empty');
    expect(problemOf(' \n')).toBe('it is empty');
    expect(problemOf(JSON.stringify(STATE).slice(0, 40))).toMatch(/^it is not JSON \(.+\)$/);
    expect(problemOf('\u0000\u00ff{"no')).toMatch(/^it is not JSON/);
    expect(problemOf('[1]')).toBe('it has version undefined, not 1');
    expect(problemOf('7')).toBe('it is not a JSON object');
    expect(problemOf(JSON.stringify({ ...STATE, version: 2 }))).toBe('it has version 2, not 1');
    expect(problemOf(JSON.stringify({ ...STATE, processes: [{ id: 'api' }] }))).toMatch(/lacks/);
    expect(problemOf(JSON.stringify({ ...STATE, supervisor: null }))).toMatch(/lacks/);
  });
});

describe('readStateFile', () => {
  it('reads a good file and leaves it where it is; a missing file is no state and no warning', () => {
    const dir = stateDir();
    const path = join(dir, 'state.json');
    expect(readStateFile(path)).toEqual({ content: null, setAside: null, warning: null });
    writeStateFile(path, STATE);
    expect(readStateFile(path)).toEqual({ content: STATE, setAside: null, warning: null });
  });

  for (const [kind, text] of [
    ['truncated', JSON.stringify(STATE).slice(0, 60)],
    ['garbage', '\u0000\u00ffnot json'],
    ['empty', ''],
  ] as const) {
    it(`sets a ${kind} file aside as state.json.damaged-<time>, keeping its bytes, and says so`, () => {
      const dir = stateDir();
      const path = join(dir, 'state.json');
      writeFileSync(path, text);
      const read = readStateFile(path, { now: NOW });
      const target = join(dir, SET_ASIDE);
      expect(read.content).toBeNull();
      expect(read.setAside).toBe(target);
      expect(read.warning).toMatch(
        new RegExp(
          `^warning: ${path} could not be read \\(it is .+\\); set it aside as ${target} and looked for`,
        ),
      );
      expect(fs.existsSync(path)).toBe(false);
      expect(readFileSync(target, 'utf8')).toBe(text);
    });
  }

  it('sets a directory in its place aside (EISDIR), contents and all', () => {
    const dir = stateDir();
    const path = join(dir, 'state.json');
    mkdirSync(path);
    writeFileSync(join(path, 'inside'), 'x');
    const read = readStateFile(path, { now: NOW });
    expect(read.warning).toContain('(it is a directory)');
    expect(statSync(join(dir, SET_ASIDE)).isDirectory()).toBe(true);
    // The place is free again for the next write.
    writeStateFile(path, STATE);
    expect(readStateFile(path).content).toEqual(STATE);
  });

  it('a file that cannot be set aside is an error naming it and what to do', () => {
    const failing: StateFileSystem = {
      ...fs,
      readFileSync: (() => '') as unknown as StateFileSystem['readFileSync'],
      renameSync: () => {
        throw Object.assign(new Error('EROFS: read-only file system'), { code: 'EROFS' });
      },
    };
    expect(() => readStateFile('/x/state.json', { fs: failing })).toThrow(
      expect.objectContaining({
        code: 'OVRSEER_STATE_FILE',
        message:
          '/x/state.json cannot be read (it is empty) and could not be set aside (EROFS: read-only file system): remove it, then run the command again',
      }),
    );
  });
});

describe('writeStateFile', () => {
  it('writes a temporary file, fsyncs it, renames it over state.json, then fsyncs the directory', () => {
    const dir = stateDir();
    const path = join(dir, 'state.json');
    const calls: string[] = [];
    const names = new Map<number, string>();
    const recording: StateFileSystem = {
      ...fs,
      openSync: ((file: string, flags: string, mode?: number) => {
        const fd = fs.openSync(file, flags, mode);
        names.set(fd, file === dir ? 'dir' : file.endsWith('.tmp') ? 'tmp' : file);
        calls.push(`open ${names.get(fd)}`);
        return fd;
      }) as StateFileSystem['openSync'],
      writeSync: ((fd: number, data: string) => {
        calls.push(`write ${names.get(fd)}`);
        return fs.writeSync(fd, data);
      }) as StateFileSystem['writeSync'],
      fsyncSync: (fd) => {
        calls.push(`fsync ${names.get(fd)}`);
        fs.fsyncSync(fd);
      },
      closeSync: (fd) => {
        calls.push(`close ${names.get(fd)}`);
        fs.closeSync(fd);
      },
      renameSync: (from, to) => {
        calls.push(
          `rename ${String(from).endsWith('.tmp') ? 'tmp' : from} ${to === path ? 'state.json' : to}`,
        );
        fs.renameSync(from, to);
      },
    };
    writeStateFile(path, STATE, { fs: recording });
    expect(calls).toEqual([
      'open tmp',
      'write tmp',
      'fsync tmp',
      'close tmp',
      'rename tmp state.json',
      'open dir',
      'fsync dir',
      'close dir',
    ]);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual(STATE);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(fs.readdirSync(dir)).toEqual(['state.json']);
  });
});
