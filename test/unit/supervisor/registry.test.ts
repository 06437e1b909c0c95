import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { processStartTime } from '../../../src/core/kill.js';
import {
  isRecordedProcess,
  type RegistryEntry,
  readRegistry,
  registerSupervisor,
  registryDir,
  resolveProject,
} from '../../../src/supervisor/registry.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ovrseer-registry-'));
  dirs.push(dir);
  return dir;
}

function entry(overrides: Partial<RegistryEntry> = {}): RegistryEntry {
  return {
    version: 1,
    project: 'shop',
    configFile: '/src/shop/ovrseer.yml',
    directory: '/src/shop',
    stateDir: '/src/shop/.ovrseer',
    socket: '/src/shop/.ovrseer/ovrseer.sock',
    pid: process.pid,
    startTime: processStartTime(process.pid),
    startedAt: '2026-01-01T00:00:00.000Z',
    apiListen: null,
    ...overrides,
  };
}

/** The pid of a process that has exited (and been reaped). */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', '0']);
  return child.pid as number;
}

describe('registry directory', () => {
  it('is $XDG_STATE_HOME/ovrseer/projects, or ~/.local/state/ovrseer/projects', () => {
    expect(registryDir({ XDG_STATE_HOME: '/x/state', HOME: '/home/u' })).toBe('/x/state/ovrseer/projects');
    expect(registryDir({ XDG_STATE_HOME: '', HOME: '/home/u' })).toBe(
      '/home/u/.local/state/ovrseer/projects',
    );
  });
});

describe('register and read', () => {
  it('writes <pid>.json through a temporary file renamed into place, and reads it back', () => {
    const dir = join(tempDir(), 'projects');
    const calls: string[] = [];
    const spyFs = {
      ...fs,
      writeFileSync: ((path: string, ...rest: unknown[]) => {
        calls.push(`write ${path}`);
        return (fs.writeFileSync as (...args: unknown[]) => void)(path, ...rest);
      }) as typeof fs.writeFileSync,
      renameSync: ((from: string, to: string) => {
        calls.push(`rename ${from} ${to}`);
        fs.renameSync(from, to);
      }) as typeof fs.renameSync,
    };
    const path = registerSupervisor(entry(), { dir, fs: spyFs });
    expect(path).toBe(join(dir, `${process.pid}.json`));
    expect(calls).toEqual([`write ${path}.tmp`, `rename ${path}.tmp ${path}`]);
    expect(readdirSync(dir)).toEqual([`${process.pid}.json`]);
    expect((fs.statSync(dir).mode & 0o777).toString(8)).toBe('700');
    expect(readRegistry({ dir })).toEqual([entry()]);
  });

  it('prunes the entry of a pid that is gone, and of a pid now running another process', () => {
    const dir = tempDir();
    const gone = deadPid();
    registerSupervisor(entry({ project: 'gone', pid: gone }), { dir });
    // This very pid, with another start time: the recorded supervisor died and its pid was reused.
    writeFileSync(join(dir, `${process.pid}.json`), JSON.stringify(entry({ startTime: 1 })));
    expect(readRegistry({ dir })).toEqual([]);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('keeps a live one, and asks the injected check with the recorded pid and start time', () => {
    const dir = tempDir();
    registerSupervisor(entry({ pid: 11, startTime: 500, project: 'a' }), { dir });
    registerSupervisor(entry({ pid: 12, startTime: 600, project: 'b' }), { dir });
    const asked: [number, number | null][] = [];
    const live = readRegistry({
      dir,
      isRunning: (pid, startTime) => {
        asked.push([pid, startTime]);
        return pid === 12 && startTime === 600;
      },
    });
    expect(live.map((found) => found.project)).toEqual(['b']);
    expect(asked.sort()).toEqual([
      [11, 500],
      [12, 600],
    ]);
    expect(readdirSync(dir)).toEqual(['12.json']);
  });

  it('prunes damaged files and temporary files of dead writers, and leaves other files alone', () => {
    const dir = tempDir();
    writeFileSync(join(dir, `${process.pid}.json`), '{"version":1,"proj');
    writeFileSync(join(dir, `${deadPid()}.json.tmp`), '{}');
    writeFileSync(join(dir, 'README'), 'not an entry');
    expect(readRegistry({ dir })).toEqual([]);
    expect(readdirSync(dir)).toEqual(['README']);
  });

  it('reads no entries when the directory does not exist', () => {
    expect(readRegistry({ dir: join(tempDir(), 'missing') })).toEqual([]);
  });

  it('tells the recorded process by pid and start time', () => {
    expect(isRecordedProcess(process.pid, processStartTime(process.pid))).toBe(true);
    expect(isRecordedProcess(process.pid, 1)).toBe(false);
    expect(isRecordedProcess(deadPid(), null)).toBe(false);
  });

  it('writes what readers parse: the file is one JSON object', () => {
    const dir = tempDir();
    const path = registerSupervisor(entry(), { dir });
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual(entry());
  });
});

describe('resolveProject', () => {
  const shop = entry();
  const blog = entry({ project: 'blog', directory: '/src/blog', configFile: '/src/blog/ovrseer.yml' });
  const shop2 = entry({ directory: '/old/shop', configFile: '/old/shop/ovrseer.yml' });

  it('finds a project by name, by directory (relative to cwd) or by config file', () => {
    expect(resolveProject('blog', [shop, blog])).toBe(blog);
    expect(resolveProject('../blog', [shop, blog], '/src/shop')).toBe(blog);
    expect(resolveProject('/src/shop/ovrseer.yml', [shop, blog])).toBe(shop);
  });

  it('refuses an ambiguous name, listing the directories to choose from', () => {
    expect(() => resolveProject('shop', [shop, blog, shop2], '/')).toThrow(
      /2 running projects are named "shop": \/src\/shop\/ovrseer.yml, \/old\/shop\/ovrseer.yml; name one by its directory/,
    );
    expect(resolveProject('/old/shop', [shop, blog, shop2])).toBe(shop2);
  });

  it('says what is running when nothing matches', () => {
    expect(() => resolveProject('nope', [blog], '/')).toThrow(
      /-p nope: no running project .*running: blog \(\/src\/blog\)/,
    );
    expect(() => resolveProject('nope', [], '/')).toThrow(/none is running/);
  });
});

describe('registerIn', () => {
  it('only warns in the supervisor log when the registry cannot be written', async () => {
    const { registerIn } = await import('../../../src/supervisor/registry.js');
    const notes: string[] = [];
    const blocked = join(tempDir(), 'file');
    writeFileSync(blocked, 'a file where the directory should be');
    const path = registerIn(
      {
        name: 'shop',
        file: '/src/shop/ovrseer.yml',
        dir: '/src/shop',
        settings: { api: { listen: null } },
      } as unknown as Parameters<typeof registerIn>[0],
      {
        socketPath: '/s.sock',
        paths: { root: '/src/shop/.ovrseer' },
        log: { note: (text) => notes.push(text) },
      },
      '2026-01-01T00:00:00.000Z',
      { dir: join(blocked, 'projects') },
    );
    expect(path).toBeNull();
    expect(notes).toEqual([
      expect.stringMatching(
        /^not listed by `ovrseer ls`: could not write to .*\/file\/projects \(.*\); set XDG_STATE_HOME/,
      ),
    ]);
  });
});
