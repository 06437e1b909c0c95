import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { killStrayClis, runCli, startCli } from '../helpers/cli.js';
import { isRunning, killMarked, markedPids, pidsIn } from '../helpers/processes.js';
import { fixtureCommand, type TempProject, tempProject } from '../helpers/project.js';

const projects: TempProject[] = [];

function project(yaml: string, files: Record<string, string> = {}): TempProject {
  const created = tempProject(yaml, files);
  projects.push(created);
  return created;
}

afterEach(() => {
  killStrayClis();
  for (const created of projects.splice(0)) {
    killMarked(created.name);
    created.remove();
  }
});

describe('ovrseer up', () => {
  it('prints prefixed output, and on Ctrl-C stops dependents first, runs cleanup last and exits 0', async () => {
    const p = project(`
name: "{{name}}"
processes:
  db:
    type: dependency
    command: ${fixtureCommand('ready-after.mjs', 200)}
    ready: { log: "ready to accept" }
  api: { command: ${fixtureCommand('tree.mjs')} }
  tidy:
    type: cleanup
    command: ${fixtureCommand('append.mjs', 'cleanup.txt', 'cleanup ran')}
`);
    const cli = startCli(['up'], { cwd: p.dir });
    await cli.waitForOutput(/level 3 pid \d+/);
    const pids = pidsIn(cli.lines().filter((line) => / api +\| /.test(line)));
    expect(pids).toHaveLength(3);
    expect(cli.stdout()).toMatch(/^\d\d:\d\d:\d\d db +\| warming up$/m);
    expect(cli.stdout()).toMatch(/^\d\d:\d\d:\d\d api +\* started \(pid \d+\)$/m);
    cli.signal('SIGINT');
    expect(await cli.exited).toBe(0);
    const out = cli.stdout();
    expect(out.indexOf('api     * stopped')).toBeGreaterThan(-1);
    expect(out.indexOf('api     * stopped')).toBeLessThan(out.indexOf('db      * stopped'));
    expect(out.indexOf('db      * stopped')).toBeLessThan(out.indexOf('tidy    | appended'));
    expect(readFileSync(join(p.dir, 'cleanup.txt'), 'utf8')).toBe('cleanup ran\n');
    expect(pids.filter(isRunning)).toEqual([]);
    expect(markedPids(p.name)).toEqual([]);
  });

  it('forces the shutdown on a second Ctrl-C', async () => {
    const p = project(`
name: "{{name}}"
processes:
  stubborn:
    command: ${fixtureCommand('ignore-term.mjs')}
    stop: { timeout: 60s }
`);
    const cli = startCli(['up'], { cwd: p.dir });
    await cli.waitForOutput(/stubborn pid \d+/);
    cli.signal('SIGINT');
    await cli.waitForOutput(/got SIGINT, ignoring it|got SIGTERM, ignoring it/);
    cli.signal('SIGINT');
    const code = await cli.exited;
    expect(cli.stdout()).toContain('killing everything now');
    expect(code).toBe(0);
    expect(markedPids(p.name)).toEqual([]);
  });

  it('ends by itself with 0 when every process has completed', async () => {
    const p = project(`
name: "{{name}}"
processes:
  one: { command: ${fixtureCommand('exit-with.mjs', 0)} }
  two: { command: ${fixtureCommand('no-newline.mjs')} }
`);
    const result = await runCli(['up'], { cwd: p.dir });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/two +\| last line without newline/);
    expect(result.stdout).toContain('no process left running');
  });

  it('ends with 1 when a process crashed', async () => {
    const p = project(`
name: "{{name}}"
processes:
  bad: { command: ${fixtureCommand('exit-with.mjs', 4)} }
`);
    const result = await runCli(['up'], { cwd: p.dir });
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/bad +\* exited with code 4/);
  });

  it('stays up through a restart delay when nothing else runs, then ends with 1', async () => {
    const p = project(`
name: "{{name}}"
processes:
  flaky:
    command: ${fixtureCommand('exit-with.mjs', 3)}
    restart: { policy: on-failure, max_retries: 1, delay: 1s }
`);
    const result = await runCli(['up'], { cwd: p.dir });
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/flaky +\* restarting: restart 1 in 1000ms/);
    expect(result.stdout).toMatch(/flaky +\* failed: gave up after 1 restart; last run exited with code 3/);
  });

  it('--abort-on-exit stops everything when a main process exits, with its exit code', async () => {
    const p = project(`
name: "{{name}}"
processes:
  short: { command: ${fixtureCommand('exit-with.mjs', 7, 300)} }
  long: { command: ${fixtureCommand('sleeper.mjs')} }
`);
    const result = await runCli(['up', '--abort-on-exit'], { cwd: p.dir });
    expect(result.code).toBe(7);
    expect(result.stdout).toMatch(/long +\* stopped/);
    expect(markedPids(p.name)).toEqual([]);
  });

  it('starts only the named processes and what they depend on', async () => {
    const p = project(`
name: "{{name}}"
processes:
  db: { command: ${fixtureCommand('exit-with.mjs', 0)} }
  api: { command: ${fixtureCommand('exit-with.mjs', 0)}, depends_on: { db: { condition: completed_successfully } } }
  other: { command: ${fixtureCommand('exit-with.mjs', 0)} }
`);
    const result = await runCli(['up', 'api'], { cwd: p.dir });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/db +\| exiting with 0/);
    expect(result.stdout).toMatch(/api +\| exiting with 0/);
    expect(result.stdout).not.toMatch(/other +\|/);
  });

  it('rejects an unknown process name with exit 2 and a suggestion', async () => {
    const p = project(`
name: "{{name}}"
processes:
  api: { command: ${fixtureCommand('sleeper.mjs')} }
`);
    const result = await runCli(['up', 'apj'], { cwd: p.dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('unknown process "apj" (did you mean "api"?)');
  });

  it('exits 2 on a bad config, naming file, line and key, without a stack trace', async () => {
    const p = project(`name: "{{name}}"
processes:
  api:
    command: node server.js
    restart: { policy: on-failure, delay: soon }
`);
    const result = await runCli(['up'], { cwd: p.dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/ovrseer\.yml:5:\d+: processes\.api\.restart\.delay/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('exits 2 with a hint when there is no config at all', async () => {
    const empty = project('');
    rmSync(empty.file);
    const result = await runCli(['up'], { cwd: empty.dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/ovrseer\.yml/);
  });

  it('exits 2 on an unknown option', async () => {
    const p = project(`
name: "{{name}}"
processes:
  api: { command: ${fixtureCommand('sleeper.mjs')} }
`);
    const result = await runCli(['up', '--no-such-flag'], { cwd: p.dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("unknown option '--no-such-flag'");
  });
});

describe('ovrseer validate', () => {
  it('prints ok with a summary', async () => {
    const p = project(`
name: shop
processes:
  db: { type: dependency, command: postgres }
  api: { command: node api.js }
  bye: { type: cleanup, command: ./cleanup.sh }
`);
    const result = await runCli(['validate'], { cwd: p.dir });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^ok: shop: 3 processes/);
  });
});
