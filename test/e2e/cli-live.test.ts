import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiClient } from '../../src/supervisor/client.js';
import type { ProcessRow } from '../../src/supervisor/process-rows.js';
import { runCli, startCli } from '../helpers/cli.js';
import { isRunning, markedPids } from '../helpers/processes.js';
import { fixtureCommand, type TempProject, tempProject } from '../helpers/project.js';
import { endProjects, supervisorPid } from '../helpers/supervised.js';
import { waitFor } from '../helpers/wait-for.js';

/**
 * The CLI against a running (detached) supervisor: targets resolved by the supervisor, `logs -n 0`,
 * one `logs --json` shape, and `stop`/`down` saying what they wait for.
 */

const projects: TempProject[] = [];

function project(yaml: string): TempProject {
  const created = tempProject(yaml);
  projects.push(created);
  return created;
}

afterEach(() => endProjects(projects));

const rows = (p: TempProject): Promise<ProcessRow[]> =>
  new ApiClient(join(p.dir, '.ovrseer', 'ovrseer.sock')).get<ProcessRow[]>('/v1/processes');

const statusOf = async (p: TempProject): Promise<Record<string, string>> =>
  Object.fromEntries((await rows(p)).map((row) => [row.name, row.status]));

const pidOf = async (p: TempProject, name: string): Promise<number | null> =>
  (await rows(p)).find((row) => row.name === name)?.pid ?? null;

describe('targets are resolved by the running supervisor', () => {
  it('after scale, logs, stop and restart reach the new replicas; a missing one names those that exist', async () => {
    const p = project(`
name: "{{name}}"
processes:
  web: { command: ${fixtureCommand('log-ticker.mjs', 'web', 100_000, 100)} }
  echo: { command: ${fixtureCommand('sleeper.mjs')} }
`);
    expect((await runCli(['up', '-d'], { cwd: p.dir })).code).toBe(0);
    expect((await runCli(['scale', 'web=3', 'echo=2'], { cwd: p.dir })).code).toBe(0);

    await waitFor(async () => {
      const logs = await runCli(['logs', 'web.3', '-n', '5'], { cwd: p.dir });
      return logs.code === 0 && /web\.3 +\| web \d+/.test(logs.stdout);
    }, 'logs web.3 showing the new replica');
    const only3 = await runCli(['logs', 'web.3', '-n', 'all'], { cwd: p.dir });
    expect(only3.stdout).not.toMatch(/web\.[12] /);

    const follow = startCli(['logs', '-f', 'web.3', '-n', '1'], { cwd: p.dir });
    await follow.waitForOutput(/(web\.3 +\| web \d+\n[\s\S]*){2}/);
    follow.signal('SIGINT');
    expect(await follow.exited).toBe(0);
    expect(follow.stdout()).not.toMatch(/web\.[12] /);

    const missing = 'unknown process "web.4"; web has 3 instances now: web.1, web.2, web.3';
    for (const args of [
      ['logs', 'web.4'],
      ['logs', '-f', 'web.4'],
      ['stop', 'web.4'],
      ['restart', 'web.4'],
    ]) {
      const result = await runCli(args, { cwd: p.dir });
      expect({ args, code: result.code, stderr: result.stderr }).toEqual({
        args,
        code: 2,
        stderr: `ovrseer: ${missing}\n`,
      });
    }

    const stop = await runCli(['stop', 'web.3'], { cwd: p.dir });
    expect(stop.code).toBe(0);
    expect(await statusOf(p)).toMatchObject({ 'web.1': 'running', 'web.2': 'running', 'web.3': 'stopped' });
    const restart = await runCli(['restart', 'web.3'], { cwd: p.dir });
    expect(restart.code).toBe(0);
    expect(await statusOf(p)).toMatchObject({ 'web.3': 'running' });

    const echo2 = await pidOf(p, 'echo.2');
    const restartEcho = await runCli(['restart', 'echo.2'], { cwd: p.dir });
    expect(restartEcho.stderr).toBe('');
    expect(restartEcho.code).toBe(0);
    expect(await pidOf(p, 'echo.2')).not.toBe(echo2);

    // Every replica at once, by its name.
    expect((await runCli(['stop', 'web'], { cwd: p.dir })).code).toBe(0);
    expect(await statusOf(p)).toMatchObject({ 'web.1': 'stopped', 'web.2': 'stopped', 'web.3': 'stopped' });
    // And one replica alone.
    expect((await runCli(['start', 'web.2'], { cwd: p.dir })).code).toBe(0);
    expect(await statusOf(p)).toMatchObject({ 'web.1': 'stopped', 'web.2': 'running', 'web.3': 'stopped' });
  });

  it('name.1 names the only instance of a one-instance process', async () => {
    const p = project(`
name: "{{name}}"
processes:
  api: { command: ${fixtureCommand('log-ticker.mjs', 'api', 100_000, 100)} }
`);
    expect((await runCli(['up', '-d'], { cwd: p.dir })).code).toBe(0);
    const before = await pidOf(p, 'api');
    expect((await runCli(['restart', 'api.1'], { cwd: p.dir })).code).toBe(0);
    expect(await pidOf(p, 'api')).not.toBe(before);
    await waitFor(async () => {
      const logs = await runCli(['logs', 'api.1', '-n', '3'], { cwd: p.dir });
      return /api +\| api \d+/.test(logs.stdout);
    }, 'logs api.1');
    const two = await runCli(['stop', 'api.2'], { cwd: p.dir });
    expect(two.code).toBe(2);
    expect(two.stderr).toBe('ovrseer: unknown process "api.2"; api has 1 instance now: api\n');
  });
});

describe('logs -n', () => {
  it('-n 0 prints no earlier line, and with -f only the new ones; a bad -n is a usage error naming it', async () => {
    const p = project(`
name: "{{name}}"
processes:
  ticker: { command: ${fixtureCommand('log-ticker.mjs', 'ticker', 100_000, 100)} }
`);
    expect((await runCli(['up', '-d'], { cwd: p.dir })).code).toBe(0);
    const numbers = (text: string): number[] =>
      [...text.matchAll(/ticker +\| ticker (\d+)$/gm)].map((match) => Number(match[1]));
    await waitFor(async () => {
      return numbers((await runCli(['logs', '-n', '3'], { cwd: p.dir })).stdout).length >= 3;
    }, 'a few lines written');

    const none = await runCli(['logs', '-n', '0'], { cwd: p.dir });
    expect(none).toEqual({ code: 0, stdout: '', stderr: '' });

    const seen = numbers((await runCli(['logs', '-n', '1'], { cwd: p.dir })).stdout);
    const follow = startCli(['logs', '-f', '-n', '0'], { cwd: p.dir });
    await follow.waitForOutput(/(ticker +\| ticker \d+\n[\s\S]*){3}/);
    follow.signal('SIGINT');
    expect(await follow.exited).toBe(0);
    expect(follow.stderr()).toBe('');
    const followed = numbers(follow.stdout());
    expect(followed[0]).toBeGreaterThan(seen[0] ?? Number.POSITIVE_INFINITY);
    expect(followed).toEqual(followed.map((_, i) => (followed[0] ?? 0) + i));

    for (const value of ['-1', 'ten']) {
      for (const args of [
        ['logs', '-n', value],
        ['logs', '-f', '-n', value],
      ]) {
        const bad = await runCli(args, { cwd: p.dir });
        expect({ args, code: bad.code, stderr: bad.stderr }).toEqual({
          args,
          code: 2,
          stderr: `ovrseer: -n/--lines: expected a number of lines (0 or more) or "all", got "${value}"\n`,
        });
      }
    }
  });
});

describe('logs --json', () => {
  it('has the same shape followed from the supervisor, read from the files, and after down', async () => {
    const p = project(`
name: "{{name}}"
processes:
  mixed: { command: ${fixtureCommand('mixed-ticker.mjs', 'mixed', 100)} }
`);
    expect((await runCli(['up', '-d'], { cwd: p.dir })).code).toBe(0);
    const follow = startCli(['logs', '-f', '--json', '-n', '0'], { cwd: p.dir });
    await waitFor(() => follow.lines().length >= 6, 'six followed lines');
    follow.signal('SIGINT');
    expect(await follow.exited).toBe(0);
    const followed = follow.lines();
    const parsed = followed.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(parsed.some((line) => line.fields !== undefined)).toBe(true);
    expect(parsed.some((line) => line.fields === undefined)).toBe(true);
    for (const line of parsed) {
      expect(Object.keys(line)).toEqual(
        line.fields === undefined
          ? ['time', 'process', 'stream', 'level', 'text']
          : ['time', 'process', 'stream', 'level', 'text', 'fields'],
      );
    }

    // The same lines, byte for byte, from the log files: while it runs and once it is down.
    const fromFiles = async (): Promise<Set<string>> =>
      new Set((await runCli(['logs', '--json', '-n', 'all'], { cwd: p.dir })).stdout.split('\n'));
    await waitFor(
      async () => {
        const lines = await fromFiles();
        return followed.every((line) => lines.has(line));
      },
      `the followed lines in the files:\n${followed.join('\n')}`,
    );
    expect((await runCli(['down'], { cwd: p.dir })).code).toBe(0);
    const afterDown = await fromFiles();
    expect(followed.filter((line) => !afterDown.has(line))).toEqual([]);
  });
});

describe('stop and down say what they wait for', () => {
  it('names the process that ignores SIGTERM, the signal and when SIGKILL comes; down returns once it is gone', async () => {
    const p = project(`
name: "{{name}}"
processes:
  stubborn: { command: ${fixtureCommand('ignore-term.mjs')}, stop: { timeout: 3s } }
  quick: { command: ${fixtureCommand('sleeper.mjs')} }
`);
    expect((await runCli(['up', '-d'], { cwd: p.dir })).code).toBe(0);
    const handlerInstalled = async (): Promise<boolean> =>
      /stubborn pid/.test((await runCli(['logs', 'stubborn', '-n', 'all'], { cwd: p.dir })).stdout);
    await waitFor(handlerInstalled, 'stubborn ignoring SIGTERM');

    // Done within a second: nothing extra.
    const quick = await runCli(['stop', 'quick'], { cwd: p.dir });
    expect(quick.code).toBe(0);
    expect(quick.stderr).toBe('');

    const waiting = /^waiting for stubborn \(stopping: SIGTERM sent \d\.\ds ago; SIGKILL at 3s\)$/m;
    const stop = await runCli(['stop', 'stubborn'], { cwd: p.dir });
    expect(stop.code).toBe(0);
    expect(stop.stderr).toMatch(waiting);
    expect(stop.stdout).toMatch(/^stubborn\s+stopped/m);

    expect((await runCli(['start', 'stubborn'], { cwd: p.dir })).code).toBe(0);
    await waitFor(
      async () =>
        (
          (await runCli(['logs', 'stubborn', '-n', 'all'], { cwd: p.dir })).stdout.match(/stubborn pid/g) ??
          []
        ).length >= 2,
      'stubborn ignoring SIGTERM again',
    );
    const pid = supervisorPid(p);
    const down = await runCli(['down'], { cwd: p.dir });
    expect(down.code).toBe(0);
    expect(down.stdout).toBe('stopped\n');
    expect(down.stderr).toMatch(waiting);
    // Printed only once the supervisor process itself had ended.
    expect(pid !== null && isRunning(pid)).toBe(false);
    expect(markedPids(p.name)).toEqual([]);
  });
});
