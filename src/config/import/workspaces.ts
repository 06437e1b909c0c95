import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { lazyPackage } from '../lazy-package.js';

/** Loaded by the first package.json with workspaces. */
const picomatch = lazyPackage<typeof import('picomatch')>('picomatch');

const SKIP = new Set(['node_modules', '.git']);
const MAX_DEPTH = 4;

/**
 * The workspace patterns of a project: npm/yarn `workspaces` (a list, or yarn's `{packages: […]}`), or
 * pnpm's `pnpm-workspace.yaml`.
 */
export function workspacePatterns(pkg: Record<string, unknown>, dir: string): string[] {
  const field = pkg.workspaces;
  const list = Array.isArray(field)
    ? field
    : typeof field === 'object' && field !== null && Array.isArray((field as { packages?: unknown }).packages)
      ? (field as { packages: unknown[] }).packages
      : null;
  if (list !== null) return list.filter((item): item is string => typeof item === 'string');
  const pnpm = join(dir, 'pnpm-workspace.yaml');
  if (!existsSync(pnpm)) return [];
  const parsed: unknown = parseYaml(readFileSync(pnpm, 'utf8'));
  const packages =
    typeof parsed === 'object' && parsed !== null ? (parsed as { packages?: unknown }).packages : null;
  return Array.isArray(packages) ? packages.filter((item): item is string => typeof item === 'string') : [];
}

/** Directories (relative to `dir`, sorted) that hold a package.json and match the patterns (`!x` excludes). */
export function workspaceDirs(dir: string, patterns: readonly string[]): string[] {
  const clean = (pattern: string) => pattern.replace(/^\.\//, '').replace(/\/$/, '');
  const include = patterns.filter((p) => !p.startsWith('!')).map(clean);
  const exclude = patterns.filter((p) => p.startsWith('!')).map((p) => clean(p.slice(1)));
  if (include.length === 0) return [];
  const matches = picomatch()(include);
  const excluded = exclude.length > 0 ? picomatch()(exclude) : () => false;
  const found: string[] = [];
  const walk = (current: string, depth: number): void => {
    for (const entry of readdirSync(current, { withFileTypes: true })) {
      if (!entry.isDirectory() || SKIP.has(entry.name) || entry.name.startsWith('.')) continue;
      const path = join(current, entry.name);
      const rel = relative(dir, path);
      if (matches(rel) && !excluded(rel) && existsSync(join(path, 'package.json'))) found.push(rel);
      if (depth < MAX_DEPTH) walk(path, depth + 1);
    }
  };
  walk(dir, 1);
  return found.sort();
}
