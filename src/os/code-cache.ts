import {
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { Script } from 'node:vm';
import { payloadHash } from './payload-hash.js';

/**
 * Where a bundle's compiled code is looked for and kept: beside the bundle (a checkout, a user's own
 * install), else the user's cache directory (an install the user cannot write to).
 */
export function codeCacheDirs(bundle: string, env: NodeJS.ProcessEnv = process.env): string[] {
  const dirs = [join(dirname(bundle), '.code-cache')];
  const xdg = env.XDG_CACHE_HOME || (env.HOME ? join(env.HOME, '.cache') : '');
  if (xdg !== '') dirs.push(join(xdg, 'ovrseer'));
  return dirs;
}

/** How a bundle was loaded: `hit` ran from V8's cached code; `miss` found none; `rejected` found a stale or damaged one. */
export type CodeCacheStatus = 'hit' | 'miss' | 'rejected';

export interface CodeCachedModule {
  exports: unknown;
  status: CodeCacheStatus;
  /**
   * Writes the code compiled so far (also the functions compiled lazily since the load) unless the
   * cache was used: call it once the work worth caching is done. Returns the file written, or null.
   */
  save(): string | null;
}

export interface CodeCacheOptions {
  /** Directories tried in order. @default codeCacheDirs(bundle) */
  dirs?: readonly string[];
  /**
   * Names one cache among several of the same bundle: each command keeps the code it compiled
   * (V8 caches what had run when the cache was made, not what another command will run). @default 'main'
   */
  key?: string;
  /**
   * What the bundle's `import()` of a computed specifier calls (scripts/own-import-meta.mjs): the
   * loader's own `import()`. Node 20 cannot import from a script made from cached data.
   * @default a function that rejects
   */
  importModule?: (specifier: string) => Promise<unknown>;
}

/** The name the bundle scripts give that function in a bundle. */
export const IMPORT_FUNCTION = '__ovrseerImport';

/** The last line a bundle script appends to a bundle: its content's hash, so that a rebuilt bundle gets a new cache. */
const HASH_LINE = '\n//# ovrseer-bundle-hash=';

/**
 * `require(bundle)` of a CommonJS bundle, compiled through `vm.Script` with V8's code cache: Node 20
 * has no compile cache of its own (`module.enableCompileCache` is Node 22), and compiling the CLI's
 * bundle — its top level and then each function on its first call — was most of a command's start
 * (docs/startup.md). The cache file is named by the bundle's hash, Node's V8 and the key; V8 itself
 * refuses one made by other flags or a damaged one (`rejected`), which is then written anew. A cache
 * that cannot be read or written costs only the compile it would have saved.
 */
export function requireCodeCached(bundle: string, options: CodeCacheOptions = {}): CodeCachedModule {
  const source = readFileSync(bundle, 'utf8');
  const dirs = options.dirs ?? codeCacheDirs(bundle);
  const prefix = `${basename(bundle).replace(/\.c?js$/, '')}-${options.key ?? 'main'}-`;
  const build = `${prefix}${bundleHash(source)}-`;
  const name = `${build}${process.versions.v8}-${flagsKey()}.bin`;
  let cachedData: Buffer | undefined;
  let damaged = false;
  for (const dir of dirs) {
    const file = readIfThere(join(dir, name));
    if (file === undefined) continue;
    cachedData = checkedPayload(file);
    damaged = cachedData === undefined;
    break;
  }
  const parameters = `exports, require, module, __filename, __dirname, ${IMPORT_FUNCTION}`;
  const script = new Script(`(function (${parameters}) {${source}\n})`, {
    filename: bundle,
    ...(cachedData === undefined ? {} : { cachedData }),
  });
  const status: CodeCacheStatus = damaged
    ? 'rejected'
    : cachedData === undefined
      ? 'miss'
      : script.cachedDataRejected
        ? 'rejected'
        : 'hit';
  const module = { exports: {} as unknown };
  const body = script.runInThisContext() as (...args: unknown[]) => void;
  const importModule = options.importModule ?? noImport;
  body.call(
    module.exports,
    module.exports,
    createRequire(bundle),
    module,
    bundle,
    dirname(bundle),
    importModule,
  );
  let saved = status === 'hit';
  return {
    get exports() {
      return module.exports;
    },
    status,
    save() {
      if (saved) return null;
      saved = true;
      try {
        return writeCache(dirs, { prefix, build, name }, script.createCachedData());
      } catch (error) {
        // Called at exit or from a timer: a cache that could not be written must not fail the command
        // or the supervisor that has done its work; the next run compiles, and tries again.
        if (error instanceof Error) return null;
        throw error;
      }
    },
  };
}

/**
 * V8 refuses a cache made under other flags: the supervisor's, a profiling run's (`--cpu-prof`) and a
 * plain run's each keep their own instead of rewriting one another's on every start.
 */
function flagsKey(): string {
  let hash = 0x811c9dc5;
  for (const char of `${process.arch}\0${process.execArgv.join('\0')}\0${process.env.NODE_OPTIONS ?? ''}`) {
    hash = Math.imul(hash ^ (char.codePointAt(0) as number), 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, '0');
}

function noImport(specifier: string): Promise<never> {
  return Promise.reject(new Error(`cannot import ${specifier}: the bundle's loader passed no importModule`));
}

function bundleHash(source: string): string {
  const at = source.lastIndexOf(HASH_LINE);
  // A bundle without the line (not built by the scripts) is told apart by its length only: V8 checks that too.
  return at === -1
    ? `len${source.length}`
    : source
        .slice(at + HASH_LINE.length)
        .trim()
        .slice(0, 16);
}

function readIfThere(file: string): Buffer | undefined {
  try {
    const data = readFileSync(file);
    // Empty (a disk that filled up): as if there were none.
    return data.length === 0 ? undefined : data;
  } catch (error) {
    // Not there yet (the first run of a build), or not readable: compiled as without a cache.
    if (isFsRefusal(error)) return undefined;
    throw error;
  }
}

/**
 * V8 checks a cache's version, flags, source and length, but not its content: a damaged payload
 * crashes it (seen with 16 bytes flipped mid-file). Each file ends with a magic and a hash of the
 * payload (os/payload-hash.ts), so a file damaged on the disk or written by something else is
 * compiled around instead.
 */
const TRAILER_MAGIC = 0x3163766f; // "ovc1"
const TRAILER_BYTES = 12;

function withTrailer(payload: Buffer): Buffer {
  const trailer = Buffer.allocUnsafe(TRAILER_BYTES);
  trailer.writeUInt32LE(TRAILER_MAGIC, 0);
  payloadHash(payload).copy(trailer, 4);
  return Buffer.concat([payload, trailer]);
}

/** The payload of a cache file, or undefined when its trailer or hash does not hold. */
export function checkedPayload(file: Buffer): Buffer | undefined {
  if (file.length <= TRAILER_BYTES) return undefined;
  const end = file.length - TRAILER_BYTES;
  if (file.readUInt32LE(end) !== TRAILER_MAGIC) return undefined;
  const payload = file.subarray(0, end);
  return payloadHash(payload).equals(file.subarray(end + 4)) ? payload : undefined;
}

/** Into the first directory that takes it, atomically (a rename), removing that key's caches of other builds. */
function writeCache(
  dirs: readonly string[],
  { prefix, build, name }: { prefix: string; build: string; name: string },
  data: Buffer,
): string | null {
  for (const dir of dirs) {
    const file = join(dir, name);
    const temporary = `${file}.${process.pid}.tmp`;
    try {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      writeDurably(temporary, withTrailer(data));
      renameSync(temporary, file);
    } catch (error) {
      // Read-only (a system-wide install): the next directory, or no cache at all.
      if (!isFsRefusal(error)) throw error;
      removeIfThere(temporary);
      continue;
    }
    for (const other of readdirSync(dir)) {
      if (other.startsWith(prefix) && !other.startsWith(build) && other.endsWith('.bin'))
        rmSync(join(dir, other), { force: true });
    }
    return file;
  }
  return null;
}

function removeIfThere(file: string): void {
  try {
    rmSync(file, { force: true });
  } catch (error) {
    // Its directory could not be made: there is nothing to remove.
    if (!isFsRefusal(error)) throw error;
  }
}

/** On the disk before the rename: a power cut must not leave a renamed file with holes. */
function writeDurably(file: string, data: Buffer): void {
  const fd = openSync(file, 'w', 0o600);
  try {
    for (let at = 0; at < data.length; ) at += writeSync(fd, data, at);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

const REFUSALS = new Set([
  'ENOENT',
  'EACCES',
  'EPERM',
  'EROFS',
  'ENOTDIR',
  'EISDIR',
  'EEXIST',
  'ENOSPC',
  'EDQUOT',
]);

function isFsRefusal(error: unknown): boolean {
  return REFUSALS.has((error as NodeJS.ErrnoException).code ?? '');
}
