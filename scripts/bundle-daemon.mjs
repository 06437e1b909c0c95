// Bundles the detached supervisor (dist/supervisor/daemon.js, as tsc built it) into one CommonJS file,
// dist/supervisor/daemon.cjs. Why: see docs/decisions.md, "The detached supervisor is one CommonJS file".
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { ownImportMeta } from './own-import-meta.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const entry = resolve(root, 'dist/supervisor/daemon.js');
const outfile = resolve(root, 'dist/supervisor/daemon.cjs');

const ownMeta = ownImportMeta(
  (path) =>
    `require('node:url').pathToFileURL(require('node:path').join(__dirname, ${JSON.stringify(relative(dirname(outfile), path))})).href`,
);

await build({
  entryPoints: [entry],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
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
