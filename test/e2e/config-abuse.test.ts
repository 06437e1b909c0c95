import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { killStrayClis, runCli } from '../helpers/cli.js';
import { killMarked, markedPids } from '../helpers/processes.js';
import { type TempProject, tempProject } from '../helpers/project.js';

const projects: TempProject[] = [];

function project(yaml: string): TempProject {
  const created = tempProject(yaml);
  projects.push(created);
  return created;
}

afterEach(async () => {
  for (const created of projects.splice(0)) {
    if (existsSync(join(created.dir, '.ovrseer', 'ovrseer.sock')))
      await runCli(['down'], { cwd: created.dir });
    killMarked(created.name);
    created.remove();
  }
  killStrayClis();
});

/** What a user must never see: a stack frame or an error class of ours or of a library. */
const INTERNALS = /^\s+at |\b(TypeError|RangeError|ZodError|YAMLParseError)\b|Error: |parseAllDocuments/m;

const SLEEP = 'sleep 600';

// Each case: a config that validate used to accept and up then failed on (issue 16, item 10), and the
// issue both must now report, at the same place.
const CASES: Array<{ name: string; body: string; where: RegExp }> = [
  {
    name: 'metrics_interval: 0',
    body: `settings: { metrics_interval: 0 }\nprocesses:\n  a: { command: ${SLEEP} }`,
    where: /ovrseer\.yml:2:31: settings\.metrics_interval: metrics_interval must be at least 100ms/,
  },
  {
    name: 'a NUL byte in an env value',
    body: `processes:\n  a: { command: ${SLEEP}, env: { A: "x\\0y" } }`,
    where: /ovrseer\.yml:3:38: processes\.a\.env\.A: a NUL byte \(\\0\) in a string/,
  },
  {
    name: 'a NUL byte in a command',
    body: `processes:\n  a: { command: "${SLEEP}\\0" }`,
    where: /ovrseer\.yml:3:17: processes\.a\.command: a NUL byte \(\\0\) in a string/,
  },
  {
    name: 'a process named all',
    body: `processes:\n  all: { command: ${SLEEP} }`,
    where: /ovrseer\.yml:3:3: processes\.all: 'all' cannot name a process: it is the target keyword/,
  },
  {
    name: 'a 300-character name',
    body: `processes:\n  ${'n'.repeat(300)}: { command: ${SLEEP} }`,
    where:
      /ovrseer\.yml:3:3: processes\.n{300}: the process name 'n+…' is 300 characters long, more than 200/,
  },
  {
    name: 'tags written as one string with a comma',
    body: `processes:\n  a: { command: ${SLEEP}, tags: "a, b" }`,
    where: /ovrseer\.yml:3:34: processes\.a\.tags: expected one name per group or tag/,
  },
  {
    name: 'a duration over 2^31-1 ms',
    body: `processes:\n  a: { command: ${SLEEP}, ready: { log: x, timeout: 600h } }`,
    where:
      /ovrseer\.yml:3:54: processes\.a\.ready\.timeout: "600h" is longer than the longest duration allowed/,
  },
];

describe('validate and up agree (issue 16, item 10)', () => {
  it.each(CASES)(
    '$name: both exit 2 with the same file:line:col, and nothing starts',
    async ({ body, where }) => {
      const p = project(`name: "{{name}}"\n${body}\n`);
      const validate = await runCli(['validate'], { cwd: p.dir });
      expect(validate.code).toBe(2);
      expect(validate.stdout).toBe('');
      expect(validate.stderr).toMatch(where);
      expect(validate.stderr).not.toMatch(INTERNALS);
      const up = await runCli(['up', '-d'], { cwd: p.dir });
      expect(up.code).toBe(2);
      expect(up.stderr).toBe(validate.stderr);
      expect(existsSync(join(p.dir, '.ovrseer', 'ovrseer.sock'))).toBe(false);
      expect(markedPids(p.name)).toEqual([]);
    },
  );

  it('what validate accepts, up runs: tags: notalist is one tag, and targets it', async () => {
    const p = project(`name: "{{name}}"\nprocesses:\n  a: { command: ${SLEEP}, tags: notalist }\n`);
    expect(await runCli(['validate'], { cwd: p.dir })).toMatchObject({ code: 0 });
    expect(await runCli(['up', '-d'], { cwd: p.dir })).toMatchObject({ code: 0 });
    const ps = await runCli(['ps', '--json'], { cwd: p.dir });
    expect(JSON.parse(ps.stdout)).toMatchObject([{ name: 'a', tags: ['notalist'] }]);
    expect(await runCli(['stop', 'tag:notalist'], { cwd: p.dir })).toMatchObject({ code: 0 });
    expect(await runCli(['down'], { cwd: p.dir })).toMatchObject({ code: 0 });
    expect(markedPids(p.name)).toEqual([]);
  });

  it('an env file outside the project: validate and up both warn, naming it, and up runs', async () => {
    const p = project(
      `name: "{{name}}"\nprocesses:\n  a: { command: ${SLEEP}, env_file: ../outside-{{name}}.env }\n`,
    );
    const outside = join(p.dir, '..', `outside-${p.name}.env`);
    writeFileSync(outside, 'FROM_OUTSIDE=1\n');
    try {
      const warning = `ovrseer: warning: ovrseer.yml:3:28: processes.a.env_file[0]: env file "../outside-${p.name}.env" is outside the project directory`;
      const validate = await runCli(['validate'], { cwd: p.dir });
      expect(validate.code).toBe(0);
      expect(validate.stderr).toContain(warning);
      const up = await runCli(['up', '-d'], { cwd: p.dir });
      expect(up.code).toBe(0);
      expect(up.stderr).toContain(warning);
      expect(await runCli(['down'], { cwd: p.dir })).toMatchObject({ code: 0 });
    } finally {
      rmSync(outside, { force: true });
    }
  });

  it('an unreadable env file is refused by both, naming it', async () => {
    const p = project(`name: "{{name}}"\nprocesses:\n  a: { command: ${SLEEP}, env_file: /dev/zero }\n`);
    for (const args of [['validate'], ['up', '-d']]) {
      const run = await runCli(args, { cwd: p.dir });
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(
        'ovrseer.yml:3:28: processes.a.env_file[0]: cannot read env file "/dev/zero": not a regular file',
      );
    }
    expect(markedPids(p.name)).toEqual([]);
  });
});

describe('huge and deep configs (issue 16, item 11)', () => {
  it('a 4,000-deep depends_on chain validates (no stack overflow), and a cycle through it is one error', async () => {
    const rows = (cycle: boolean) => {
      const out = ['name: "{{name}}"', 'settings: { limits: { max_processes: 4000 } }', 'processes:'];
      for (let i = 0; i < 4000; i++) {
        const dep = i < 3999 ? `p${i + 1}` : cycle ? 'p0' : null;
        out.push(
          dep === null
            ? `  p${i}: { command: ${SLEEP} }`
            : `  p${i}: { command: ${SLEEP}, depends_on: [${dep}] }`,
        );
      }
      return `${out.join('\n')}\n`;
    };
    const p = project(rows(false));
    const ok = await runCli(['validate'], { cwd: p.dir });
    expect(ok).toMatchObject({ code: 0, stdout: expect.stringContaining('4000 processes') });
    p.write('ovrseer.yml', rows(true).replaceAll('{{name}}', p.name));
    const cycle = await runCli(['validate'], { cwd: p.dir });
    expect(cycle.code).toBe(2);
    expect(cycle.stderr).toMatch(
      /ovrseer\.yml:4:\d+: processes\.p0\.depends_on\[0\]: dependency cycle: p0 -> p1 -> /,
    );
    expect(cycle.stderr.split('\n').filter((line) => line.includes('dependency cycle'))).toHaveLength(1);
    expect(cycle.stderr).not.toMatch(INTERNALS);
  }, 60_000);
});
