// Bundles the CLI (dist/cli/bin.js and everything it imports, as tsc built them) into ES modules in
// dist/cli/bundle/, and makes dist/cli/bin.js the two-line entry that imports it. Why: docs/startup.md.
import { writeFile } from 'node:fs/promises';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { ownImportMeta } from './own-import-meta.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const entry = resolve(root, 'dist/cli/bin.js');
const outdir = resolve(root, 'dist/cli/bundle');

// Entry and chunks are all in `outdir`, so one relative path serves wherever the code lands.
const ownMeta = ownImportMeta(
  (path) => `new URL(${JSON.stringify(relative(outdir, path))}, import.meta.url).href`,
);

/**
 * zod's `z.locales` re-exports its ~45 translations (a third of its source, parsed on every start); ovrseer
 * never calls `z.config(z.locales.…())`, and its error messages are the English ones zod installs itself.
 */
const englishOnly = {
  name: 'zod-english-only',
  setup(builder) {
    builder.onResolve({ filter: /\/locales\/index\.js$/ }, (args) =>
      args.importer.includes('/node_modules/zod/')
        ? { path: resolve(dirname(args.importer), args.path), namespace: 'zod-locales' }
        : undefined,
    );
    builder.onLoad({ filter: /.*/, namespace: 'zod-locales' }, (args) => ({
      contents: `export { default as en } from ${JSON.stringify(resolve(dirname(args.path), 'en.js'))};`,
      resolveDir: dirname(args.path),
      loader: 'js',
    }));
  },
};

await build({
  entryPoints: [entry],
  outdir,
  bundle: true,
  // `import()` of a command's module stays an import of its own chunk: `validate` never parses the TUI.
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // What only some commands use stays where npm put it, imported by the chunk that needs it; ink's
  // and koffi's files are not bundleable anyway (yoga's wasm, a native module).
  external: [
    'ink',
    'react',
    'react/*',
    'kubernetes-models',
    'kubernetes-models/*',
    'hono',
    'hono/*',
    '@hono/node-server',
    'prom-client',
    'chokidar',
    'koffi',
  ],
  // A package written as CommonJS calls require(), which an ES module does not have.
  banner: {
    js: "import{createRequire as __ovrRequire}from'node:module';const require=__ovrRequire(import.meta.url);",
  },
  minifyWhitespace: true,
  minifySyntax: true,
  charset: 'ascii',
  legalComments: 'none',
  plugins: [ownMeta, englishOnly],
  logLevel: 'warning',
});

await writeFile(
  entry,
  "#!/usr/bin/env node\n// The CLI as one set of bundled modules (scripts/bundle-cli.mjs).\nimport './bundle/bin.js';\n",
);
