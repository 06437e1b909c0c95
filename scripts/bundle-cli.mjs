// Bundles the CLI (dist/cli/bin.js and everything it imports, as tsc built them) into ES modules in
// dist/cli/bundle/, and makes dist/cli/bin.js the two-line entry that imports it; and the command
// lines of src/cli/fast-args.ts into one CommonJS file, dist/cli/fast.cjs, which bin.js compiles with
// V8's code cache (src/os/code-cache.ts). Why: docs/startup.md.
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { isBuiltin } from 'node:module';
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
const fastEntry = resolve(root, 'dist/cli/fast-cli.js');
const fastFile = resolve(root, 'dist/cli/fast.cjs');
const fastOwnMeta = ownImportMeta(
  (path) =>
    `require('node:url').pathToFileURL(require('node:path').join(__dirname, ${JSON.stringify(relative(dirname(fastFile), path))})).href`,
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

// What only some commands use stays where npm put it, imported by the chunk that needs it; ink's
// and koffi's files are not bundleable anyway (yoga's wasm, a native module).
const external = [
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
];

/**
 * The fast bundle runs `up` detached only: the foreground (the engine, the TUI, ink — an ES module
 * with top-level await, which `require()` cannot load) and the full program are not in it. Reaching
 * one of them would be a bug of fast-args.ts, said as such.
 */
const notInFastBundle = {
  name: 'not-in-fast-bundle',
  setup(builder) {
    builder.onResolve({ filter: /\/(up-foreground|main|cli-entry)\.js$/ }, (args) => ({
      path: args.path,
      namespace: 'not-in-fast-bundle',
    }));
    builder.onLoad({ filter: /.*/, namespace: 'not-in-fast-bundle' }, (args) => ({
      contents: `throw new Error(${JSON.stringify(`${args.path} is not in dist/cli/fast.cjs (src/cli/fast-args.ts)`)});`,
      loader: 'js',
    }));
  },
};

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  minifyWhitespace: true,
  minifySyntax: true,
  charset: 'ascii',
  legalComments: 'none',
  logLevel: 'warning',
};

const fast = await build({
  ...common,
  entryPoints: [fastEntry],
  outfile: fastFile,
  format: 'cjs',
  // Node's own `import()` of a builtin would start its ES module loader, for nothing but node:http.
  supported: { 'dynamic-import': false },
  external,
  metafile: true,
  plugins: [fastOwnMeta, englishOnly, notInFastBundle],
});
const fastImports = fast.metafile.outputs[relative(process.cwd(), fastFile)]?.imports ?? [];
const heavy = fastImports.filter((imported) => imported.external && !isBuiltin(imported.path));
if (heavy.length > 0)
  throw new Error(
    `dist/cli/fast.cjs imports ${heavy.map((imported) => imported.path).join(', ')}: keep it out`,
  );
// The code cache is named by this hash (src/os/code-cache.ts): a rebuilt bundle never meets an old cache.
const fastSource = await readFile(fastFile, 'utf8');
const hash = createHash('sha256').update(fastSource).digest('hex');
await writeFile(fastFile, `${fastSource}\n//# ovrseer-bundle-hash=${hash}\n`);

await build({
  ...common,
  entryPoints: [entry],
  outdir,
  // `import()` of a command's module stays an import of its own chunk: `tui` never parses the exporters.
  splitting: true,
  format: 'esm',
  external,
  // A package written as CommonJS calls require(), which an ES module does not have.
  banner: {
    js: "import{createRequire as __ovrRequire}from'node:module';const require=__ovrRequire(import.meta.url);",
  },
  plugins: [ownMeta, englishOnly],
});

await writeFile(
  entry,
  "#!/usr/bin/env node\n// The CLI as one set of bundled modules (scripts/bundle-cli.mjs).\nimport './bundle/bin.js';\n",
);
