import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { WhyAnswer } from '../../src/core/why.js';
import { ApiClient } from '../../src/supervisor/client.js';
import type { ProcessRow } from '../../src/supervisor/process-rows.js';
import type { LiveGraph } from '../../src/supervisor/why-answer.js';
import { runCli, startCli } from '../helpers/cli.js';
import { type TempProject, tempProject } from '../helpers/project.js';
import { endProjects } from '../helpers/supervised.js';
import { waitFor } from '../helpers/wait-for.js';

/** Issue 20, items 6 and 7: `ovrseer why`, `graph --timings`, and OS limits applied by prlimit. */

const projects: TempProject[] = [];

function project(yaml: string): TempProject {
  const created = tempProject(yaml);
  projects.push(created);
  return created;
}

afterEach(() => endProjects(projects));

const api = (p: TempProject): ApiClient => new ApiClient(join(p.dir, '.ovrseer', 'ovrseer.sock'));

async function whyJson(p: TempProject, name: string): Promise<WhyAnswer | null> {
  const run = await runCli(['why', name, '--json'], { cwd: p.dir });
  return run.code === 0 ? (JSON.parse(run.stdout) as WhyAnswer) : null;
}

describe('ovrseer why', () => {
  it('names the condition a pending process waits for, with since; then says it is not waiting', async () => {
    // db becomes ready only when the test creates `go`: until then api waits for db: ready.
    const p = project(`
name: "{{name}}"
processes:
  db:
    command: "while [ ! -f go ]; do sleep 0.05; done; echo db is ready; exec sleep 100"
    ready: { log: "db is ready", timeout: 60s }
  api:
    command: [sleep, "100"]
    depends_on: { db: { condition: ready } }
`);
    const up = startCli(['up', '--no-tui'], { cwd: p.dir });
    let answer: WhyAnswer | null = null;
    await waitFor(async () => {
      answer = await whyJson(p, 'api');
      return answer?.state === 'pending';
    }, 'why api answering: pending');
    const pending = answer as unknown as WhyAnswer;
    expect(pending.waiting).toBe(true);
    expect(pending.conditions).toHaveLength(1);
    const [gate] = pending.conditions;
    expect(gate).toMatchObject({ label: 'db: ready', dependency: 'db', state: 'waiting', until: null });
    expect(gate?.since).toBeGreaterThan(Date.now() - 60_000);
    // Followed down: db runs, its ready check has not passed.
    expect(gate?.blockedBy[0]).toMatchObject({ process: 'db', waiting: true });
    expect(gate?.blockedBy[0]?.conditions[0]).toMatchObject({ kind: 'readiness', state: 'waiting' });

    const human = await runCli(['why', 'api'], { cwd: p.dir });
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(
      /^api is pending since [\d.]+s: waiting for its dependencies\n└─ db: ready: waiting since [\d.]+s\n/,
    );
    expect(human.stdout).toMatch(/ready check \(log \/db is ready\/\): waiting since/);

    p.write('go', '');
    await waitFor(async () => (await whyJson(p, 'api'))?.state === 'running', 'api running once db is ready');
    const ready = await runCli(['why', 'api'], { cwd: p.dir });
    expect(ready.stdout).toMatch(/^api is running since [\d.]+s: not waiting/);

    // graph --timings: the critical chain, each gate with how long it took.
    const timings = await runCli(['graph', '--timings'], { cwd: p.dir });
    expect(timings.code).toBe(0);
    expect(timings.stdout).toMatch(/^api @[\d.]+s \+[\d.]+s — waited [\d.]+s for db: ready$/m);
    expect(timings.stdout).toMatch(/^└─ db @[\d.]+s \+[\d.]+s$/m);
    // The API keeps `graph --json`'s edges and adds the timings beside them.
    const graph = await api(p).get<LiveGraph>('/v1/graph');
    expect(graph.edges).toEqual([['api', 'db']]);
    expect(graph.edgeTimings).toEqual([
      expect.objectContaining({ from: 'api', to: 'db', condition: 'ready', state: 'met' }),
    ]);
    expect(graph.edgeTimings[0]?.waitedMs).toBeGreaterThan(0);

    up.signal('SIGINT');
    expect(await up.exited).toBe(0);
  });

  it('for a failed process names the first cause down the chain and its crash report', async () => {
    const p = project(`
name: "{{name}}"
processes:
  db:
    command: "echo cannot open data dir; exit 3"
    ready: { log: "never printed", timeout: 30s }
    restart: "no"
  api:
    command: [sleep, "100"]
    depends_on: { db: { condition: ready } }
  web:
    command: [sleep, "100"]
    depends_on: { api: { condition: started } }
`);
    await runCli(['up', '-d'], { cwd: p.dir });
    let answer: WhyAnswer | null = null;
    await waitFor(async () => {
      answer = await whyJson(p, 'web');
      return answer?.state === 'failed' && answer.firstCause?.reportId != null;
    }, 'web failed, with the first cause and its report');
    const failed = answer as unknown as WhyAnswer;
    expect(failed.firstCause).toMatchObject({
      process: 'db',
      reason: expect.stringMatching(/exit(ed with)? code 3/),
    });
    const human = await runCli(['why', 'web'], { cwd: p.dir });
    expect(human.stdout).toMatch(/^web is failed since [\d.]+s: dependency api /);
    expect(human.stdout).toContain(`first cause: db `);
    expect(human.stdout).toContain(`(crash report: ovrseer reports ${failed.firstCause?.reportId})`);
    const report = await runCli(['reports', String(failed.firstCause?.reportId), '--json'], { cwd: p.dir });
    expect(JSON.parse(report.stdout)).toMatchObject({ process: 'db' });
  });
});

describe('limits: OS resource limits', () => {
  it('are in /proc/<pid>/limits of the program itself (prlimit execs it)', async () => {
    const p = project(`
name: "{{name}}"
processes:
  lim:
    command: [sleep, "100"]
    limits: { nofile: { soft: 1234, hard: 2345 }, core: unlimited, nproc: 4321 }
`);
    expect((await runCli(['up', '-d'], { cwd: p.dir })).code).toBe(0);
    const rows = await api(p).get<ProcessRow[]>('/v1/processes');
    const pid = rows.find((row) => row.name === 'lim')?.pid;
    if (pid == null) throw new Error('lim has no pid');
    expect(readFileSync(`/proc/${pid}/comm`, 'utf8').trim()).toBe('sleep');
    const limits = readFileSync(`/proc/${pid}/limits`, 'utf8');
    expect(limits).toMatch(/^Max open files\s+1234\s+2345\s+files/m);
    expect(limits).toMatch(/^Max core file size\s+unlimited\s+unlimited\s+bytes/m);
    expect(limits).toMatch(/^Max processes\s+4321\s+4321\s+processes/m);
  });

  it('one that cannot be applied fails the start naming the limit and the maximum; validate warns', async () => {
    const nrOpen = Number(readFileSync('/proc/sys/fs/nr_open', 'utf8').trim());
    const p = project(`
name: "{{name}}"
processes:
  bad:
    command: [sleep, "100"]
    limits: { nofile: ${nrOpen + 1} }
`);
    const message = `limits.nofile: ${nrOpen + 1} is above the kernel's maximum of open files (fs.nr_open = ${nrOpen}); the maximum is ${nrOpen}`;
    const validate = await runCli(['validate'], { cwd: p.dir });
    expect(validate.stderr).toContain(`processes.bad.${message} (it will fail to start)`);
    expect((await runCli(['up', '-d'], { cwd: p.dir })).code).toBe(1);
    const rows = await api(p).get<ProcessRow[]>('/v1/processes');
    expect(rows.find((row) => row.name === 'bad')).toMatchObject({
      status: 'failed',
      reason: message,
      pid: null,
    });
  });
});
