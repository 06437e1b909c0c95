import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadProject } from '../../src/config/load.js';
import type { LogLineEvent, LogOutputEvent, StateChangeEvent } from '../../src/core/events.js';
import { ProcessManager } from '../../src/core/process-manager.js';
import { cleanupHarnesses, type Harness, harness } from '../helpers/harness.js';
import { isRunning, markedPids, pidsIn } from '../helpers/processes.js';
import { fixtureCommand, NODE } from '../helpers/project.js';
import { waitFor } from '../helpers/wait-for.js';

afterEach(cleanupHarnesses);

const run = harness;

function stateOf(h: Harness, id: string): string | undefined {
  return h.stateOf(id);
}

describe('stopping leaves nothing behind', () => {
  it('ends a three-level process tree', async () => {
    const h = run(`
name: "{{name}}"
processes:
  tree: { command: ${fixtureCommand('tree.mjs')} }
`);
    await h.manager.start();
    await waitFor(() => pidsIn(h.lines('tree')).length === 3, 'three pids printed');
    const pids = pidsIn(h.lines('tree'));
    expect(pids.every(isRunning)).toBe(true);
    const result = await h.manager.shutdown();
    expect(result.ok).toBe(true);
    expect(pids.filter(isRunning)).toEqual([]);
    expect(stateOf(h, 'tree')).toBe('stopped');
  });

  it('SIGKILLs a child that ignores SIGTERM once the stop timeout has passed', async () => {
    const h = run(`
name: "{{name}}"
processes:
  stubborn:
    command: ${fixtureCommand('ignore-term.mjs')}
    stop: { signal: SIGTERM, timeout: 1s }
`);
    await h.manager.start();
    await waitFor(() => pidsIn(h.lines('stubborn')).length === 1, 'pid printed');
    const [pid] = pidsIn(h.lines('stubborn'));
    const started = Date.now();
    await h.manager.stop(['stubborn']);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(h.lines('stubborn')).toContain('got SIGTERM, ignoring it');
    expect(isRunning(pid as number)).toBe(false);
    const final = h.states.at(-1);
    expect(final?.to).toBe('stopped');
    expect(final?.signal).toBe('SIGKILL');
  });

  it('finds and ends a setsid escapee and a double-forked daemon', async () => {
    const h = run(`
name: "{{name}}"
processes:
  forker:
    command: ${fixtureCommand('escapee.mjs')}
    stop: { timeout: 1s }
`);
    await h.manager.start();
    await waitFor(() => pidsIn(h.lines('forker')).length === 3, 'parent, escapee and daemon pids');
    const pids = pidsIn(h.lines('forker'));
    expect(pids.every(isRunning)).toBe(true);
    await h.manager.shutdown();
    expect(pids.filter(isRunning)).toEqual([]);
    expect(markedPids(h.project.name)).toEqual([]);
  });

  it('stops a stopped-by-request process without restarting it, whatever its policy', async () => {
    const h = run(`
name: "{{name}}"
processes:
  always: { command: ${fixtureCommand('sleeper.mjs')}, restart: always }
`);
    await h.manager.start();
    await h.manager.stop(['always']);
    expect(stateOf(h, 'always')).toBe('stopped');
    expect(h.states.some((event) => event.to === 'backoff')).toBe(false);
  });
});

describe('output', () => {
  it('keeps a last line that has no trailing newline', async () => {
    const h = run(`
name: "{{name}}"
processes:
  printer: { command: ${fixtureCommand('no-newline.mjs')} }
`);
    await h.manager.start();
    await waitFor(() => stateOf(h, 'printer') === 'completed', 'printer completed');
    expect(h.lines('printer')).toEqual(['first line', 'last line without newline']);
  });

  it('on("log") gives one event per line when a child prints several lines in one write', async () => {
    // One write per stream, well under PIPE_BUF: each arrives as one chunk, so as one output batch.
    const script = [
      "process.stdout.write('one\\ntwo\\r\\nthree\\n\\nfünf ü\\n');",
      "process.stderr.write('ERROR a\\nerr b\\n');",
    ].join(' ');
    const h = run(`
name: "{{name}}"
processes:
  burst: { command: ${JSON.stringify([NODE, '-e', script])} }
`);
    const logs: LogLineEvent[] = [];
    const outputs: LogOutputEvent[] = [];
    const seenByThrower: string[] = [];
    h.manager.on('log', (event) => logs.push(event));
    h.manager.on('output', (event) => outputs.push(event));
    // A listener that throws on one line still gets the others; its error is reported, not fatal.
    h.manager.on('log', (event) => {
      seenByThrower.push(event.text);
      if (event.text === 'two') throw new Error('listener failed on two');
    });
    await h.manager.start();
    await waitFor(() => stateOf(h, 'burst') === 'completed', 'burst completed');
    const ofStream = (stream: string): string[] =>
      logs.filter((event) => event.stream === stream).map((event) => event.text);
    expect(ofStream('out')).toEqual(['one', 'two', 'three', '', 'fünf ü']);
    expect(ofStream('err')).toEqual(['ERROR a', 'err b']);
    // Every `log` listener sees the same events: the harness's, registered first, too.
    expect(h.lines('burst')).toEqual(logs.map((event) => event.text));
    for (const event of logs.filter((e) => e.stream !== 'system')) {
      expect(event).toMatchObject({ process: 'burst', name: 'burst', instance: null });
      expect(typeof event.time).toBe('number');
    }
    // The log events are the output batches' lines one by one, in order, with each batch's time.
    const childOutputs = outputs.filter((event) => event.stream !== 'system');
    expect(childOutputs.flatMap((event) => event.lines.texts())).toEqual(
      logs.filter((event) => event.stream !== 'system').map((event) => event.text),
    );
    expect(
      childOutputs.flatMap((event) =>
        Array.from({ length: event.lines.count }, () => `${event.stream}@${event.time}`),
      ),
    ).toEqual(
      logs.filter((event) => event.stream !== 'system').map((event) => `${event.stream}@${event.time}`),
    );
    // Several lines came in one batch, and still as one event each.
    expect(childOutputs.some((event) => event.lines.count > 1)).toBe(true);
    expect(logs.length).toBeGreaterThan(outputs.length);
    expect(seenByThrower).toEqual(logs.map((event) => event.text));
    expect(h.errors.filter((message) => message.includes('listener failed on two'))).toHaveLength(1);
    const result = await h.manager.shutdown();
    expect(result.ok).toBe(true);
  });
});

describe('tiers and readiness', () => {
  it('starts main processes only after the dependency is ready', async () => {
    const h = run(`
name: "{{name}}"
processes:
  db:
    type: dependency
    command: ${fixtureCommand('ready-after.mjs', 400)}
    ready: { log: "ready to accept", timeout: 10s }
  api: { command: ${fixtureCommand('sleeper.mjs')} }
`);
    await h.manager.start();
    const dbReady = h.states.find((event) => event.process === 'db' && event.to === 'ready');
    const apiStarting = h.states.find((event) => event.process === 'api' && event.to === 'starting');
    expect(dbReady).toBeDefined();
    expect(apiStarting).toBeDefined();
    expect(h.states.indexOf(apiStarting as StateChangeEvent)).toBeGreaterThan(
      h.states.indexOf(dbReady as StateChangeEvent),
    );
    expect(stateOf(h, 'api')).toBe('running');
  });

  it('fails dependents with the reason when a dependency exits', async () => {
    const h = run(`
name: "{{name}}"
processes:
  db:
    type: dependency
    command: ${fixtureCommand('exit-with.mjs', 3)}
    ready: { log: "never printed", timeout: 10s }
  api: { command: ${fixtureCommand('sleeper.mjs')} }
`);
    await h.manager.start();
    expect(stateOf(h, 'db')).toBe('crashed');
    expect(stateOf(h, 'api')).toBe('failed');
    const reason = h.manager.get('api')?.reason ?? '';
    expect(reason).toContain('dependency db');
    expect(reason).toContain('exited with code 3');
  });

  it('fails a process whose ready check times out, naming the check and quoting its output', async () => {
    const h = run(`
name: "{{name}}"
processes:
  db:
    type: dependency
    command: ${fixtureCommand('ready-after.mjs', 60000)}
    ready: { log: "ready to accept", timeout: 1s }
  api: { command: ${fixtureCommand('sleeper.mjs')} }
`);
    await h.manager.start();
    const db = h.manager.get('db');
    expect(db?.state).toBe('failed');
    expect(db?.reason).toMatch(
      /ready check timed out after 1s \(log \/ready to accept\/: .*\); last output: warming up/,
    );
    expect(stateOf(h, 'api')).toBe('failed');
    expect(h.manager.get('api')?.reason).toContain('dependency db failed: ready check timed out');
    expect(markedPids(h.project.name)).toEqual([]);
  });

  it('runs cleanup processes on shutdown after a failed start', async () => {
    const marker = 'cleanup.txt';
    const h = run(`
name: "{{name}}"
processes:
  db:
    type: dependency
    command: ${fixtureCommand('exit-with.mjs', 1)}
    ready: { log: "never", timeout: 5s }
  api: { command: ${fixtureCommand('sleeper.mjs')} }
  tidy:
    type: cleanup
    command: ${fixtureCommand('append.mjs', marker, 'cleanup ran')}
`);
    await h.manager.start();
    expect(stateOf(h, 'api')).toBe('failed');
    expect(stateOf(h, 'tidy')).toBe('stopped');
    const result = await h.manager.shutdown();
    expect(stateOf(h, 'tidy')).toBe('completed');
    expect(result.ok).toBe(true);
    expect(readFileSync(join(h.project.dir, marker), 'utf8')).toBe('cleanup ran\n');
  });
});

describe('commands', () => {
  it('execs a plain shell command directly, and keeps sh for anything the shell must interpret', async () => {
    const h = run(`
name: "{{name}}"
processes:
  plain: { command: "sleep 30" }
  scripted: { command: "sleep 30; true" }
`);
    await h.manager.start();
    const comm = (id: string): string => readFileSync(`/proc/${h.manager.get(id)?.pid}/comm`, 'utf8').trim();
    expect(comm('plain')).toBe('sleep');
    expect(comm('scripted')).not.toBe('sleep');
    // One process for the plain command; the shell and its sleep for the other.
    await waitFor(() => markedPids(h.project.name).length === 3, 'three processes of the project');
    const result = await h.manager.shutdown();
    expect(result.ok).toBe(true);
    expect(markedPids(h.project.name)).toEqual([]);
  });

  it('names a plain shell command that does not exist', async () => {
    const h = run(`
name: "{{name}}"
processes:
  api: { command: "definitely-not-a-command-xyz --flag" }
`);
    await h.manager.start();
    expect(stateOf(h, 'api')).toBe('failed');
    expect(h.manager.get('api')?.reason).toContain('command not found: definitely-not-a-command-xyz');
  });
});

describe('scaling', () => {
  it('finds instances by id after scaling up (renaming the single one) and down', async () => {
    const h = run(`
name: "{{name}}"
processes:
  worker: { command: "sleep 30" }
`);
    await h.manager.start();
    const ids = (): string[] => h.manager.instances().map((instance) => instance.id);
    expect(h.manager.get('worker')?.pid).not.toBeNull();
    await h.manager.scale('worker', 3);
    expect(ids()).toEqual(['worker.1', 'worker.2', 'worker.3']);
    expect(h.manager.get('worker')).toBeUndefined();
    expect(h.manager.get('worker.3')?.state).toBe('running');
    await h.manager.scale('worker', 1);
    expect(ids()).toEqual(['worker.1']);
    expect(h.manager.get('worker.2')).toBeUndefined();
    expect((await h.manager.shutdown()).ok).toBe(true);
  });
});

describe('failures are explained', () => {
  it('reports a missing working directory by its path', async () => {
    const h = run(`
name: "{{name}}"
processes:
  api: { command: ${fixtureCommand('sleeper.mjs')}, cwd: ./does-not-exist }
`);
    await h.manager.start();
    expect(stateOf(h, 'api')).toBe('failed');
    expect(h.manager.get('api')?.reason).toMatch(/working directory .*does-not-exist does not exist/);
  });

  it('reports a command that does not exist', async () => {
    const h = run(`
name: "{{name}}"
processes:
  api: { command: [definitely-not-a-command-xyz, --flag] }
`);
    await h.manager.start();
    expect(stateOf(h, 'api')).toBe('failed');
    expect(h.manager.get('api')?.reason).toContain('command not found: definitely-not-a-command-xyz');
  });

  it('gives up after max_retries restarts and says so', async () => {
    const h = run(`
name: "{{name}}"
processes:
  flaky:
    command: ${fixtureCommand('exit-with.mjs', 2)}
    restart: { policy: on-failure, max_retries: 2, delay: 50ms, backoff: 1 }
`);
    await h.manager.start();
    await waitFor(() => stateOf(h, 'flaky') === 'failed', 'flaky failed');
    expect(h.manager.get('flaky')?.reason).toBe('gave up after 2 restarts; last run exited with code 2');
    expect(h.manager.get('flaky')?.info().restarts).toBe(2);
  });

  it('refuses more processes than settings.limits.max_processes', () => {
    const h = run(`
name: "{{name}}"
processes:
  web: { command: ${fixtureCommand('sleeper.mjs')}, replicas: 3 }
`);
    const spec = loadProject({ file: h.project.file });
    spec.settings.limits.maxProcesses = 2;
    expect(() => new ProcessManager(spec)).toThrowError(
      /3 process instances exceed settings.limits.max_processes \(2\)/,
    );
  });

  it('emits every transition as an event with from, to, reason and time', async () => {
    const h = run(`
name: "{{name}}"
processes:
  once: { command: ${fixtureCommand('exit-with.mjs', 0)} }
`);
    await h.manager.start();
    await waitFor(() => stateOf(h, 'once') === 'completed', 'completed');
    const path = h.states
      .filter((event) => event.process === 'once')
      .map((event) => `${event.from}>${event.to}`);
    expect(path).toEqual(['stopped>pending', 'pending>starting', 'starting>running', 'running>completed']);
    for (const event of h.states) {
      expect(typeof event.time).toBe('number');
      expect(event.reason.length).toBeGreaterThan(0);
    }
  });
});
