import { readdir } from 'node:fs';
import { promisify } from 'node:util';

/**
 * A Node built-in loaded, synchronously, by the code that first needs it rather than when its importer
 * is imported. Whatever a long-lived supervisor loads stays in its memory for good — crypto ~0.9 MB
 * of RSS, fs/promises ~0.7, v8 ~0.5, zlib ~0.4 — and an idle supervisor needs none of those: they
 * serve crash reports, log rotation and queries, TCP tokens and the first log flood.
 * `process.getBuiltinModule` (Node >= 20.16) rather than `createRequire`, whose `node:module` would
 * itself load half of the ES module loader.
 */
function lazyBuiltin<T>(id: `node:${string}`): T {
  return process.getBuiltinModule(id) as T;
}

export const nodeFsPromises = (): typeof import('node:fs/promises') => lazyBuiltin('node:fs/promises');
export const nodeZlib = (): typeof import('node:zlib') => lazyBuiltin('node:zlib');
export const nodeCrypto = (): typeof import('node:crypto') => lazyBuiltin('node:crypto');
export const nodeV8 = (): typeof import('node:v8') => lazyBuiltin('node:v8');
/** node:tty loads node:net with it (~2.5 ms for every CLI command whose output is a pipe). */
export const nodeTty = (): typeof import('node:tty') => lazyBuiltin('node:tty');

/** `fs/promises`' readdir without loading it: start-up (recovery, crash reports) reads directories. */
export const readDirectory: (path: string) => Promise<string[]> = promisify(readdir);
