import { afterEach, describe, expect, it } from 'vitest';
import { killStrayClis, runCli } from '../helpers/cli.js';
import { killMarked, markedPids } from '../helpers/processes.js';
import { fixtureCommand, type TempProject, tempProject } from '../helpers/project.js';

const projects: TempProject[] = [];

function project(yaml: string): TempProject {
  const created = tempProject(yaml);
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

interface Listed {
  id: string;
  process: string;
  type: string;
  reason: string;
  exitCode: number | null;
}

/** `ovrseer reports --json`, oldest first. */
async function reports(p: TempProject): Promise<Listed[]> {
  const listed = await runCli(['reports', '--json'], { cwd: p.dir });
  expect(listed.code).toBe(0);
  return (JSON.parse(listed.stdout) as Listed[]).reverse();
}

describe('retry budget (issue 15, item 5)', () => {
  it('runs that outlast min_uptime but keep failing stop at max_retries, with a report per crash', async () => {
    const p = project(`
name: "{{name}}"
processes:
  worker:
    command: ${fixtureCommand('exit-with.mjs', 3, 1200)}
    restart: { policy: on-failure, max_retries: 2, delay: 100ms, min_uptime: 500ms }
`);
    const up = await runCli(['up'], { cwd: p.dir });
    expect(up.code).toBe(1);
    // Each run lasted min_uptime, so the delay stays at its base (backoff 2 would make it 200ms)…
    const restarts = up.stdout.match(/worker +\* restarting: restart \d in \d+ms/g) ?? [];
    expect(restarts.map((line) => line.replace(/^worker +\* restarting: /, ''))).toEqual([
      'restart 1 in 100ms',
      'restart 2 in 100ms',
    ]);
    // …but the count went on, and the third crash is the last.
    expect(up.stdout).toMatch(/worker +\* failed: gave up after 2 restarts; last run exited with code 3/);
    expect(up.stdout.match(/exiting with 3 in 1200ms/g)).toHaveLength(3);

    const list = await reports(p);
    expect(list.map((report) => [report.process, report.type, report.exitCode])).toEqual([
      ['worker', 'crash', 3],
      ['worker', 'crash', 3],
      ['worker', 'maxRetriesExceeded', 3],
    ]);
    expect(list[2]?.reason).toBe('gave up after 2 restarts; last run exited with code 3');
    const last = await runCli(['reports', list[2]?.id ?? '?'], { cwd: p.dir });
    expect(last.stdout).toMatch(/restart history \(3\)/);
    expect(markedPids(p.name)).toEqual([]);
  });

  it('a run that became ready gives back the budget; the crash-loop breaker still counts it', async () => {
    // Ready at once, then exit 3 after 700 ms: past min_uptime, never past reset_after.
    const p = project(`
name: "{{name}}"
processes:
  api:
    command: ${fixtureCommand('exit-with.mjs', 3, 700)}
    ready: { log: "exiting with", timeout: 10s }
    restart:
      policy: on-failure
      max_retries: 1
      delay: 100ms
      min_uptime: 500ms
      crash_loop: { max_crashes: 4, window: 1m }
`);
    const up = await runCli(['up'], { cwd: p.dir });
    expect(up.code).toBe(1);
    // max_retries 1 alone would have stopped it after one restart: each ready gave the budget back.
    expect(up.stdout.match(/api +\* restarting: restart 1 in 100ms/g)).toHaveLength(3);
    expect(up.stdout).not.toContain('restart 2');
    expect(up.stdout).toMatch(
      /api +\* failed: crash loop: crashed 4 times in [\d.]+s \(crash_loop: max_crashes 4 within 1m\); last run exited with code 3/,
    );
    const list = await reports(p);
    expect(list.map((report) => report.type)).toEqual(['crash', 'crash', 'crash', 'maxRetriesExceeded']);
    expect(markedPids(p.name)).toEqual([]);
  });

  it('a readiness timeout files a readyTimeout report that `ovrseer reports` shows', async () => {
    const p = project(`
name: "{{name}}"
processes:
  slow:
    command: ${fixtureCommand('sleeper.mjs')}
    ready: { log: "never printed", timeout: 500ms }
`);
    const up = await runCli(['up'], { cwd: p.dir });
    expect(up.code).toBe(1);
    expect(up.stdout).toMatch(/slow +\* failed: ready check timed out after 500ms/);
    const list = await reports(p);
    expect(list.map((report) => [report.process, report.type])).toEqual([['slow', 'readyTimeout']]);
    expect(list[0]?.reason).toMatch(
      /^ready check timed out after 500ms \(log .*\); last output: sleeping pid \d+/,
    );

    const table = await runCli(['reports'], { cwd: p.dir });
    expect(table.stdout).toMatch(
      / slow +readyTimeout +\d{4}-\d\d-\d\d \d\d:\d\d:\d\d +ready check timed out/,
    );
    const one = await runCli(['reports', list[0]?.id ?? '?'], { cwd: p.dir });
    expect(one.stdout).toMatch(/type +readyTimeout\n/);
    expect(one.stdout).toMatch(/\| sleeping pid \d+/);
    expect(one.stdout).toMatch(/context\n {2}probe: "log .*"\n {2}timeout: 500\n/);
    const filtered = await runCli(['reports', '--json', '--type', 'readyTimeout'], { cwd: p.dir });
    expect(JSON.parse(filtered.stdout)).toHaveLength(1);
    expect(markedPids(p.name)).toEqual([]);
  });
});
