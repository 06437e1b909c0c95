// biome-ignore-all lint/suspicious/noTemplateCurlyInString: compose files under test contain ${VAR} references
/*
 * docker compose files run by `ovrseer up -f compose.yaml` behave as compose runs them
 * (docs/compat/compose.md: each row names its test here). Real processes; what they print is checked.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { killStrayClis, runCli, startCli } from '../helpers/cli.js';
import { isRunning, killMarked, markedPids } from '../helpers/processes.js';
import { NODE } from '../helpers/project.js';
import { supervisorPid } from '../helpers/supervised.js';
import { waitFor } from '../helpers/wait-for.js';

const dirs: string[] = [];

function project(compose: string, files: Record<string, string> = {}): { dir: string; name: string } {
  const dir = mkdtempSync(join(tmpdir(), 'ovrseer-compose-e2e-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'compose.yaml'), compose);
  for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text);
  return { dir, name: basename(dir) };
}

afterEach(async () => {
  killStrayClis();
  for (const dir of dirs.splice(0)) {
    // A test that failed after `up --wait` / `-d` leaves a detached supervisor: end it too.
    await runCli(['down', '-f', 'compose.yaml'], { cwd: dir });
    const pid = supervisorPid({ dir });
    if (pid !== null && isRunning(pid)) process.kill(pid, 'SIGKILL');
    killMarked(basename(dir));
    rmSync(dir, { recursive: true, force: true });
  }
});

/** A node one-liner as a compose list command (no `$` in `script`: compose would interpolate it). */
const node = (script: string) => JSON.stringify([NODE, '-e', script]);
const up = (dir: string, env: NodeJS.ProcessEnv = {}, args: string[] = []) =>
  startCli(['up', '-f', 'compose.yaml', '--no-tui', ...args], { cwd: dir, env });
/** The numbers a process printed as `<tag> <Date.now()>`. */
const stamp = (out: string, tag: string): number => {
  const match = new RegExp(`\\| ${tag} (\\d+)`).exec(out);
  expect(match, `${tag} in:\n${out}`).not.toBeNull();
  return Number(match?.[1]);
};
const starts = (out: string, name: string) =>
  out.split('\n').filter((line) => new RegExp(`^\\S+ ${name} +\\* started \\(pid`).test(line)).length;

describe('compose environment and interpolation', () => {
  it('environment list and map, values from .env and the shell, defaults, nesting and $$', async () => {
    const { dir, name } = project(
      [
        'services:',
        '  show:',
        `    command: ${node("for (const k of ['A','B','C','D','E','F','G','H','ABSENT']) console.log(k + '=' + (process.env[k] ?? '<absent>'))")}`,
        '    environment:',
        '      - A=${FROM_DOTENV}',
        '      - B=${FROM_SHELL:-unused}',
        '      - C=${NOPE_X:-${NOPE_Y:-nested}}',
        '      - D=$$literal',
        '      - E=${EMPTY-dash}|${EMPTY:-colon}',
        '      - F=${FROM_DOTENV:+alt}',
        '      - G',
        '      - ABSENT',
        '  map:',
        `    command: ${node("console.log('H=' + process.env.H)")}`,
        '    environment: { H: "${OVERRIDDEN}" }',
      ].join('\n'),
      { '.env': 'FROM_DOTENV=dotenv\nG=from-dotenv\nOVERRIDDEN=dotenv\n' },
    );
    const cli = up(dir, { FROM_SHELL: 'shell', EMPTY: '', OVERRIDDEN: 'shell', ABSENT: undefined });
    expect(await cli.exited).toBe(0);
    const out = cli.stdout();
    for (const line of [
      'A=dotenv',
      'B=shell',
      'C=nested',
      'D=$literal',
      'E=|colon',
      'F=alt',
      'G=from-dotenv',
      'ABSENT=<absent>',
      'H=shell',
    ]) {
      expect(out).toContain(`| ${line}\n`);
    }
    expect(markedPids(name)).toEqual([]);
  });

  it("${VAR:?message} stops with the message; an unset ${VAR} is blank with compose's warning", async () => {
    const { dir } = project(
      `services:\n  a:\n    command: ${node("console.log('x=' + process.env.X)")}\n    environment: [X=\${NOT_SET_ANYWHERE}]\n  b:\n    command: "true"\n    environment: [Y=\${MUST:?set MUST to the token}]\n`,
    );
    const failed = up(dir);
    expect(await failed.exited).toBe(2);
    expect(failed.stderr()).toContain('required variable MUST is missing a value: set MUST to the token');
    const ok = up(dir, { MUST: '1' });
    expect(await ok.exited).toBe(0);
    expect(ok.stdout()).toContain('| x=\n');
    expect(ok.stdout() + ok.stderr()).toContain(
      'The "NOT_SET_ANYWHERE" variable is not set. Defaulting to a blank string.',
    );
  });
});

describe('compose env_file (read by the compose dialect of src/config/dotenv.ts)', () => {
  it('string, list and {path, required, format: raw}: compose syntax, interpolation, raw values', async () => {
    const show = node(
      "for (const k of ['I','S','D','C','R','OPT']) console.log(k + '=' + (process.env[k] ?? '<absent>'))",
    );
    const { dir } = project(
      `services:\n  show:\n    command: ${show}\n    env_file: [app.env, { path: missing.env, required: false }, { path: raw.env, format: raw }]\n`,
      {
        'app.env': 'I=${FROM_SHELL}-x\nS=\'single ${FROM_SHELL}\'\nD="tab\\there"\nC=value # a comment\n',
        'raw.env': 'R=${FROM_SHELL}\n',
      },
    );
    const cli = up(dir, { FROM_SHELL: 'shell' });
    expect(await cli.exited).toBe(0);
    const out = cli.stdout();
    for (const line of [
      'I=shell-x',
      'S=single ${FROM_SHELL}',
      'D=tab\there',
      'C=value',
      'R=${FROM_SHELL}',
      'OPT=<absent>',
    ])
      expect(out).toContain(`| ${line}\n`);
  });

  it('a missing env_file is an error unless required: false', async () => {
    const { dir } = project(`services:\n  a:\n    command: "true"\n    env_file: gone.env\n`);
    const cli = up(dir);
    expect(await cli.exited).toBe(2);
    expect(cli.stderr()).toContain('env file "gone.env" is required');
  });
});

describe('compose commands', () => {
  it("entrypoint + command are exec'd as words, without a shell; working_dir is the cwd", async () => {
    const { dir } = project(
      [
        'services:',
        '  args:',
        `    entrypoint: ${node('console.log(JSON.stringify(process.argv.slice(1)), process.cwd())')}`,
        `    command: one "two words" 'three;four' five\\ six`,
        '    working_dir: /tmp',
      ].join('\n'),
    );
    const cli = up(dir);
    expect(await cli.exited).toBe(0);
    expect(cli.stdout()).toContain('| ["one","two words","three;four","five six"] /tmp\n');
  });
});

describe('compose depends_on conditions', () => {
  it('service_healthy waits for the healthcheck to pass; service_completed_successfully for exit 0', async () => {
    const { dir, name } = project(
      [
        'services:',
        '  db:',
        `    command: ${node("setTimeout(() => { require('fs').writeFileSync('ready', ''); console.log('ready', Date.now()) }, 600); setInterval(() => {}, 1000)")}`,
        '    healthcheck:',
        `      test: ${JSON.stringify(['CMD', NODE, '-e', "process.exit(require('fs').existsSync('ready') ? 0 : 1)"])}`,
        '      interval: 100ms',
        '      retries: 50',
        '  migrate:',
        `    command: ${node("setTimeout(() => console.log('migrated', Date.now()), 300)")}`,
        '  api:',
        `    command: ${node("console.log('api', Date.now()); setInterval(() => {}, 1000)")}`,
        '    depends_on:',
        '      db: { condition: service_healthy }',
        '      migrate: { condition: service_completed_successfully }',
        '  early:',
        `    command: ${node("console.log('early', Date.now()); setInterval(() => {}, 1000)")}`,
        '    depends_on: [db]',
      ].join('\n'),
    );
    const cli = up(dir);
    await cli.waitForOutput(/\| api \d+/);
    const out = cli.stdout();
    expect(stamp(out, 'api')).toBeGreaterThanOrEqual(stamp(out, 'ready'));
    expect(stamp(out, 'api')).toBeGreaterThanOrEqual(stamp(out, 'migrated'));
    // service_started (the short form) does not wait for the healthcheck.
    expect(stamp(out, 'early')).toBeLessThan(stamp(out, 'ready'));
    cli.signal('SIGINT');
    expect(await cli.exited).toBe(0);
    expect(markedPids(name)).toEqual([]);
  });

  it('a failed service_completed_successfully dependency: the dependent never starts, up exits 1', async () => {
    const { dir } = project(
      [
        'services:',
        '  migrate:',
        `    command: ${node('process.exit(3)')}`,
        '  app:',
        `    command: ${node("console.log('app ran')")}`,
        '    depends_on: { migrate: { condition: service_completed_successfully } }',
      ].join('\n'),
    );
    const cli = up(dir);
    expect(await cli.exited).toBe(1);
    expect(cli.stdout()).not.toContain('app ran');
    expect(cli.stdout()).toMatch(/app +\* failed: dependency migrate exited with code 3/);
  });

  it('an unhealthy dependency fails its service_healthy dependents (docker does not restart it)', async () => {
    const { dir } = project(
      [
        'services:',
        '  db:',
        `    command: ${node('setInterval(() => {}, 1000)')}`,
        '    healthcheck: { test: ["CMD-SHELL", "exit 1"], interval: 100ms, retries: 2 }',
        '  api:',
        `    command: ${node("console.log('api ran')")}`,
        '    depends_on: { db: { condition: service_healthy } }',
      ].join('\n'),
    );
    const cli = up(dir);
    // compose's `up` ends with an error: "dependency failed to start" (docker/compose#10101).
    expect(await cli.exited).toBe(1);
    expect(cli.stdout()).toMatch(/api +\* failed: dependency db is unhealthy/);
    expect(cli.stdout()).toContain(
      "stopping everything (docker compose's rule: a dependency failed to start)",
    );
    expect(cli.stdout()).not.toContain('api ran');
    expect(starts(cli.stdout(), 'db')).toBe(1);
  });

  it('service_healthy on a service without a healthcheck is a config error', async () => {
    const { dir } = project(
      'services:\n  db: { command: "true" }\n  api:\n    command: "true"\n    depends_on: { db: { condition: service_healthy } }\n',
    );
    const cli = up(dir);
    expect(await cli.exited).toBe(2);
    expect(cli.stderr()).toContain('service "api" waits for "db" to be healthy, but "db" has no healthcheck');
  });
});

describe('compose keys the specification does not know', () => {
  it('validate -f exits 2 naming the line of each misspelt key, as docker compose refuses the file', async () => {
    const { dir } = project(
      'services:\n  web: { command: "true", restrat: always }\n  worker:\n    comand: "true"\n',
    );
    const cli = startCli(['validate', '-f', 'compose.yaml'], { cwd: dir });
    expect(await cli.exited).toBe(2);
    expect(cli.stderr()).toContain(
      "compose.yaml:2:27: services.web.restrat: unknown key 'restrat' (did you mean 'restart'?); docker compose refuses it too",
    );
    expect(cli.stderr()).toContain(
      "compose.yaml:4:5: services.worker.comand: unknown key 'comand' (did you mean 'command'?)",
    );
  });
});

describe('compose restart policies', () => {
  it('no, on-failure:2, on-failure after exit 0, always and unless-stopped: restart counts', async () => {
    const fail = node('process.exit(1)');
    const succeed = node('process.exit(0)');
    const { dir } = project(
      [
        'services:',
        `  never: { command: ${fail} }`,
        `  twice: { command: ${fail}, restart: "on-failure:2" }`,
        `  clean: { command: ${succeed}, restart: on-failure }`,
        `  forever: { command: ${succeed}, restart: always }`,
        `  unless: { command: ${fail}, restart: unless-stopped }`,
      ].join('\n'),
    );
    const cli = up(dir);
    // docker's delays: 100 ms, doubled each time: 4 restarts take 1.5 s.
    await cli.waitForOutput(/twice +\* failed/, 20_000);
    await waitFor(
      () => starts(cli.stdout(), 'forever') >= 4 && starts(cli.stdout(), 'unless') >= 4,
      `4 starts of forever and unless in:\n${cli.stdout()}`,
      { timeout: 20_000 },
    );
    const out = cli.stdout();
    expect(starts(out, 'never')).toBe(1);
    expect(starts(out, 'twice')).toBe(3);
    expect(starts(out, 'clean')).toBe(1);
    cli.signal('SIGINT');
    await cli.exited;
  });
});

describe('compose profiles', () => {
  it('a profiled service starts only when its profile is active (COMPOSE_PROFILES)', async () => {
    const { dir } = project(
      [
        'services:',
        `  web: { command: ${node("console.log('web ran')")} }`,
        `  tools: { command: ${node("console.log('tools ran')")}, profiles: [debug] }`,
      ].join('\n'),
    );
    const without = up(dir);
    expect(await without.exited).toBe(0);
    expect(without.stdout()).toContain('web ran');
    expect(without.stdout()).not.toContain('tools ran');
    const withProfile = up(dir, { COMPOSE_PROFILES: 'other,debug' });
    expect(await withProfile.exited).toBe(0);
    expect(withProfile.stdout()).toContain('tools ran');
  });
});

describe('compose stop and exit', () => {
  it('stop_signal reaches the process; up ends when all services have exited, 1 if one failed', async () => {
    const { dir, name } = project(
      [
        'services:',
        '  app:',
        `    command: ${node("process.on('SIGINT', () => { console.log('got SIGINT'); process.exit(0) }); console.log('up'); setInterval(() => {}, 1000)")}`,
        '    stop_signal: SIGINT',
      ].join('\n'),
    );
    const cli = up(dir);
    await cli.waitForOutput(/app +\| up/);
    cli.signal('SIGTERM');
    expect(await cli.exited).toBe(0);
    expect(cli.stdout()).toContain('| got SIGINT');
    expect(markedPids(name)).toEqual([]);

    const ends = project(
      `services:\n  a: { command: ${node('process.exit(0)')} }\n  b: { command: ${node('process.exit(4)')} }\n`,
    );
    const ended = up(ends.dir);
    expect(await ended.exited).toBe(1);
  });
});

describe("compose's up flags on a compose file", () => {
  const sleeper = node("console.log('up'); setInterval(() => {}, 1000)");

  it('--exit-code-from NAME: the code of NAME, everything stopped when it ends', async () => {
    const { dir, name } = project(
      `services:\n  web: { command: ${sleeper} }\n  test: { command: ${node('setTimeout(() => process.exit(4), 300)')} }\n`,
    );
    const cli = up(dir, {}, ['--exit-code-from', 'test']);
    expect(await cli.exited).toBe(4);
    expect(cli.stdout()).toMatch(/web +\* stopped/);
    expect(markedPids(name)).toEqual([]);
  });

  it('--abort-on-container-exit: the first service to end stops all, with its code (0 too)', async () => {
    const { dir, name } = project(
      `services:\n  web: { command: ${sleeper} }\n  once: { command: ${node('setTimeout(() => process.exit(0), 300)')} }\n`,
    );
    const cli = up(dir, {}, ['--abort-on-container-exit']);
    expect(await cli.exited).toBe(0);
    expect(cli.stdout()).toMatch(/web +\* stopped/);
    expect(markedPids(name)).toEqual([]);
  });

  it('--abort-on-container-failure: a clean exit passes, a failure stops all with its code', async () => {
    const { dir, name } = project(
      [
        'services:',
        `  web: { command: ${sleeper} }`,
        `  fine: { command: ${node('process.exit(0)')} }`,
        `  bad: { command: ${node('setTimeout(() => process.exit(5), 800)')} }`,
      ].join('\n'),
    );
    const cli = up(dir, {}, ['--abort-on-container-failure']);
    expect(await cli.exited).toBe(5);
    expect(cli.stdout()).toMatch(/fine +\* exited with code 0 \(completed\)/);
    expect(cli.stdout()).toMatch(/web +\* stopped/);
    expect(markedPids(name)).toEqual([]);
  });

  it('--wait returns once every service is started, and healthy where it has a healthcheck; unhealthy exits 1', async () => {
    const { dir, name } = project(
      [
        'services:',
        `  plain: { command: ${sleeper} }`,
        '  db:',
        `    command: ${node("setTimeout(() => require('fs').writeFileSync('ready', ''), 1500); setInterval(() => {}, 1000)")}`,
        '    healthcheck:',
        `      test: ${JSON.stringify(['CMD', NODE, '-e', "process.exit(require('fs').existsSync('ready') ? 0 : 1)"])}`,
        '      interval: 200ms',
        '      retries: 50',
      ].join('\n'),
    );
    const cli = up(dir, {}, ['--wait']);
    expect(await cli.exited).toBe(0);
    // Back only once the healthcheck passed: the file it waits for is there, and ps says healthy.
    expect(existsSync(join(dir, 'ready'))).toBe(true);
    expect(cli.stdout()).toMatch(/db +running +healthy/);
    expect(markedPids(name)).toHaveLength(2);
    const down = startCli(['down', '-f', 'compose.yaml'], { cwd: dir });
    expect(await down.exited).toBe(0);
    expect(markedPids(name)).toEqual([]);

    const sick = project(
      `services:\n  db:\n    command: ${sleeper}\n    healthcheck: { test: ["CMD-SHELL", "exit 1"], interval: 100ms, retries: 2 }\n`,
    );
    const failing = up(sick.dir, {}, ['--wait']);
    expect(await failing.exited).toBe(1);
    expect(failing.stdout()).toContain('db: unhealthy (--wait waits for healthy)');
    expect(await startCli(['down', '-f', 'compose.yaml'], { cwd: sick.dir }).exited).toBe(0);
    expect(markedPids(sick.name)).toEqual([]);
  });

  it('--profile NAME runs its services; a profiled service named on up runs without it', async () => {
    const { dir } = project(
      [
        'services:',
        `  web: { command: ${node("console.log('web ran')")} }`,
        `  tools: { command: ${node("console.log('tools ran')")}, profiles: [debug] }`,
      ].join('\n'),
    );
    const profiled = up(dir, {}, ['--profile', 'debug']);
    expect(await profiled.exited).toBe(0);
    expect(profiled.stdout()).toContain('tools ran');
    expect(profiled.stdout()).toContain('web ran');
    const named = up(dir, {}, ['tools']);
    expect(await named.exited).toBe(0);
    expect(named.stdout()).toContain('tools ran');
    expect(named.stdout()).not.toContain('web ran');
  });
});
