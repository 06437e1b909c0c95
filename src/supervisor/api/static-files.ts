import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Where `npm run build` puts the dashboard's page (scripts/bundle-web.mjs): `dist/web/`, found from
 * this module's own place in dist/ (bundled or not, `import.meta.url` stays this file's URL).
 */
export function defaultWebRoot(): string {
  return fileURLToPath(new URL('../../web/', import.meta.url));
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.map': 'application/json',
};

export interface StaticFile {
  body: Buffer;
  type: string;
  /** Assets carry a content hash in their names: they never change under the same URL. */
  immutable: boolean;
}

/**
 * One file of the page: `index.html` for `/`, `assets/<name>` for `/assets/<name>`. Anything that
 * would leave `root` (`..`, an absolute path, a NUL) or is not there is `null` (a 404), never an error.
 */
export async function readStaticFile(root: string, urlPath: string): Promise<StaticFile | null> {
  const relative = urlPath === '/' || urlPath === '/index.html' ? 'index.html' : assetPath(urlPath);
  if (relative === null) return null;
  const full = normalize(join(root, relative));
  if (!full.startsWith(normalize(root.endsWith(sep) ? root : `${root}${sep}`))) return null;
  try {
    const body = await readFile(full);
    return {
      body,
      type: TYPES[extname(full)] ?? 'application/octet-stream',
      immutable: relative !== 'index.html',
    };
  } catch (error) {
    // A missing file is the client's 404; anything else (EACCES, EISDIR) is one too, said the same way.
    if ((error as NodeJS.ErrnoException).code !== undefined) return null;
    throw error;
  }
}

function assetPath(urlPath: string): string | null {
  if (!urlPath.startsWith('/assets/')) return null;
  let name: string;
  try {
    name = decodeURIComponent(urlPath.slice('/assets/'.length));
  } catch {
    // Malformed percent-encoding: no file has such a name.
    return null;
  }
  if (name === '' || name.includes('\0') || name.includes('..') || name.startsWith('/')) return null;
  return `assets/${name}`;
}
