import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('../../src/', import.meta.url));

/** docs/architecture.md: imports run downward only. Same level: allowed; a higher level: not. */
const LEVELS: Record<string, number> = {
  config: 0,
  os: 0,
  'errors.ts': 0,
  'exit-codes.ts': 0,
  'shell-quote.ts': 0,
  'version.ts': 0,
  core: 1,
  logs: 2,
  metrics: 2,
  reports: 2,
  plugins: 2,
  supervisor: 3,
  export: 3,
  terminal: 4,
  tui: 5,
  web: 5,
  mcp: 5,
  cli: 6,
  'index.ts': 7,
};

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? files(join(dir, entry.name))
      : /\.tsx?$/.test(entry.name)
        ? [join(dir, entry.name)]
        : [],
  );
}

function levelOf(file: string): number {
  const top = relative(SRC, file).split('/')[0] ?? '';
  const level = LEVELS[top];
  if (level === undefined)
    throw new Error(`src/${top} has no level in this test: add it (and to docs/architecture.md)`);
  return level;
}

describe('layers', () => {
  it('no module imports from a layer above its own', () => {
    const upward: string[] = [];
    for (const file of files(SRC)) {
      const text = readFileSync(file, 'utf8');
      for (const match of text.matchAll(/(?:from|import\()\s*'(\.{1,2}\/[^']+)'/g)) {
        const target = resolve(dirname(file), (match[1] as string).replace(/\.js$/, '.ts'));
        if (levelOf(target) > levelOf(file)) upward.push(`${relative(SRC, file)} → ${match[1]}`);
      }
    }
    expect(upward).toEqual([]);
  });
});
