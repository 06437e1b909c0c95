import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { parseProjectText } from '../../../src/config/load.js';
import type { ProjectSpec } from '../../../src/config/spec.js';
import type { ExportResult } from '../../../src/export/index.js';

export const EXPORT_FIXTURES = fileURLToPath(new URL('../../fixtures/export/', import.meta.url));
/** Where the fixture projects pretend to live, and where their exports pretend to go. */
export const PROJECT_DIR = '/srv/shop';
export const OUT_DIR = '/etc/ovrseer/shop';

/** A project from YAML text, resolved against PROJECT_DIR, without the shell's environment. */
export function specFrom(yaml: string, dir = PROJECT_DIR): ProjectSpec {
  return parseProjectText(yaml, { file: 'ovrseer.yml', dir, env: {} });
}

export function shopSpec(): ProjectSpec {
  return {
    ...specFrom(readFileSync(join(EXPORT_FIXTURES, 'shop.yml'), 'utf8')),
    file: `${PROJECT_DIR}/ovrseer.yml`,
  };
}

/** `path: ''`: no program is resolved, so that the output does not depend on this machine. */
export const OPTIONS = { outDir: OUT_DIR, path: '' } as const;

export function fileOf(result: ExportResult, name: string): string {
  const file = result.files.find((candidate) => candidate.name === name);
  if (file === undefined) throw new Error(`no ${name} among ${result.files.map((f) => f.name).join(', ')}`);
  return file.content;
}

/**
 * Compares the files (and the list of what did not translate) with `fixtures/export/golden/<format>/`.
 * `UPDATE_GOLDEN=1` rewrites them; review the diff before committing.
 */
export function expectGolden(result: ExportResult): void {
  const dir = join(EXPORT_FIXTURES, 'golden', result.format);
  const notes = result.notTranslated.map((note) => `${note.key}: ${note.reason}`).join('\n');
  const actual = new Map([
    ...result.files.map((file) => [file.name, file.content] as const),
    ['NOT-TRANSLATED.txt', `${notes}\n`],
  ]);
  if (process.env.UPDATE_GOLDEN) {
    mkdirSync(dir, { recursive: true });
    for (const [name, content] of actual) writeFileSync(join(dir, name), content);
  }
  expect(existsSync(dir), `${dir} (run with UPDATE_GOLDEN=1 to create it)`).toBe(true);
  expect([...actual.keys()].sort()).toEqual(readdirSync(dir).sort());
  for (const [name, content] of actual) {
    expect(content, `${result.format}/${name}`).toBe(readFileSync(join(dir, name), 'utf8'));
  }
}
