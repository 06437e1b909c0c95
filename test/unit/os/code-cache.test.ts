import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { codeCacheDirs, requireCodeCached } from '../../../src/os/code-cache.js';

const dirs: string[] = [];

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

let compiles = 0;

/**
 * The bundle's first line made unique, at the same length: V8 would otherwise answer a second
 * compile of the same text in this process from memory, without looking at the cache at all (a
 * command compiles its bundle once per process). V8 checks a cache against the source's length.
 */
function fresh(file: string): string {
  compiles += 1;
  const text = readFileSync(file, 'utf8');
  writeFileSync(file, `/*${String(compiles).padStart(6, '0')}*/${text.slice(text.indexOf('\n'))}`);
  return file;
}

/** A CommonJS bundle as the bundle scripts write it: code, then the hash line. */
function bundle(body: string, hash: string): { file: string; cache: string; other: string } {
  const dir = mkdtempSync(join(tmpdir(), 'ovrseer-code-cache-'));
  dirs.push(dir);
  const file = join(dir, 'fast.cjs');
  // Enough functions that V8's cache is more than a header.
  const filler = Array.from({ length: 50 }, (_, i) => `function f${i}(x) { return x * ${i} + ${i}; }`).join(
    '\n',
  );
  writeFileSync(file, `/*000000*/\n${filler}\n${body}\n//# ovrseer-bundle-hash=${hash}\n`);
  return { file, cache: join(dir, 'cache'), other: join(dir, 'other') };
}

const files = (dir: string): string[] => readdirSync(dir).filter((name) => name.endsWith('.bin'));

describe('requireCodeCached', () => {
  it('compiles without a cache once, then runs from the one it wrote', () => {
    const { file, cache } = bundle('module.exports = { answer: f6(7), dir: __dirname };', 'a1');
    const first = requireCodeCached(fresh(file), { dirs: [cache], key: 'validate' });
    expect(first.status).toBe('miss');
    expect(first.exports).toEqual({ answer: 48, dir: join(file, '..') });
    const written = first.save();
    expect(written).toMatch(/fast-validate-a1-.*\.bin$/);
    expect(first.save()).toBeNull();
    const second = requireCodeCached(fresh(file), { dirs: [cache], key: 'validate' });
    expect(second.status).toBe('hit');
    expect(second.exports).toEqual({ answer: 48, dir: join(file, '..') });
    // A hit leaves the cache as it is.
    expect(second.save()).toBeNull();
    expect(files(cache)).toHaveLength(1);
  });

  it('keeps one cache per key: each command its own compiled code', () => {
    const { file, cache } = bundle('module.exports = 1;', 'a1');
    requireCodeCached(fresh(file), { dirs: [cache], key: 'validate' }).save();
    expect(requireCodeCached(fresh(file), { dirs: [cache], key: 'ps' }).status).toBe('miss');
  });

  it('ignores a damaged or foreign cache file, runs the bundle anyway and writes a good one', () => {
    const { file, cache } = bundle('module.exports = f2(21);', 'a1');
    const written = requireCodeCached(fresh(file), { dirs: [cache] }).save() as string;
    const good = readFileSync(written);
    const flipped = Buffer.from(good);
    for (let at = flipped.length >> 1, end = at + 16; at < end; at += 1)
      flipped[at] = (flipped[at] ?? 0) ^ 0xff;
    // Same length, damaged payload: V8 does not check the content and crashes on it; the trailer's CRC does.
    const damages = [
      Buffer.from('not a code cache'),
      good.subarray(0, good.length >> 1),
      Buffer.alloc(0),
      flipped,
    ];
    for (const [index, damaged] of damages.entries()) {
      writeFileSync(written, damaged);
      const loaded = requireCodeCached(fresh(file), { dirs: [cache] });
      expect([index, loaded.status]).toEqual([index, damaged.length === 0 ? 'miss' : 'rejected']);
      expect(loaded.exports).toBe(44);
      expect(loaded.save()).toBe(written);
      expect(requireCodeCached(fresh(file), { dirs: [cache] }).status).toBe('hit');
    }
  });

  it('a rebuilt bundle (another hash) gets a new cache, and the old build’s is removed', () => {
    const old = bundle('module.exports = 1;', 'a1');
    requireCodeCached(fresh(old.file), { dirs: [old.cache] }).save();
    writeFileSync(
      old.file,
      `${readFileSync(old.file, 'utf8').replace('= 1;', '= 2;').replace('=a1', '=b2')}`,
    );
    const rebuilt = requireCodeCached(fresh(old.file), { dirs: [old.cache] });
    expect(rebuilt.status).toBe('miss');
    expect(rebuilt.exports).toBe(2);
    rebuilt.save();
    expect(files(old.cache)).toEqual([expect.stringMatching(/^fast-main-b2-/)]);
  });

  it('writes to the next directory when the first cannot be written, and reads it from there', () => {
    const { file, cache, other } = bundle('module.exports = 3;', 'a1');
    mkdirSync(cache);
    chmodSync(cache, 0o500);
    // root writes anywhere: a directory under a regular file cannot be created by anyone.
    const blocked = process.getuid?.() === 0 ? join(file, 'cache') : cache;
    try {
      const written = requireCodeCached(fresh(file), { dirs: [blocked, other] }).save();
      expect(written?.startsWith(other)).toBe(true);
      expect(requireCodeCached(fresh(file), { dirs: [blocked, other] }).status).toBe('hit');
      expect(requireCodeCached(fresh(file), { dirs: [blocked] }).save()).toBeNull();
    } finally {
      chmodSync(cache, 0o700);
    }
  });

  it('hands the bundle the loader’s import() for computed specifiers', async () => {
    const { file, cache } = bundle('module.exports = __ovrseerImport("node:os");', 'a1');
    const loaded = requireCodeCached(fresh(file), {
      dirs: [cache],
      importModule: (specifier) => import(specifier),
    });
    expect(typeof ((await loaded.exports) as { cpus: unknown }).cpus).toBe('function');
    const without = requireCodeCached(fresh(file), { dirs: [cache] });
    await expect(without.exports).rejects.toThrow(/passed no importModule/);
  });
});

describe('codeCacheDirs', () => {
  it('beside the bundle, then $XDG_CACHE_HOME/ovrseer or ~/.cache/ovrseer', () => {
    expect(codeCacheDirs('/opt/o/dist/cli/fast.cjs', { XDG_CACHE_HOME: '/x', HOME: '/h' })).toEqual([
      '/opt/o/dist/cli/.code-cache',
      '/x/ovrseer',
    ]);
    expect(codeCacheDirs('/opt/o/fast.cjs', { HOME: '/h' })).toEqual([
      '/opt/o/.code-cache',
      '/h/.cache/ovrseer',
    ]);
    expect(codeCacheDirs('/opt/o/fast.cjs', {})).toEqual(['/opt/o/.code-cache']);
  });
});
