import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join, resolve } from 'node:path';
import { errorMessage, OvrseerError } from '../errors.js';
import type { ExportFile } from './types.js';

export interface WriteOptions {
  /** Replace files that exist already. */
  force?: boolean;
  /** Moves a file into place (injected by tests, to fail halfway). */
  rename?: (from: string, to: string) => void;
}

export interface WriteResult {
  dir: string;
  written: string[];
  /** Files that existed and were replaced (`force`). */
  replaced: string[];
}

function cannotWrite(dir: string, error: unknown): OvrseerError {
  return new OvrseerError('OVRSEER_EXPORT_WRITE_FAILED', `cannot write to ${dir}: ${errorMessage(error)}`, {
    cause: error,
  });
}

/** Creates `dir` (and its parents) if needed; returns the first directory it had to create, to undo. */
function ensureDir(dir: string): string | null {
  if (existsSync(dir)) {
    if (!statSync(dir).isDirectory()) {
      throw new OvrseerError('OVRSEER_EXPORT_WRITE_FAILED', `cannot write to ${dir}: it is not a directory`);
    }
    return null;
  }
  try {
    return mkdirSync(dir, { recursive: true }) ?? null;
  } catch (error) {
    throw cannotWrite(dir, error);
  }
}

/**
 * Writes the files all or nothing: into a temporary directory beside them first, then each renamed
 * into place (same file system, so each rename is atomic). Files replaced under `force` are kept aside
 * until the end, so that a failure puts everything back as it was.
 */
export function writeExport(
  files: readonly ExportFile[],
  target: string,
  options: WriteOptions = {},
): WriteResult {
  const dir = resolve(target);
  const rename = options.rename ?? renameSync;
  const existing = files.filter((file) => existsSync(join(dir, file.name))).map((file) => file.name);
  for (const name of existing) {
    if (!statSync(join(dir, name)).isFile()) {
      throw new OvrseerError(
        'OVRSEER_EXPORT_WRITE_FAILED',
        `cannot write ${join(dir, name)}: something else than a file is there`,
      );
    }
  }
  if (existing.length > 0 && !options.force) {
    throw new OvrseerError(
      'OVRSEER_EXPORT_EXISTS',
      `${dir} already has ${existing.join(', ')}: use --force to replace ${existing.length === 1 ? 'it' : 'them'}`,
    );
  }
  const created = ensureDir(dir);
  let staging: string;
  try {
    staging = mkdtempSync(join(dir, '.ovrseer-export-'));
  } catch (error) {
    if (created !== null) rmSync(created, { recursive: true, force: true });
    throw cannotWrite(dir, error);
  }
  const moved: string[] = [];
  const backups: string[] = [];
  try {
    mkdirSync(join(staging, 'replaced'));
    for (const file of files) {
      const path = join(staging, file.name);
      writeFileSync(path, file.content, { mode: file.mode });
      // The umask may have narrowed the mode; these are exactly what the file should have.
      chmodSync(path, file.mode);
    }
    for (const file of files) {
      const destination = join(dir, file.name);
      if (existsSync(destination)) {
        rename(destination, join(staging, 'replaced', file.name));
        backups.push(file.name);
      }
      rename(join(staging, file.name), destination);
      moved.push(file.name);
    }
  } catch (error) {
    for (const name of moved) rmSync(join(dir, name), { force: true });
    for (const name of backups) renameSync(join(staging, 'replaced', name), join(dir, name));
    rmSync(staging, { recursive: true, force: true });
    if (created !== null) rmSync(created, { recursive: true, force: true });
    throw cannotWrite(dir, error);
  }
  rmSync(staging, { recursive: true, force: true });
  return { dir, written: moved, replaced: backups };
}
