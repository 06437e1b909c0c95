// Bundles the detached supervisor (dist/supervisor/daemon.js, as tsc built it) into one CommonJS file,
// dist/supervisor/daemon-main.cjs, and its entry dist/supervisor/daemon.cjs, which runs that bundle
// through V8's code cache (src/os/code-cache.ts). Why: see docs/decisions.md, "The detached supervisor
// is one CommonJS file", and docs/startup.md.
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { ownImportMeta } from './own-import-meta.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const entry = resolve(root, 'dist/supervisor/daemon.js');
const outfile = resolve(root, 'dist/supervisor/daemon-main.cjs');
const bootEntry = resolve(root, 'dist/supervisor/daemon-boot.js');
const bootFile = resolve(root, 'dist/supervisor/daemon.cjs');

const urlOf = (path) =>
  `require('node:url').pathToFileURL(require('node:path').join(__dirname, ${JSON.stringify(relative(dirname(outfile), path))})).href`;
// The bundle runs through V8's code cache (src/os/code-cache.ts), where `import()` does not work in
// Node 20: a package's becomes require() (all of them have a CommonJS entry), a plugin file's goes
// to the entry's own import().
const ownMeta = ownImportMeta(urlOf, { importFunction: '__ovrseerImport' });

await build({
  entryPoints: [entry],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  supported: { 'dynamic-import': false },
  // These packages stay where npm put them, loaded by require() when first needed (Hono and zod
  // only with the first API request other than `GET /v1/processes`). The small ESM-only ones
  // (strip-ansi) are bundled: Node 20 before 20.19 cannot require() an ES module.
  external: [
    'hono',
    'hono/*',
    '@hono/node-server',
    'zod',
    'prom-client',
    'chokidar',
    'croner',
    'picomatch',
    'picocolors',
    // The config parser's packages: the supervisor gets the project normalized already, so none of
    // them should be reached; left external, a stray import shows as a require() (the e2e test
    // startup-imports.test.ts looks) instead of growing the bundle. re2js: by the first regex pattern.
    'yaml',
    'dotenv',
    're2js',
    // Native (prebuilt per platform), optional: required only by the subreaper.
    'koffi',
  ],
  // Whitespace and syntax only: stack traces in the supervisor's log keep their names.
  minifyWhitespace: true,
  minifySyntax: true,
  charset: 'ascii',
  legalComments: 'none',
  plugins: [ownMeta],
  logLevel: 'warning',
});

// The code cache is named by this hash (src/os/code-cache.ts): a rebuilt bundle never meets an old cache.
const source = await readFile(outfile, 'utf8');
const hash = createHash('sha256').update(source).digest('hex');
await writeFile(outfile, `${source}\n//# ovrseer-bundle-hash=${hash}\n`);

await build({
  entryPoints: [bootEntry],
  outfile: bootFile,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  minifyWhitespace: true,
  minifySyntax: true,
  charset: 'ascii',
  legalComments: 'none',
  plugins: [ownImportMeta(urlOf)],
  logLevel: 'warning',
});
