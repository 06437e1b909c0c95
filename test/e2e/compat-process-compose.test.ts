import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { killStrayClis, runCli } from '../helpers/cli.js';
import { killMarked } from '../helpers/processes.js';

// Behaviour of process-compose files run by `ovrseer up -f`, row by row of docs/compat/process-compose.md.
const FILE = 'process-compose.yaml';
const dirs: string[] = [];

function project(yaml: string, files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'ovrseer-pc-e2e-'));
  dirs.push(dir);
  writeFileSync(join(dir, FILE), yaml);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

afterEach(async () => {
  for (const dir of dirs) await runCli(['down'], { cwd: dir });
  killStrayClis();
  for (const dir of dirs.splice(0)) {
    killMarked(basename(dir));
    rmSync(dir, { recursive: true, force: true });
  }
});

function up(dir: string) {
  return runCli(['up', '--no-tui', '-f', FILE], { cwd: dir, env: { COMPOSE_SHELL: '' } });
}

/** The lines a process printed, in order. */
function printed(stdout: string, name: string): string[] {
  const re = new RegExp(`^\\d\\d:\\d\\d:\\d\\d ${name}\\s+\\| (.*)$`);
  return stdout.split('\n').flatMap((line) => re.exec(line)?.slice(1, 2) ?? []);
}
const indexOf = (stdout: string, text: string) => {
  const i = stdout.indexOf(text);
  expect(i, `${text} in:\n${stdout}`).toBeGreaterThan(-1);
  return i;
};

describe('process-compose files under ovrseer up -f', () => {
  it('environment: PC_PROC_NAME, PC_REPLICA_NUM from 0, vars, env_cmds, environment, .env', async () => {
    const dir = project(
      [
        'vars: { GREETING: hello }',
        'env_cmds: { WHO: "echo \'  me \'" }',
        'environment: [GLOBAL=g, OWN=global]',
        'processes:',
        '  r:',
        '    command: "echo name=$PC_PROC_NAME num=$PC_REPLICA_NUM v={{.GREETING}}-{{.PC_REPLICA_NUM}} who=$WHO g=$GLOBAL own=$OWN dot=$DOT"',
        '    environment: [OWN=own]',
        '    replicas: 2',
        '',
      ].join('\n'),
      { '.env': 'DOT="from dotenv"\n' },
    );
    const run = await up(dir);
    expect(run.code).toBe(0);
    expect(printed(run.stdout, 'r-0')).toEqual(['name=r num=0 v=hello-0 who=me g=g own=own dot=from dotenv']);
    expect(printed(run.stdout, 'r-1')).toEqual(['name=r num=1 v=hello-1 who=me g=g own=own dot=from dotenv']);
  });

  it('depends_on: completed_successfully, log_ready and healthy start in order; a failed one skips', async () => {
    const dir = project(`processes:
  a: { command: "echo a-done" }
  b:
    command: "echo b-start"
    depends_on: { a: { condition: process_completed_successfully } }
  c:
    command: "echo c-log; echo ready-now; sleep 0.5; echo c-after"
    ready_log_line: ready-now
  d:
    command: "echo d-start"
    depends_on: { c: { condition: process_log_ready } }
  h:
    command: "sleep 0.3; touch ok; sleep 2"
    readiness_probe: { exec: { command: "test -f ok" }, period_seconds: 1 }
  i:
    command: "echo i-start"
    depends_on: { h: { condition: process_healthy } }
  e: { command: "exit 3" }
  f:
    command: "echo f-ran"
    depends_on: { e: { condition: process_completed_successfully } }
`);
    const run = await up(dir);
    expect(indexOf(run.stdout, 'a-done')).toBeLessThan(indexOf(run.stdout, 'b-start'));
    expect(indexOf(run.stdout, 'ready-now')).toBeLessThan(indexOf(run.stdout, 'd-start'));
    expect(indexOf(run.stdout, 'd-start')).toBeLessThan(indexOf(run.stdout, 'c-after'));
    expect(indexOf(run.stdout, 'i-start')).toBeGreaterThan(-1);
    expect(printed(run.stdout, 'f')).toEqual([]);
    expect(run.code).toBe(1);
  });

  it('availability: on_failure restarts max_restarts times; always also after success; no never', async () => {
    const dir = project(`processes:
  fails:
    command: "echo run; exit 1"
    availability: { restart: on_failure, max_restarts: 2 }
  ok:
    command: "echo run"
    availability: { restart: always, max_restarts: 1 }
  once:
    command: "echo run; exit 1"
`);
    const run = await up(dir);
    expect(printed(run.stdout, 'fails')).toEqual(['run', 'run', 'run']);
    expect(printed(run.stdout, 'ok')).toEqual(['run', 'run']);
    expect(printed(run.stdout, 'once')).toEqual(['run']);
  });

  it('a readiness probe failing failure_threshold times in a row restarts the process per availability', async () => {
    const dir = project(`processes:
  p:
    command: "echo start; exec sleep 30"
    readiness_probe:
      exec: { command: "false" }
      period_seconds: 1
      failure_threshold: 2
    availability: { restart: on_failure, max_restarts: 1 }
`);
    const run = await up(dir);
    expect(printed(run.stdout, 'p')).toEqual(['start', 'start']);
  });

  it('exit_on_failure: up stops everything with the failing code, running the shutdown command', async () => {
    const dir = project(`processes:
  bad:
    command: "sleep 0.5; exit 7"
    availability: { restart: exit_on_failure }
  long:
    command: "until [ -f quit ]; do sleep 0.1; done"
    shutdown: { command: "echo ran > cmd.txt; touch quit" }
`);
    const run = await up(dir);
    expect(run.code).toBe(7);
    expect(readFileSync(join(dir, 'cmd.txt'), 'utf8')).toBe('ran\n');
  });

  it('exit_on_end: up stops everything when the process ends, with its code', async () => {
    const dir = project(`processes:
  main:
    command: "echo bye"
    availability: { exit_on_end: true }
  long: { command: "exec sleep 30" }
`);
    const run = await up(dir);
    expect(run.code).toBe(0);
    expect(printed(run.stdout, 'main')).toEqual(['bye']);
  });

  it('exit_on_skipped: a skipped process stops everything with code 1', async () => {
    const dir = project(`processes:
  dep: { command: "exit 2" }
  skipped:
    command: "echo never"
    depends_on: { dep: { condition: process_completed_successfully } }
    availability: { exit_on_skipped: true }
  long: { command: "exec sleep 30" }
`);
    const run = await up(dir);
    expect(run.code).toBe(1);
    expect(printed(run.stdout, 'skipped')).toEqual([]);
  });

  it('shutdown: dependents stop before their dependencies', async () => {
    const dir = project(`processes:
  db:
    command: "trap 'echo db-stop >> order.txt; exit 0' TERM; while true; do sleep 0.1; done"
  api:
    command: "trap 'echo api-stop >> order.txt; exit 0' TERM; while true; do sleep 0.1; done"
    depends_on: { db: {} }
  main:
    command: "sleep 1"
    availability: { exit_on_end: true }
`);
    const run = await up(dir);
    expect(run.code).toBe(0);
    expect(readFileSync(join(dir, 'order.txt'), 'utf8')).toBe('api-stop\ndb-stop\n');
  });

  it('shutdown.command runs instead of the signal: the process ends through it and never sees TERM', async () => {
    const dir = project(`processes:
  svc:
    command: "trap 'echo got TERM' TERM; echo up; until [ -f quit ]; do sleep 0.1; done; echo quit seen"
    shutdown: { command: "touch quit", timeout_seconds: 3 }
  main:
    command: "sleep 0.5"
    availability: { exit_on_end: true }
`);
    const run = await up(dir);
    expect(run.code).toBe(0);
    expect(printed(run.stdout, 'svc')).toEqual(['up', 'quit seen']);
  });

  it('shutdown.command that does not end the process: SIGKILL after timeout_seconds, never TERM', async () => {
    const dir = project(`processes:
  svc:
    command: "trap 'echo got TERM' TERM; echo up; while true; do date +%s%N > alive.txt; sleep 0.1; done"
    shutdown: { command: "echo custom shutdown; date +%s%N > stop.txt", timeout_seconds: 2 }
  main:
    command: "sleep 0.5"
    availability: { exit_on_end: true }
`);
    const run = await up(dir);
    expect(run.code).toBe(0);
    expect(printed(run.stdout, 'svc')).toEqual(['up']);
    expect(run.stdout).toContain('stop command: custom shutdown');
    // It never ends by itself: \`up\` ending means SIGKILL, and only once the 2 s had passed.
    const ns = (file: string) => Number(readFileSync(join(dir, file), 'utf8').trim());
    expect((ns('alive.txt') - ns('stop.txt')) / 1e6).toBeGreaterThan(1500);
  });
});
