// The esbuild plugin the bundle scripts use: each module's `import.meta.url` stays the URL of its
// own file in dist/, as if it were not bundled. `urlOf(path)` is the expression for one file's URL.
// With `importFunction`, an `import()` of a computed specifier (a user's plugin file) becomes a call
// of that function instead: a bundle compiled with V8's code cache cannot `import()` itself (Node 20
// loses the callback of a script made from cached data), so its loader passes a real one in.
import { readFile } from 'node:fs/promises';

export function ownImportMeta(urlOf, { importFunction } = {}) {
  return {
    name: 'own-import-meta',
    setup(builder) {
      builder.onLoad({ filter: /\/dist\/.*\.js$/ }, async (args) => {
        let source = await readFile(args.path, 'utf8');
        if (source.includes('import.meta.url'))
          source = source.replaceAll('import.meta.url', urlOf(args.path));
        if (importFunction !== undefined)
          source = source.replace(/\bimport\((?=\s*[^\s'"`])/g, `${importFunction}(`);
        return { contents: source, loader: 'js' };
      });
    },
  };
}
