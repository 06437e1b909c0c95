import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BIN, killStrayClis, runCli } from '../helpers/cli.js';
import { killMarked } from '../helpers/processes.js';
import { type TempProject, tempProject } from '../helpers/project.js';

/*
 * `ovrseer completion bash|fish` loaded into the real shells, asked to complete real command lines
 * of a project: with its supervisor running (replicas after `scale`) and without (the config).
 */

const projects: TempProject[] = [];
afterEach(async () => {
  for (const project of projects.splice(0)) {
    await runCli(['down'], { cwd: project.dir });
    killMarked(project.name);
    project.remove();
  }
  killStrayClis();
});

const YAML = `name: {{name}}
processes:
  api: { command: ["sleep", "300"], group: web, tags: [backend] }
  worker: { command: ["sleep", "300"], replicas: 2, tags: [backend] }
  db: { command: ["sleep", "300"], type: dependency }
`;

/** A project whose `ovrseer` on the PATH is the built CLI, with the scripts written beside it. */
function project(): { project: TempProject; env: NodeJS.ProcessEnv } {
  const p = tempProject(YAML);
  projects.push(p);
  const bin = join(p.dir, 'bin');
  mkdirSync(bin);
  for (const name of ['ovrseer', 'ovr']) {
    const path = join(bin, name);
    writeFileSync(path, `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n`);
    chmodSync(path, 0o755);
  }
  for (const shell of ['bash', 'fish']) {
    writeFileSync(
      join(p.dir, `completion.${shell}`),
      execFileSync(process.execPath, [BIN, 'completion', shell]),
    );
  }
  return { project: p, env: { ...process.env, PATH: `${bin}:${process.env.PATH ?? ''}`, NO_COLOR: '1' } };
}

/** What bash's completion function offers with the cursor at the end of `line`. */
function bashComplete(dir: string, env: NodeJS.ProcessEnv, line: string): string[] {
  const script = `source ./completion.bash
COMP_LINE=${JSON.stringify(line)}; COMP_POINT=\${#COMP_LINE}
_ovrseer_complete
printf '%s\\n' "\${COMPREPLY[@]}"`;
  const out = execFileSync('bash', ['--norc', '--noprofile', '-c', script], {
    cwd: dir,
    env,
    encoding: 'utf8',
  });
  return out.split('\n').filter((value) => value !== '');
}

const hasFish = spawnSync('sh', ['-c', 'command -v fish']).status === 0;

describe('shell completion against a real project', () => {
  it('bash: commands, flags, process names and targets from the config when nothing runs', () => {
    const { project: p, env } = project();
    expect(bashComplete(p.dir, env, 'ovrseer rest')).toEqual(['restart']);
    expect(bashComplete(p.dir, env, 'ovrseer logs --gr')).toEqual(['--grep']);
    expect(bashComplete(p.dir, env, 'ovrseer exec ')).toEqual(['api', 'worker', 'db']);
    expect(bashComplete(p.dir, env, 'ovrseer restart w')).toEqual(['worker', 'worker.1', 'worker.2']);
    expect(bashComplete(p.dir, env, 'ovr stop ')).toEqual(
      expect.arrayContaining(['api', 'db', 'group:web', 'tag:backend', 'all']),
    );
    // bash splits at ':': the reply is what follows it.
    expect(bashComplete(p.dir, env, 'ovrseer stop tag:b')).toEqual(['backend']);
    expect(bashComplete(p.dir, env, 'ovrseer scale wo')).toEqual(['worker=']);
  });

  it('bash: the running supervisor’s instances after a scale', async () => {
    const { project: p, env } = project();
    expect((await runCli(['up', '-d'], { cwd: p.dir })).code).toBe(0);
    expect((await runCli(['scale', 'worker=3'], { cwd: p.dir })).code).toBe(0);
    expect(bashComplete(p.dir, env, 'ovrseer restart worker.')).toEqual(['worker.1', 'worker.2', 'worker.3']);
  });

  it('bash: a broken config offers nothing and prints nothing into the line', () => {
    const { project: p, env } = project();
    p.write('ovrseer.yml', 'processes: [');
    expect(bashComplete(p.dir, env, 'ovrseer restart ')).toEqual([]);
    expect(bashComplete(p.dir, env, 'ovrseer rest')).toEqual(['restart']);
  });

  it.runIf(hasFish || process.env.CI === 'true')(
    'fish: complete -C gives the same, with descriptions',
    () => {
      const { project: p, env } = project();
      const ask = (line: string): string[] =>
        execFileSync(
          'fish',
          ['--no-config', '-c', `source ./completion.fish; complete -C ${JSON.stringify(line)}`],
          {
            cwd: p.dir,
            env,
            encoding: 'utf8',
          },
        )
          .split('\n')
          .filter((value) => value !== '');
      const commands = ask('ovrseer rest');
      expect(commands).toHaveLength(1);
      expect(commands[0]).toMatch(/^restart\trestart processes/);
      expect(ask('ovrseer restart w').map((value) => value.split('\t')[0])).toEqual([
        'worker',
        'worker.1',
        'worker.2',
      ]);
    },
  );
});
