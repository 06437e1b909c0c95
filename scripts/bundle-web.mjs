// Bundles the dashboard's page (src/web/page/main.tsx: React 19, react-dom, uplot, @tanstack/react-virtual,
// @dagrejs/dagre) into dist/web/: index.html and assets/ with content-hashed names. The supervisor's API
// serves that directory as it is (GET /, /assets/*); nothing is fetched from a network at run time.
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = resolve(root, 'dist/web');
const assets = resolve(outdir, 'assets');

await rm(outdir, { recursive: true, force: true });
await mkdir(assets, { recursive: true });
const result = await build({
  entryPoints: [resolve(root, 'src/web/page/main.tsx')],
  outdir: assets,
  entryNames: '[name]-[hash]',
  chunkNames: '[name]-[hash]',
  bundle: true,
  // Each view other than the process table is its own chunk, imported when it opens.
  splitting: true,
  format: 'esm',
  platform: 'browser',
  target: ['es2022', 'chrome110', 'firefox110', 'safari16'],
  jsx: 'automatic',
  minify: true,
  define: { 'process.env.NODE_ENV': '"production"' },
  tsconfig: resolve(root, 'tsconfig.web.json'),
  legalComments: 'none',
  metafile: true,
  logLevel: 'warning',
});
const outputs = Object.keys(result.metafile.outputs).map((file) => basename(file));
const entry = Object.entries(result.metafile.outputs).find(([, output]) => output.entryPoint !== undefined);
const script = entry === undefined ? undefined : basename(entry[0]);
const styles = outputs.filter((file) => file.endsWith('.css'));
if (script === undefined) throw new Error('bundle-web: esbuild wrote no .js file');
// The chunks the entry imports statically (code it shares with the lazy views) are otherwise found
// only once the entry is parsed: one more round trip before the first render.
const preloads = (entry?.[1].imports ?? [])
  .filter((imported) => imported.kind === 'import-statement')
  .map((imported) => basename(imported.path));
const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>ovrseer</title>
<link rel="icon" href="data:,">
${styles.map((file) => `<link rel="stylesheet" href="/assets/${file}">`).join('\n')}
<script type="module" src="/assets/${script}"></script>
${preloads.map((file) => `<link rel="modulepreload" href="/assets/${file}">`).join('\n')}
<link rel="preload" href="/v1/processes" as="fetch" crossorigin>
</head>
<body><div id="root"></div></body>
</html>
`;
await writeFile(resolve(outdir, 'index.html'), html);
