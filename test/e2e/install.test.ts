import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { killMarked } from '../helpers/processes.js';

/*
 * The package as a user gets it: `npm pack` of the checkout, installed with `npm install -g` into a
 * prefix of its own, and run from a directory outside the checkout through the `ovrseer` and `ovr`
 * commands the install put on the PATH. Dependencies come from npm's cache (`npm ci` filled it), so
 * the test needs no network.
 */

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const run = promisify(execFile);
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

interface PackEntry {
  filename: string;
  files: { path: string }[];
}

let work: string;
let tarball: string;
let packed: string[];
let prefix: string;
let env: NodeJS.ProcessEnv;
const project = `install-${process.pid}`;
let projectDir: string;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'ovrseer-install-'));
  // --ignore-scripts: `prepare` would build the checkout again under the other tests' feet.
  const { stdout } = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], {
    cwd: ROOT,
    maxBuffer: 64 * 1024 * 1024,
  });
  const entry = (JSON.parse(stdout) as PackEntry[])[0];
  if (entry === undefined) throw new Error(`npm pack printed no entry: ${stdout}`);
  tarball = join(work, entry.filename);
  packed = entry.files.map((file) => file.path);
  prefix = join(work, 'prefix');
  // Only the prefix's commands and node itself: nothing of the checkout is reachable.
  env = {
    ...process.env,
    PATH: `${join(prefix, 'bin')}:${dirname(process.execPath)}:/usr/bin:/bin`,
    NO_COLOR: '1',
    npm_config_update_notifier: 'false',
  };
  projectDir = join(work, 'somewhere', 'else');
  mkdirSync(projectDir, { recursive: true });
  writeFileSync(
    join(projectDir, 'ovrseer.yml'),
    `name: ${project}\nprocesses:\n  sleeper: { command: ["sleep", "300"] }\n`,
  );
}, 120_000);

afterAll(async () => {
  if (existsSync(join(prefix, 'bin', 'ovrseer'))) {
    await run(join(prefix, 'bin', 'ovrseer'), ['down'], { cwd: projectDir, env, timeout: 60_000 }).catch(
      (error: unknown) => console.error('down after the install test:', error),
    );
  }
  killMarked(project);
  rmSync(work, { recursive: true, force: true });
});

describe('npm pack / npm install -g', () => {
  it('packs only what runs: dist (no source maps, no caches), schema.json, the README and licence', () => {
    expect(packed).toContain('dist/cli/bin.js');
    expect(packed).toContain('dist/cli/fast.cjs');
    expect(packed).toContain('dist/supervisor/daemon.cjs');
    expect(packed).toContain('dist/web/index.html');
    expect(packed).toContain('dist/index.d.ts');
    expect(packed).toContain('schema.json');
    expect(packed).toContain('LICENSE');
    const outside = packed.filter(
      (path) =>
        !path.startsWith('dist/') && !['package.json', 'README.md', 'LICENSE', 'schema.json'].includes(path),
    );
    expect(outside).toEqual([]);
    expect(packed.filter((path) => path.endsWith('.map'))).toEqual([]);
    expect(packed.filter((path) => path.split('/').some((part) => part.startsWith('.')))).toEqual([]);
  });

  it('installs on a clean prefix with ovrseer and ovr on the PATH, working from any directory', async () => {
    await run(
      'npm',
      ['install', '-g', '--prefix', prefix, '--prefer-offline', '--no-audit', '--no-fund', tarball],
      { cwd: work, env, timeout: 240_000, maxBuffer: 16 * 1024 * 1024 },
    );
    const installed = join(prefix, 'lib', 'node_modules', 'ovrseer');
    // Runtime dependencies only: the dashboard's libraries are bundled into dist/web at build time.
    expect(existsSync(join(installed, 'node_modules', 'zod'))).toBe(true);
    expect(existsSync(join(installed, 'node_modules', 'react-dom'))).toBe(false);
    expect(existsSync(join(installed, 'node_modules', 'vitest'))).toBe(false);

    const version = await run('ovrseer', ['--version'], { cwd: projectDir, env });
    expect(version.stdout.trim()).toBe(VERSION);
    const validate = await run('ovr', ['validate'], { cwd: projectDir, env });
    expect(validate.stdout).toContain(`ok: ${project}: 1 process`);
    const help = await run('ovrseer', ['--help'], { cwd: projectDir, env });
    expect(help.stdout).toContain('Usage: ovrseer');

    await run('ovrseer', ['up', '-d'], { cwd: projectDir, env, timeout: 60_000 });
    const ps = await run('ovr', ['ps', '--json'], { cwd: projectDir, env });
    const rows = JSON.parse(ps.stdout) as { name: string; status: string; pid: number | null }[];
    expect(rows).toMatchObject([{ name: 'sleeper', status: 'running' }]);
    const down = await run('ovrseer', ['down'], { cwd: projectDir, env, timeout: 60_000 });
    expect(down.stdout).toContain('stopped');
    const pid = rows[0]?.pid ?? 0;
    expect(pid).toBeGreaterThan(0);
    expect(existsSync(`/proc/${pid}`)).toBe(false);
  }, 300_000);
});
