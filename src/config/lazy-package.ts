import { createRequire } from 'node:module';

const requireHere = createRequire(import.meta.url);

/**
 * A package loaded, synchronously, the first time the code that needs it runs rather than with its
 * importer: `ovrseer validate` of a config without cron, regex or workspace patterns then never reads
 * croner, re2js or picomatch (re2js alone is ~190 KB of source to compile on every start; see
 * docs/startup.md). Only packages with a CommonJS entry, as a config loader stays synchronous.
 */
export function lazyPackage<T>(id: string): () => T {
  let loaded: T | undefined;
  return () => {
    loaded ??= requireHere(id) as T;
    return loaded;
  };
}
