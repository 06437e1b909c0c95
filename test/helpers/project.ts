import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));
export const EXAMPLES = fileURLToPath(new URL('../../examples/', import.meta.url));

/**
 * Copies the files git tracks of `examples/<name>` into `into`: never what a run of the example left
 * beside them (`.ovrseer/` with its socket, which cannot be copied, logs, lock files).
 */
export function copyExample(name: string, into: string): void {
  const listed = execFileSync('git', ['ls-files', '-z', '--', name], { cwd: EXAMPLES, encoding: 'utf8' });
  const files = listed.split('\0').filter((file) => file !== '');
  if (files.length === 0) throw new Error(`examples/${name} has no tracked files`);
  for (const file of files) {
    const target = join(into, file.slice(name.length + 1));
    mkdirSync(dirname(target), { recursive: true });
    copyFileSync(join(EXAMPLES, file), target);
  }
}
export const NODE = process.execPath;

/** `node <fixture> args…` as a YAML flow list, for `command:`. */
export function fixtureCommand(fixture: string, ...args: (string | number)[]): string {
  return JSON.stringify([NODE, join(FIXTURES, fixture), ...args.map(String)]);
}

let counter = 0;

export interface TempProject {
  dir: string;
  /** Unique per test, so the afterEach safety net only touches this test's processes. */
  name: string;
  file: string;
  write(relative: string, content: string): string;
  remove(): void;
}

/**
 * A directory holding an ovrseer.yml. `yaml` may use `{{name}}`, replaced by a unique project name.
 */
export function tempProject(yaml: string, extraFiles: Record<string, string> = {}): TempProject {
  counter += 1;
  const name = `t${process.pid}-${counter}`;
  const dir = mkdtempSync(join(tmpdir(), 'ovrseer-test-'));
  const write = (relative: string, content: string): string => {
    const path = join(dir, relative);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, content);
    return path;
  };
  const file = write('ovrseer.yml', yaml.replaceAll('{{name}}', name));
  for (const [relative, content] of Object.entries(extraFiles)) write(relative, content);
  return { dir, name, file, write, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
