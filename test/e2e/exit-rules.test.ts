import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { markedPids } from '../helpers/processes.js';
import { fixtureCommand, type TempProject, tempProject } from '../helpers/project.js';
import { endProjects } from '../helpers/supervised.js';

const projects: TempProject[] = [];

function project(yaml: string): TempProject {
  const created = tempProject(yaml);
  projects.push(created);
  return created;
}

afterEach(async () => {
  await endProjects(projects);
});

describe('the flags that end a foreground up', () => {
  it('--abort-on-failure lets a clean exit pass and stops everything on a failure, with its code', async () => {
    const p = project(`
name: "{{name}}"
processes:
  fine: { command: ${fixtureCommand('exit-with.mjs', 0)} }
  bad: { command: ${fixtureCommand('exit-with.mjs', 5, 1500)} }
  long: { command: ${fixtureCommand('sleeper.mjs')} }
`);
    const result = await runCli(['up', '--no-tui', '--abort-on-failure'], { cwd: p.dir });
    expect(result.code).toBe(5);
    expect(result.stdout).toMatch(/fine +\* exited with code 0 \(completed\)/);
    expect(result.stdout).toContain('bad exited with code 5: stopping everything (--abort-on-failure)');
    expect(result.stdout).toMatch(/long +\* stopped/);
    expect(markedPids(p.name)).toEqual([]);
  });

  it("--exit-code-from takes the named process's code, and implies --abort-on-exit", async () => {
    const p = project(`
name: "{{name}}"
processes:
  test: { command: ${fixtureCommand('exit-with.mjs', 4, 300)} }
  server: { command: ${fixtureCommand('sleeper.mjs')} }
`);
    const fromTest = await runCli(['up', '--no-tui', '--exit-code-from', 'test'], { cwd: p.dir });
    expect(fromTest.code).toBe(4);
    expect(fromTest.stdout).toMatch(/server +\* stopped/);
    // The server is stopped by SIGTERM, and a process killed by a signal "exits" with 128 + its number.
    const fromServer = await runCli(['up', '--no-tui', '--exit-code-from', 'server'], { cwd: p.dir });
    expect(fromServer.code).toBe(143);
    expect(markedPids(p.name)).toEqual([]);
  });

  it("accepts compose's names: --abort-on-container-exit and --abort-on-container-failure", async () => {
    const p = project(`
name: "{{name}}"
processes:
  short: { command: ${fixtureCommand('exit-with.mjs', 0, 300)} }
  long: { command: ${fixtureCommand('sleeper.mjs')} }
`);
    const onExit = await runCli(['up', '--no-tui', '--abort-on-container-exit'], { cwd: p.dir });
    expect(onExit.code).toBe(0);
    expect(onExit.stdout).toContain('short exited with code 0: stopping everything (--abort-on-exit)');
    expect(markedPids(p.name)).toEqual([]);
  });

  it('refuses a rule that ends a run with -d, and an unknown --exit-code-from, with exit 2', async () => {
    const p = project(`
name: "{{name}}"
processes:
  api: { command: ${fixtureCommand('sleeper.mjs')} }
`);
    const detached = await runCli(['up', '-d', '--abort-on-exit'], { cwd: p.dir });
    expect(detached.code).toBe(2);
    expect(detached.stderr).toContain('--abort-on-exit ends a foreground up: leave out -d/--wait');
    const unknown = await runCli(['up', '--no-tui', '--exit-code-from', 'apj'], { cwd: p.dir });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("--exit-code-from apj: no process named 'apj' (did you mean 'api'?)");
    expect(markedPids(p.name)).toEqual([]);
  });

  it("--wait is compose's: detached, back once every process is ready, exit 1 when one failed", async () => {
    const p = project(`
name: "{{name}}"
processes:
  db:
    command: ${fixtureCommand('ready-after.mjs', 500)}
    ready: { log: "ready to accept" }
  bad: { command: ${fixtureCommand('exit-with.mjs', 3, 200)}, restart: no }
`);
    const result = await runCli(['up', '--wait'], { cwd: p.dir });
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/db +ready/);
    expect(result.stdout).toContain('bad: exited with code 3');
    expect((await runCli(['down'], { cwd: p.dir })).code).toBe(0);
    expect(markedPids(p.name)).toEqual([]);
  });
});
