// Bundles the CLI, as tsc built it, three ways (why: docs/startup.md):
// - dist/cli/fast.cjs: the command lines of src/cli/fast-args.ts, one CommonJS file that bin.js
//   compiles with V8's code cache (src/os/code-cache.ts);
// - dist/cli/bundle/: the full program (dist/cli/cli-entry.js and everything it imports) as ES
//   modules, each `import()` of a command's module a chunk of its own;
// - dist/cli/bin.js itself: the entry, one small CommonJS file (dist/cli/package.json says so; the
//   bundle's directory says `module` again).
import { createHash } from 'node:crypto';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { isBuiltin } from 'node:module';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { ownImportMeta } from './own-import-meta.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const entry = resolve(root, 'dist/cli/bin.js');
const fullEntry = resolve(root, 'dist/cli/cli-entry.js');
// Left by the previous build: tsc's modules here are ES modules, and esbuild reads them as such.
await rm(resolve(root, 'dist/cli/package.json'), { force: true });
const outdir = resolve(root, 'dist/cli/bundle');
// Chunks are named by their content: those of earlier builds would pile up.
await rm(outdir, { recursive: true, force: true });

// Entry and chunks are all in `outdir`, so one relative path serves wherever the code lands.
const ownMeta = ownImportMeta(
  (path) => `new URL(${JSON.stringify(relative(outdir, path))}, import.meta.url).href`,
);
const fastEntry = resolve(root, 'dist/cli/fast-cli.js');
const fastFile = resolve(root, 'dist/cli/fast.cjs');
const cjsUrlOf = (path) =>
  `require('node:url').pathToFileURL(require('node:path').join(__dirname, ${JSON.stringify(relative(dirname(fastFile), path))})).href`;
// fast.cjs runs through V8's code cache, where Node 20 cannot `import()` (src/os/code-cache.ts).
const fastOwnMeta = ownImportMeta(cjsUrlOf, { importFunction: '__ovrseerImport' });

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
  // Node 20 cannot `import()` from code-cached code; Node's `import()` of a builtin would also start
  // its ES module loader, for nothing but node:http.
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
  entryPoints: [fullEntry],
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

/** bin.js imports the full program from its bundle, as the ES module it is. */
const fullFromBundle = {
  name: 'full-from-bundle',
  setup(builder) {
    builder.onResolve({ filter: /\/cli-entry\.js$/ }, () => ({
      path: './bundle/cli-entry.js',
      external: true,
    }));
  },
};
const loader = await build({
  ...common,
  entryPoints: [entry],
  write: false,
  outfile: entry,
  format: 'cjs',
  plugins: [ownImportMeta(cjsUrlOf), fullFromBundle],
});
await writeFile(entry, loader.outputFiles[0].contents, { mode: 0o755 });
await writeFile(resolve(root, 'dist/cli/package.json'), '{ "type": "commonjs" }\n');
await writeFile(resolve(outdir, 'package.json'), '{ "type": "module" }\n');
