import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { killStrayClis, runCli, startCli } from '../helpers/cli.js';
import { isRunning, killMarked } from '../helpers/processes.js';
import { fixtureCommand, type TempProject, tempProject } from '../helpers/project.js';

const projects: TempProject[] = [];

afterEach(async () => {
  killStrayClis();
  for (const p of projects.splice(0)) {
    await runCli(['down'], { cwd: p.dir });
    const state = JSON.parse(readFileSync(join(p.dir, '.ovrseer', 'state.json'), 'utf8')) as {
      supervisor: { pid: number };
    };
    if (isRunning(state.supervisor.pid)) process.kill(state.supervisor.pid, 'SIGKILL');
    killMarked(p.name);
    p.remove();
  }
});

function project(): TempProject {
  const p = tempProject(
    `
name: "{{name}}"
processes:
  echo:
    command: ${fixtureCommand('echo-stdin.mjs')}
    cwd: ./work
    env: { GREETING: hello-from-config }
`,
    { 'work/.keep': '' },
  );
  projects.push(p);
  return p;
}

describe('exec and attach', () => {
  it('exec runs a command with the process environment and cwd, and passes its exit code on', async () => {
    const p = project();
    expect((await runCli(['up', '-d'], { cwd: p.dir })).code).toBe(0);
    const ok = await runCli(
      [
        'exec',
        'echo',
        '--',
        process.execPath,
        '-e',
        'console.log(process.env.GREETING, process.env.PS, process.cwd())',
      ],
      { cwd: p.dir },
    );
    expect(ok.code).toBe(0);
    expect(ok.stdout.trim()).toBe(`hello-from-config echo ${join(p.dir, 'work')}`);
    const failing = await runCli(['exec', 'echo', '--', process.execPath, '-e', 'process.exit(7)'], {
      cwd: p.dir,
    });
    expect(failing.code).toBe(7);
    const unknown = await runCli(['exec', 'nope', '--', 'true'], { cwd: p.dir });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown process "nope"');
  });

  it('attach forwards input to the process and shows its output, until the input ends', async () => {
    const p = project();
    expect((await runCli(['up', '-d'], { cwd: p.dir })).code).toBe(0);
    const attach = startCli(['attach', 'echo'], { cwd: p.dir, input: true });
    // A pipe, not a terminal: attach still works, and ends when its input does.
    const child = attach.child;
    await attach.waitForOutput(/echo ready/);
    child.stdin?.write('first line\n');
    await attach.waitForOutput(/got: first line/);
    child.stdin?.end();
    expect(await attach.exited).toBe(0);
    expect(attach.stderr()).toContain('detached from echo');
  });
});
