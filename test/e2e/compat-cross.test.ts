import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BIN, killStrayClis, runCli, startCli } from '../helpers/cli.js';
import { killMarked, markedPids } from '../helpers/processes.js';
import { NODE } from '../helpers/project.js';
import { waitFor } from '../helpers/wait-for.js';

const dirs: string[] = [];
const stray: number[] = [];

/** A fresh directory (its name is the project's) holding these files. */
function folder(files: Record<string, string>): { dir: string; project: string } {
  const dir = mkdtempSync(join(tmpdir(), 'ovrseer-cross-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return { dir, project: basename(dir) };
}

afterEach(() => {
  killStrayClis();
  for (const pid of stray.splice(0)) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
    }
  }
  for (const dir of dirs.splice(0)) {
    killMarked(basename(dir));
    rmSync(dir, { recursive: true, force: true });
  }
});

/** A command (YAML flow list) that prints `text` and then stays up until signalled. */
const stays = (text: string) =>
  JSON.stringify([NODE, '-e', `console.log(${JSON.stringify(text)}); setInterval(() => {}, 1 << 30)`]);

describe('which format a file is', () => {
  it('up -f weird-name.yml runs a process-compose file as process-compose', async () => {
    const { dir, project } = folder({
      'weird-name.yml': `version: "0.5"
processes:
  a:
    command: ${JSON.stringify(`${NODE} -e "console.log('GREETING=' + process.env.GREETING); setInterval(() => {}, 1 << 30)"`)}
    environment:
      - GREETING=from-process-compose
    availability:
      restart: "no"
`,
    });
    const cli = startCli(['up', '--no-tui', '-f', 'weird-name.yml'], { cwd: dir });
    await cli.waitForOutput(/a +\| GREETING=from-process-compose/);
    cli.signal('SIGINT');
    expect(await cli.exited).toBe(0);
    expect(markedPids(project)).toEqual([]);
  });

  it('init --from weird-name.yml then up runs what up -f weird-name.yml runs', async () => {
    const { dir, project } = folder({
      'weird-name.yml': `processes:
  a:
    command: ${JSON.stringify(`${NODE} -e "console.log('GREETING=' + process.env.GREETING); setInterval(() => {}, 1 << 30)"`)}
    environment: [GREETING=translated]
`,
    });
    const init = await runCli(['init', '--from', 'weird-name.yml'], { cwd: dir });
    expect(init.stderr).toBe('');
    expect(init.code).toBe(0);
    const cli = startCli(['up', '--no-tui'], { cwd: dir });
    await cli.waitForOutput(/a +\| GREETING=translated/);
    cli.signal('SIGINT');
    expect(await cli.exited).toBe(0);
    expect(markedPids(project)).toEqual([]);
  });

  it('up -f with content of no known format says which formats were considered and why not', async () => {
    const { dir } = folder({ 'weird-name.yml': 'web:\n  port: 80\n' });
    const result = await runCli(['up', '--no-tui', '-f', 'weird-name.yml'], { cwd: dir });
    expect(result.code).not.toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('weird-name.yml: not a format ovrseer reads, by its name or its content');
    expect(result.stderr).toContain('docker compose file: no top-level services');
  });

  it('an ovrseer.yml holding a compose file is refused with the key that shows it', async () => {
    const { dir } = folder({ 'ovrseer.yml': 'services:\n  db:\n    image: postgres:16\n' });
    const result = await runCli(['validate'], { cwd: dir });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain(
      'its name says ovrseer.yml, but its content is a docker compose file (services.db.image)',
    );
  });
});

describe('a bare up without ovrseer.yml or Procfile', () => {
  it('lists the foreign files and the exact commands, and starts nothing', async () => {
    const { dir, project } = folder({
      'compose.yaml': `services:\n  a:\n    command: ${stays('started')}\n`,
      'package.json': '{"scripts": {"dev": "node -e 0"}}',
    });
    const result = await runCli(['up', '--no-tui'], { cwd: dir });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('found here, not used without -f:');
    expect(result.stderr).toContain('`ovrseer up -f compose.yaml`');
    expect(result.stderr).toContain('`ovrseer init --from compose`');
    expect(result.stderr).toContain('`ovrseer up -f package.json`');
    expect(markedPids(project)).toEqual([]);
    const ps = await runCli(['ps'], { cwd: dir });
    expect(ps.stderr).toContain('`ovrseer up -f compose.yaml`');
  });
});

describe('selection', () => {
  it('start all and restart all leave a disabled process off; start NAME starts it', async () => {
    const { dir } = folder({
      'ovrseer.yml': `processes:
  on: { command: ${stays('on up')} }
  off: { command: ${stays('off up')}, disabled: true }
`,
    });
    const cli = startCli(['up', '--no-tui'], { cwd: dir });
    await cli.waitForOutput(/on +\| on up/);
    expect((await runCli(['start', 'all'], { cwd: dir })).code).toBe(0);
    expect((await runCli(['restart', 'all'], { cwd: dir })).code).toBe(0);
    await cli.waitForOutput(/on +\| on up[\s\S]*on +\| on up/);
    expect(cli.stdout()).not.toContain('off up');
    expect((await runCli(['start', 'off'], { cwd: dir })).code).toBe(0);
    await cli.waitForOutput(/off +\| off up/);
    cli.signal('SIGINT');
    expect(await cli.exited).toBe(0);
  });

  it('up --no-deps NAME starts it alone, not waiting for what it depends on', async () => {
    const { dir } = folder({
      'ovrseer.yml': `processes:
  db: { command: ${stays('db up')}, ready: { log: never-printed } }
  api: { command: ${stays('api up')}, depends_on: [db] }
`,
    });
    const cli = startCli(['up', '--no-tui', '--no-deps', 'api'], { cwd: dir });
    await cli.waitForOutput(/api +\| api up/);
    expect(cli.stdout()).not.toMatch(/db +\|/);
    cli.signal('SIGINT');
    expect(await cli.exited).toBe(0);
  });

  it('up group:G starts the group and its dependencies only, not its disabled members', async () => {
    const { dir } = folder({
      'ovrseer.yml': `processes:
  a: { command: ${stays('a up')}, group: web }
  b: { command: ${stays('b up')}, group: web, depends_on: [c] }
  off: { command: ${stays('off up')}, group: web, disabled: true }
  c: { command: ${stays('c up')} }
  d: { command: ${stays('d up')} }
`,
    });
    const cli = startCli(['up', '--no-tui', 'group:web'], { cwd: dir });
    await cli.waitForOutput(/a +\| a up/);
    await cli.waitForOutput(/b +\| b up/);
    await cli.waitForOutput(/c +\| c up/);
    expect(cli.stdout()).not.toContain('d up');
    expect(cli.stdout()).not.toContain('off up');
    cli.signal('SIGINT');
    expect(await cli.exited).toBe(0);
  });
});

describe('streams', () => {
  it('up --no-tui 2>err.txt >out.txt: stderr lines go to stderr with the same prefix', async () => {
    const { dir } = folder({
      'ovrseer.yml': `processes:
  talker:
    command: ${JSON.stringify([NODE, '-e', "console.log('to-stdout'); console.error('to-stderr'); setInterval(() => {}, 1 << 30)"])}
`,
    });
    const child = spawn('sh', ['-c', `exec "${NODE}" "${BIN}" up --no-tui >out.txt 2>err.txt`], {
      cwd: dir,
      env: { ...process.env, NO_COLOR: '1', CI: 'true' },
      stdio: 'ignore',
      detached: true,
    });
    if (child.pid !== undefined) stray.push(child.pid);
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    const read = (name: string) => (existsSync(join(dir, name)) ? readFileSync(join(dir, name), 'utf8') : '');
    await waitFor(
      () => read('out.txt').includes('to-stdout') && read('err.txt').includes('to-stderr'),
      'both lines written',
    );
    if (child.pid !== undefined) process.kill(child.pid, 'SIGINT');
    expect(await exited).toBe(0);
    expect(read('out.txt')).toMatch(/^\d\d:\d\d:\d\d talker +\| to-stdout$/m);
    expect(read('out.txt')).not.toContain('to-stderr');
    expect(read('err.txt')).toMatch(/^\d\d:\d\d:\d\d talker +\| to-stderr$/m);
    expect(read('err.txt')).not.toContain('to-stdout');
  });
});

/** Prints what npm gives a script: its env vars, cwd and node_modules/.bin entries of PATH. */
const SHOW = `const keys = ['npm_lifecycle_event', 'npm_package_name', 'npm_package_version', 'npm_lifecycle_script', 'npm_package_json', 'npm_command', 'INIT_CWD'];
const env = Object.fromEntries(keys.map((key) => [key, process.env[key] ?? null]));
const bin = (process.env.PATH ?? '').split(':').filter((dir) => dir.endsWith('node_modules/.bin'));
console.log('ENV ' + JSON.stringify({ ...env, cwd: process.cwd(), bin }));
`;
const NPM_ENV = { npm_config_update_notifier: 'false', npm_config_fund: 'false' };

/** What `npm <args>` prints in `dir`, run directly: the reference. */
async function npmLines(dir: string, args: string[]): Promise<string[]> {
  const child = spawn('npm', args, {
    cwd: dir,
    env: { ...process.env, ...NPM_ENV },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  expect(code).toBe(0);
  return out.split('\n').filter((line) => line.startsWith('ENV '));
}

/** The ENV lines of a process in ovrseer's prefixed output. */
const envLines = (out: string, name: string) =>
  out
    .split('\n')
    .map((line) => new RegExp(`^\\d\\d:\\d\\d:\\d\\d ${name} +\\| (ENV .*)$`).exec(line)?.[1])
    .filter((line): line is string => line !== undefined);

describe('package.json as npm runs it (compared with npm itself)', () => {
  it('a script gets npm_* variables, INIT_CWD, node_modules/.bin on PATH and its pre/post scripts, as with npm run', async () => {
    const { dir } = folder({
      'show.js': SHOW,
      'package.json': JSON.stringify({
        name: 'demo',
        version: '1.2.3',
        scripts: { predev: 'node show.js', dev: 'node show.js', postdev: 'node show.js', build: 'node -e 0' },
      }),
    });
    const reference = await npmLines(dir, ['run', 'dev']);
    expect(reference).toHaveLength(3);
    const cli = startCli(['up', '--no-tui', '-f', 'package.json'], { cwd: dir, env: NPM_ENV });
    await cli.waitForOutput(/dev +\| ENV .*"npm_lifecycle_event":"postdev"/);
    cli.signal('SIGINT');
    await cli.exited;
    expect(envLines(cli.stdout(), 'dev')).toEqual(reference);
  });

  it('a workspace script runs in its package with INIT_CWD at the root, as npm run --workspaces', async () => {
    const { dir } = folder({
      'show.js': SHOW,
      'package.json': JSON.stringify({ name: 'root', private: true, workspaces: ['packages/*'] }),
    });
    mkdirSync(join(dir, 'packages', 'api'), { recursive: true });
    writeFileSync(
      join(dir, 'packages', 'api', 'package.json'),
      JSON.stringify({ name: 'api', version: '0.1.0', scripts: { dev: 'node ../../show.js' } }),
    );
    const reference = await npmLines(dir, ['run', 'dev', '--workspaces']);
    expect(reference).toHaveLength(1);
    const cli = startCli(['up', '--no-tui', '-f', 'package.json'], { cwd: dir, env: NPM_ENV });
    await cli.waitForOutput(/api +\| ENV /);
    cli.signal('SIGINT');
    await cli.exited;
    expect(envLines(cli.stdout(), 'api')).toEqual(reference);
  });
});
