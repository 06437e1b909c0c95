// The esbuild plugin both bundle scripts use: each module's `import.meta.url` stays the URL of its
// own file in dist/, as if it were not bundled. `urlOf(path)` is the expression for one file's URL.
import { readFile } from 'node:fs/promises';

export function ownImportMeta(urlOf) {
  return {
    name: 'own-import-meta',
    setup(builder) {
      builder.onLoad({ filter: /\/dist\/.*\.js$/ }, async (args) => {
        const source = await readFile(args.path, 'utf8');
        if (!source.includes('import.meta.url')) return { contents: source, loader: 'js' };
        return { contents: source.replaceAll('import.meta.url', urlOf(args.path)), loader: 'js' };
      });
    },
  };
}
