import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { killStrayClis, runCli } from '../helpers/cli.js';
import { killMarked } from '../helpers/processes.js';
import { FIXTURES, fixtureCommand, type TempProject, tempProject } from '../helpers/project.js';

const projects: TempProject[] = [];

afterEach(() => {
  killStrayClis();
  for (const p of projects.splice(0)) {
    killMarked(p.name);
    p.remove();
  }
});

describe('plugins from the config', () => {
  it('loads a plugin module by path and calls its hooks', async () => {
    const p = tempProject(`
name: "{{name}}"
plugins:
  - module: ${JSON.stringify(join(FIXTURES, 'record-plugin.mjs'))}
    options: { file: hooks.txt }
processes:
  bad: { command: ${fixtureCommand('exit-with.mjs', 5)} }
`);
    projects.push(p);
    const result = await runCli(['up'], { cwd: p.dir });
    expect(result.code).toBe(1);
    const hooks = readFileSync(join(p.dir, 'hooks.txt'), 'utf8').trim().split('\n');
    expect(hooks).toEqual(['manager start', 'start bad', 'exit bad 5', 'report crash bad']);
  });

  it('says which plugin could not be loaded, and starts nothing', async () => {
    const p = tempProject(`
name: "{{name}}"
plugins: [{ module: ./missing-plugin.js }, { module: slack }]
processes:
  api: { command: ${fixtureCommand('sleeper.mjs')} }
`);
    projects.push(p);
    const result = await runCli(['up'], { cwd: p.dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/plugins: .*missing-plugin\.js: /);
  });
});
