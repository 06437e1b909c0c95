import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach } from 'vitest';
import { detectKind } from '../../../src/config/import/detect.js';
import type { ImportFormat } from '../../../src/config/import/types.js';
import { type LoadOptions, loadProject } from '../../../src/config/load.js';
import { type ImportOutcome, runImporter } from '../../../src/config/load-import.js';
import type { ProcessSpec, ProjectSpec } from '../../../src/config/spec.js';

export const IMPORT_FIXTURES = fileURLToPath(new URL('../../fixtures/import/', import.meta.url));

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A temporary directory with these files (removed after the test). */
export function tempDir(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'ovrseer-import-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

/** A copy of a fixture directory, so a test may add files to it. */
export function fixtureCopy(name: string): string {
  const dir = tempDir();
  cpSync(join(IMPORT_FIXTURES, name), dir, { recursive: true });
  return dir;
}

/** Loads `file` from `dir` with an empty shell environment unless one is given. */
export function load(
  dir: string,
  file: string,
  options: Omit<LoadOptions, 'cwd' | 'file'> = {},
): ProjectSpec {
  return loadProject({ cwd: dir, file, env: {}, ...options });
}

export function proc(spec: ProjectSpec, name: string): ProcessSpec {
  const found = spec.processes.find((p) => p.name === name);
  if (found === undefined)
    throw new Error(`no process ${name} in ${spec.processes.map((p) => p.name).join(', ')}`);
  return found;
}

/** What each instance would get as PORT (`name.N` when replicated), as the engine assigns it. */
export function instancePorts(spec: ProjectSpec): Record<string, number | null> {
  const ports: Record<string, number | null> = {};
  for (const p of spec.processes) {
    if (p.disabled) continue;
    for (let i = 1; i <= p.replicas; i++) {
      ports[p.replicas === 1 ? p.name : `${p.name}.${i}`] = p.port === null ? null : p.port + i - 1;
    }
  }
  return ports;
}

/** The importer's own result for a file: processes as input, and what it did not translate. */
export function importFile(
  dir: string,
  file: string,
  options: { mode?: 'run' | 'init'; shell?: NodeJS.ProcessEnv; envName?: string } = {},
): ImportOutcome {
  const path = join(dir, file);
  const text = readFileSync(path, 'utf8');
  return runImporter({
    format: formatOf(path, text),
    text,
    file,
    path,
    dir,
    cwd: dir,
    mode: options.mode ?? 'run',
    shell: options.shell ?? {},
    ...(options.envName === undefined
      ? {}
      : { envName: { name: options.envName, label: `--env ${options.envName}` } }),
  });
}

/** As `up -f` decides it: by the name and the content together. */
function formatOf(path: string, text: string): ImportFormat {
  const kind = detectKind(path, text);
  if (kind === 'yaml') throw new Error(`${path} is not an importable file`);
  return kind;
}
