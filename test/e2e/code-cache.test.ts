import { execFile } from 'node:child_process';
import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { killMarked } from '../helpers/processes.js';
import { type TempProject, tempProject } from '../helpers/project.js';
import { waitFor } from '../helpers/wait-for.js';

/*
 * The CLI's fast bundle and the detached supervisor's bundle run through V8's code cache
 * (src/os/code-cache.ts, docs/startup.md). Each test runs a copy of the built CLI and supervisor
 * (`<top>/dist/…`, package.json beside it as in the checkout) in a directory of its own under dist/
 * (packages still resolve from the checkout's node_modules), so that its caches are its own and
 * the other tests never meet a cache damaged here on purpose.
 */

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const run = promisify(execFile);

let top: string;
let copy: string;
const projects: TempProject[] = [];

beforeEach(() => {
  top = mkdtempSync(join(ROOT, 'dist', '.e2e-code-cache-'));
  copy = join(top, 'dist');
  copyFileSync(join(ROOT, 'package.json'), join(top, 'package.json'));
  for (const file of [
    'cli/bin.js',
    'cli/fast.cjs',
    'cli/package.json',
    'supervisor/daemon.cjs',
    'supervisor/daemon-main.cjs',
  ]) {
    mkdirSync(dirname(join(copy, file)), { recursive: true });
    copyFileSync(join(ROOT, 'dist', file), join(copy, file));
  }
  // `down` and the rest: the full program, as ES modules.
  cpSync(join(ROOT, 'dist/cli/bundle'), join(copy, 'cli/bundle'), { recursive: true });
});

afterEach(async () => {
  for (const created of projects.splice(0)) {
    await ovrseer(['down'], created.dir).catch(() => undefined);
    killMarked(created.name);
    created.remove();
  }
  rmSync(top, { recursive: true, force: true });
});

function project(): TempProject {
  const created = tempProject(`
name: "{{name}}"
processes:
  api: { command: sleep 600 }
  worker: { command: sleep 601, depends_on: [api] }
`);
  projects.push(created);
  return created;
}

async function ovrseer(
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv = {},
): Promise<{ stdout: string; stderr: string }> {
  return run(process.execPath, [join(copy, 'cli/bin.js'), ...args], {
    cwd,
    env: { ...process.env, NO_COLOR: '1', CI: 'true', ...env },
  });
}

const cacheFiles = (dir: string, prefix: string): string[] =>
  existsSync(dir) ? readdirSync(dir).filter((name) => name.startsWith(prefix)) : [];

describe('the code cache', () => {
  it('validate writes its cache on the first run and runs from it on the next, leaving it as it is', async () => {
    const p = project();
    const cacheDir = join(copy, 'cli/.code-cache');
    const first = await ovrseer(['validate'], p.dir);
    expect(first.stdout).toMatch(/^ok: .*2 processes/);
    const [file] = cacheFiles(cacheDir, 'fast-validate-');
    expect(file).toBeDefined();
    const written = readFileSync(join(cacheDir, file as string));
    // A run that found no cache, or one V8 refused, writes it anew; a run from the cache does not.
    expect((await ovrseer(['validate'], p.dir)).stdout).toBe(first.stdout);
    expect(readFileSync(join(cacheDir, file as string)).equals(written)).toBe(true);
    // Another command keeps the code it compiled in a cache of its own.
    expect((await ovrseer(['--version'], p.dir)).stdout).toMatch(/^\d+\.\d+\.\d+/);
    expect(cacheFiles(cacheDir, 'fast-version-')).toHaveLength(1);
  });

  it('a damaged cache is ignored: the command answers as always and the cache is written anew', async () => {
    const p = project();
    const cacheDir = join(copy, 'cli/.code-cache');
    const expected = (await ovrseer(['validate'], p.dir)).stdout;
    const file = join(cacheDir, cacheFiles(cacheDir, 'fast-validate-')[0] as string);
    const good = readFileSync(file);
    for (const damaged of [Buffer.from('garbage, not a code cache'), good.subarray(0, good.length >> 1)]) {
      writeFileSync(file, damaged);
      expect((await ovrseer(['validate'], p.dir)).stdout).toBe(expected);
      expect(readFileSync(file).length).toBeGreaterThan(damaged.length);
    }
    // A config error is still the CLI's, in the same words, with the cache in place.
    p.write('ovrseer.yml', 'processes:\n  api: { command: 42 }\n');
    await expect(ovrseer(['validate'], p.dir)).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/ovrseer\.yml:2:.*command/),
    });
    await expect(ovrseer(['up', '-d'], p.dir)).rejects.toMatchObject({ code: 2 });
    expect(existsSync(join(p.dir, '.ovrseer', 'state.json'))).toBe(false);
  });

  it('beside the bundle unwritable: the cache goes to $XDG_CACHE_HOME/ovrseer', async () => {
    const p = project();
    const xdg = mkdtempSync(join(tmpdir(), 'ovrseer-xdg-'));
    try {
      // A file where the cache directory would be: nobody, root included, can create it.
      writeFileSync(join(copy, 'cli/.code-cache'), '');
      const env = { XDG_CACHE_HOME: xdg };
      expect((await ovrseer(['validate'], p.dir, env)).stdout).toMatch(/^ok: /);
      const [file] = cacheFiles(join(xdg, 'ovrseer'), 'fast-validate-');
      expect(file).toBeDefined();
      const written = readFileSync(join(xdg, 'ovrseer', file as string));
      await ovrseer(['validate'], p.dir, env);
      expect(readFileSync(join(xdg, 'ovrseer', file as string)).equals(written)).toBe(true);
    } finally {
      rmSync(xdg, { recursive: true, force: true });
    }
  });

  it('a supervisor started from its cache answers every request (the API loads its packages then)', async () => {
    const p = project();
    const cacheDir = join(copy, 'supervisor/.code-cache');
    await ovrseer(['up', '-d'], p.dir);
    // Written once its start-up is over (daemon-boot.ts).
    await waitFor(
      () => cacheFiles(cacheDir, 'daemon-main-daemon-').length === 1,
      'the supervisor’s code cache',
      {
        timeout: 15_000,
      },
    );
    await ovrseer(['down'], p.dir);
    await ovrseer(['up', '-d'], p.dir);
    // Not GET /v1/processes: the first other request loads Hono, by require() in a cached bundle.
    expect((await ovrseer(['restart', 'worker'], p.dir)).stdout).toMatch(/worker/);
    expect((await ovrseer(['ps'], p.dir)).stdout).toMatch(/api\s+running/);
    expect(readFileSync(join(p.dir, '.ovrseer', 'daemon.out'), 'utf8')).toBe('');
  });
});
