import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiClient } from '../../src/supervisor/client.js';
import type { ProcessRow } from '../../src/supervisor/process-rows.js';
import { runCli, startCli } from '../helpers/cli.js';
import { isRunning, markedPids } from '../helpers/processes.js';
import { FIXTURES, fixtureCommand, NODE, type TempProject, tempProject } from '../helpers/project.js';
import { endProjects, supervisorPid } from '../helpers/supervised.js';
import { waitFor } from '../helpers/wait-for.js';

// Issue 15: the supervisor under its own faults, big fleets and long runs.

const projects: TempProject[] = [];

function project(yaml: string): TempProject {
  const created = tempProject(yaml);
  projects.push(created);
  return created;
}

// A thousand processes on a loaded machine take a while to stop: the net gets time enough to end them
// all, so a failed test cannot leave the next one sharing the machine with its leftovers.
afterEach(() => endProjects(projects), 180_000);

const supervisorLog = (p: TempProject): string =>
  readFileSync(join(p.dir, '.ovrseer', 'ovrseer.log'), 'utf8');

describe('an error nothing caught', () => {
  for (const kind of ['exception', 'rejection']) {
    it(`an uncaught ${kind} stops everything (cleanup included), is logged, and exits 1`, async () => {
      const p = project(`
name: "{{name}}"
plugins: [{ module: ${JSON.stringify(join(FIXTURES, 'faulty-plugin.mjs'))}, options: { kind: ${kind} } }]
processes:
  api: { command: sleep 600 }
  escapee: { command: ${fixtureCommand('escapee.mjs')}, stop: { timeout: 1s } }
  tidy: { type: cleanup, command: touch cleaned }
`);
      const result = await runCli(['up', '--no-tui'], { cwd: p.dir });
      expect(result.code).toBe(1);
      expect(result.stdout).toMatch(/fatal: (uncaught exception|unhandled promise rejection): faulty plugin/);
      expect(markedPids(p.name)).toEqual([]);
      expect(existsSync(join(p.dir, 'cleaned'))).toBe(true);
      const log = supervisorLog(p);
      expect(log).toContain('faulty-plugin.mjs');
      expect(log).toMatch(/stopped everything in \d+ms/);
    });
  }

  it('a detached supervisor does the same, and its log says why', async () => {
    // Long after `up -d` has seen start-up through.
    const p = project(`
name: "{{name}}"
plugins: [{ module: ${JSON.stringify(join(FIXTURES, 'faulty-plugin.mjs'))}, options: { kind: exception, delay: 3000 } }]
processes:
  api: { command: sleep 600 }
`);
    const up = await runCli(['up', '-d'], { cwd: p.dir });
    expect(up.code).toBe(0);
    const pid = supervisorPid(p) as number;
    await waitFor(() => !isRunning(pid), 'the supervisor to stop after its fatal error', { timeout: 20_000 });
    expect(markedPids(p.name)).toEqual([]);
    expect(supervisorLog(p)).toMatch(/fatal: uncaught exception: faulty plugin[\s\S]*stopped everything/);
  });
});

describe('up -d', () => {
  it('starts 1,000 processes, answering pings all along, and stops them all', async () => {
    const count = 1000;
    const processes = Array.from({ length: count }, (_, i) => `  p${i}: { command: sleep 600 }`).join('\n');
    const p = project(
      `name: "{{name}}"\nsettings: { limits: { max_processes: ${count} } }\nprocesses:\n${processes}\n`,
    );
    const socket = new ApiClient(join(p.dir, '.ovrseer', 'ovrseer.sock'));
    let slowest = 0;
    let polling = true;
    const poller = (async () => {
      while (polling) {
        if (existsSync(join(p.dir, '.ovrseer', 'ovrseer.sock'))) {
          const started = Date.now();
          // A supervisor busy spawning for a second or more at a time fails this ping.
          await socket.get<ProcessRow[]>('/v1/processes', 1000).catch((error: Error) => {
            if (!/ENOENT|ECONNREFUSED|no supervisor/.test(error.message)) throw error;
          });
          slowest = Math.max(slowest, Date.now() - started);
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();
    const up = await runCli(['up', '-d'], { cwd: p.dir });
    polling = false;
    await poller;
    expect(up.stderr).toBe('');
    expect(up.code).toBe(0);
    const rows = await socket.get<ProcessRow[]>('/v1/processes');
    expect(rows.filter((row) => row.status === 'running')).toHaveLength(count);
    expect(slowest).toBeLessThan(1000);
    const down = await runCli(['down'], { cwd: p.dir });
    // The whole result: a failure says why.
    expect({ code: down.code, stderr: down.stderr }).toEqual({ code: 0, stderr: expect.any(String) });
    expect(down.stdout).toMatch(/stopped/);
    expect(markedPids(p.name)).toEqual([]);
  }, 180_000);

  it('Ctrl-C while hundreds are still starting spawns nothing more, and stops what runs', async () => {
    const count = 400;
    const processes = Array.from({ length: count }, (_, i) => `  p${i}: { command: sleep 600 }`).join('\n');
    const p = project(
      `name: "{{name}}"\nsettings: { limits: { max_processes: ${count} } }\nprocesses:\n${processes}\n`,
    );
    const up = startCli(['up', '--no-tui'], { cwd: p.dir });
    await waitFor(() => markedPids(p.name).length >= 20, 'the first processes to run', { timeout: 20_000 });
    up.signal('SIGINT');
    expect(await up.exited).toBe(0);
    expect(markedPids(p.name)).toEqual([]);
    const afterSignal = supervisorLog(p).split('SIGINT received')[1] ?? '';
    // Queued starts were cancelled: none went on to spawn once the shutdown had begun.
    expect(afterSignal).not.toMatch(/ starting: /);
  }, 60_000);

  it('exits 1 and says which processes failed and why, as the foreground up does', async () => {
    const p = project(`
name: "{{name}}"
processes:
  good: { command: sleep 600 }
  missing: { command: ./no-such-program }
  crasher: { command: ${fixtureCommand('exit-with.mjs', 3)} }
`);
    const up = await runCli(['up', '-d'], { cwd: p.dir });
    expect(up.code).toBe(1);
    expect(up.stdout).toMatch(/2 of 3 failed to start/);
    expect(up.stdout).toMatch(/missing: command not found: \.\/no-such-program/);
    expect(up.stdout).toMatch(/crasher: exited with code 3/);
  });

  it('returns for a crash loop under restart: always, exit 1 naming it, instead of waiting for ever', async () => {
    const p = project(`
name: "{{name}}"
processes:
  good: { command: sleep 600 }
  looping: { command: ${fixtureCommand('exit-with.mjs', 1)}, restart: { policy: always, delay: 20ms, backoff: 1, crash_loop: false } }
`);
    const up = await runCli(['up', '-d'], { cwd: p.dir });
    expect(up.code).toBe(1);
    expect(up.stdout).toMatch(/1 of 2 failed to start/);
    expect(up.stdout).toMatch(/looping: crashed and restarted \d+ times since `up`/);
    const down = await runCli(['down'], { cwd: p.dir });
    expect(down.code).toBe(0);
    expect(markedPids(p.name)).toEqual([]);
  });

  it('repeats -f FILE in its hints, which then work from that directory', async () => {
    const p = project(`name: "{{name}}"\nprocesses:\n  api: { command: sleep 600 }\n`);
    const up = await runCli(['up', '-d', '-f', join(p.dir, 'ovrseer.yml')], { cwd: FIXTURES });
    expect(up.code).toBe(0);
    const hint = /stop: (ovrseer down -f \S+)/.exec(up.stdout)?.[1];
    expect(hint).toBe(`ovrseer down -f ${join(p.dir, 'ovrseer.yml')}`);
    const down = await runCli(hint?.split(' ').slice(1) ?? [], { cwd: FIXTURES });
    expect(down.code).toBe(0);
    expect(markedPids(p.name)).toEqual([]);
  });

  it('does not read ovrseer.log to find its end, nor wait for it to be gzipped: a 16 GB log from earlier runs costs nothing', async () => {
    const p = project(`name: "{{name}}"\nprocesses:\n  api: { command: sleep 600 }\n`);
    const state = join(p.dir, '.ovrseer');
    const log = join(state, 'ovrseer.log');
    mkdirSync(state, { mode: 0o700 });
    writeFileSync(log, '');
    // Sparse: 16 GiB long, no disk used. Reading it whole would take seconds and crash past 2 GiB;
    // gzipping it (it is rotated at once) takes a minute, which `down` must not wait for.
    truncateSync(log, 16 * 1024 ** 3);
    const up = await runCli(['up', '-d'], { cwd: p.dir });
    expect(up.stderr).toBe('');
    expect(up.code).toBe(0);
    const started = Date.now();
    const down = await runCli(['down'], { cwd: p.dir });
    expect({ code: down.code, stderr: down.stderr }).toEqual({ code: 0, stderr: expect.any(String) });
    expect(Date.now() - started).toBeLessThan(20_000);
    // The rotated file is kept plain, for the next start to compress; no half-written archive.
    const left = readdirSync(state);
    expect(left).toContain('ovrseer.log.1');
    expect(left.filter((name) => name.includes('.tmp-'))).toEqual([]);
  });
});

describe('up NAME', () => {
  it('says how many of the processes it starts: the named ones and their dependencies', async () => {
    const p = project(`
name: "{{name}}"
processes:
  db: { type: dependency, command: ${fixtureCommand('exit-with.mjs', 0)} }
  api: { command: ${fixtureCommand('exit-with.mjs', 0)}, depends_on: { db: { condition: completed } } }
  web: { command: sleep 600 }
  worker: { command: sleep 600 }
  tidy: { type: cleanup, command: "true" }
`);
    const up = await runCli(['up', '--no-tui', 'api'], { cwd: p.dir });
    expect(up.code).toBe(0);
    expect(up.stdout).toMatch(/starting \S+ \(2 of 4 processes\)/);
  });
});

describe("the supervisor's own log", () => {
  it("holds its own events, never the children's output", async () => {
    const p = project(`
name: "{{name}}"
processes:
  chatty: { command: ${fixtureCommand('log-flood.mjs', 200_000, 40)} }
  crasher: { command: ${fixtureCommand('exit-with.mjs', 3)}, restart: { policy: on-failure, max_retries: 1, delay: 100ms } }
`);
    const up = startCli(['up', '--no-tui'], { cwd: p.dir });
    await waitFor(() => /crasher .*failed: gave up/.test(up.stdout()), 'the crasher to give up', {
      timeout: 20_000,
    });
    await waitFor(() => /chatty .*completed/.test(up.stdout()), 'the flood to end', { timeout: 20_000 });
    // Nothing is left running: the foreground up ends by itself, with 1 for the process that failed.
    expect(await up.exited).toBe(1);
    const log = supervisorLog(p);
    expect(log).not.toMatch(/line \d+x/);
    expect(log).toMatch(/crasher system error \| failed: gave up after 1 restart/);
    expect(log).toMatch(/ovrseer system info \| no process left running: shutting down/);
    // Every child line is in its own file instead.
    expect(readFileSync(join(p.dir, '.ovrseer', 'logs', 'chatty.log'), 'utf8')).toContain('line 200000x');
  });
});

describe('the library', () => {
  it('holds nothing on the event loop once shutdown() resolves', async () => {
    const p = project(`
name: "{{name}}"
settings: { shutdown_timeout: 30s }
processes:
  api: { command: sleep 600 }
  ticker: { command: ${fixtureCommand('log-ticker.mjs', 'tick', 100_000, 50)}, ready: { log: tick }, health: { exec: "true", interval: 1s } }
`);
    const index = new URL('../../dist/index.js', import.meta.url).href;
    const script = `
      import { loadProject, ProcessManager, Supervisor } from ${JSON.stringify(index)};
      const spec = loadProject({ cwd: ${JSON.stringify(p.dir)} });
      const manager = new ProcessManager(spec);
      await manager.start();
      await manager.shutdown();
      const supervisor = await Supervisor.open(spec);
      await supervisor.start();
      await supervisor.shutdown();
      console.log('shut down at ' + Date.now());
    `;
    const child = spawn(NODE, ['--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    const exitedAt = Date.now();
    expect(code).toBe(0);
    const shutDownAt = Number(/shut down at (\d+)/.exec(out)?.[1]);
    // A leftover stop timer would hold the process for the 30 s stop timeout.
    expect(exitedAt - shutDownAt).toBeLessThan(10_000);
    expect(markedPids(p.name)).toEqual([]);
  });
});
