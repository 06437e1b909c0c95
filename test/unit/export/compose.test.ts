import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadProject } from '../../../src/config/load.js';
import type { DependencyCondition, ProcessSpec, ProjectSpec } from '../../../src/config/spec.js';
import { commandArgv } from '../../../src/core/command.js';
import { buildDependencyGraph } from '../../../src/core/graph.js';
import { argvOf, foremanVars, probeArgv } from '../../../src/export/common.js';
import { exportProject, writeExport } from '../../../src/export/index.js';
import { shopSpec, specFrom } from './helpers.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Exports to a temporary directory and reads it back with ovrseer's own compose importer. */
async function roundTrip(spec: ProjectSpec): Promise<{ back: ProjectSpec; dir: string; notes: string[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'ovrseer-compose-'));
  dirs.push(dir);
  const result = await exportProject(spec, 'compose', { outDir: dir, path: '' });
  writeExport(result.files, dir);
  const back = loadProject({ file: 'compose.yaml', cwd: dir, env: {} });
  return { back, dir, notes: result.notTranslated.map((note) => note.key) };
}

function named(spec: ProjectSpec, name: string): ProcessSpec {
  const process = spec.processes.find((candidate) => candidate.name === name);
  if (process === undefined) throw new Error(`no process ${name}`);
  return process;
}

/** What each ovrseer condition becomes in compose, and so what comes back. */
function expectedCondition(condition: DependencyCondition, dependencyHasCheck: boolean): DependencyCondition {
  if (condition === 'completed' || condition === 'completed_successfully') return 'completed_successfully';
  if (condition === 'started') return 'started';
  return dependencyHasCheck ? 'healthy' : 'started';
}

describe('compose export, read back by the compose importer', () => {
  it('gives back the same dependency graph, probes, env, ports and replicas', async () => {
    const spec = shopSpec();
    const { back } = await roundTrip(spec);
    expect(back.processes.map((p) => p.name)).toEqual(spec.processes.map((p) => p.name));

    const graph = buildDependencyGraph(spec.processes);
    const backGraph = buildDependencyGraph(back.processes);
    expect(backGraph.edges).toEqual(graph.edges.filter(([from]) => from !== 'migrate-cleanup'));
    const checked = new Set(['cache', 'api', 'worker']);
    for (const process of graph.processes) {
      const returned = backGraph.processes.find((p) => p.name === process.name);
      expect(returned?.dependsOn.map((d) => [d.name, d.condition])).toEqual(
        process.dependsOn.map((d) => [d.name, expectedCondition(d.condition, checked.has(d.name))]),
      );
    }

    for (const original of spec.processes) {
      const returned = named(back, original.name);
      // The container's environment: env files, then environment:, with PS and PORT as ovrseer sets them.
      const port = original.port === null ? {} : { PORT: String(original.port) };
      expect(returned.env, original.name).toEqual({ ...original.env, PS: original.name, ...port });
      expect(returned.replicas).toBe(original.replicas);
      expect(returned.port).toBe(original.port);
      expect(commandArgv(returned.command)).toEqual(
        argvOf(original.command, foremanVars({ process: original, index: null, label: original.name }, true)),
      );
      expect(returned.stop.signal).toBe(original.stop.signal);
      expect(returned.stop.timeout).toBe(original.stop.timeout);
    }

    // api: its health probe (http → curl), as the healthcheck, field by field.
    const api = named(spec, 'api');
    const apiBack = named(back, 'api');
    expect(apiBack.health?.probe).toEqual({
      kind: 'exec',
      command: { kind: 'argv', argv: api.health && probeArgv(api.health.probe, api.health.timeout) },
    });
    expect(apiBack.health).toMatchObject({ interval: 5000, timeout: 2000, retries: 3 });
    expect(apiBack.restart).toMatchObject({ policy: 'on-failure', maxRetries: 5 });
    expect(apiBack.limits.memory).toBe(512 * 1024 * 1024);
    // worker: a shell exec probe comes back as the same shell command.
    expect(named(back, 'worker').health?.probe).toEqual(named(spec, 'worker').health?.probe);
    // cache: its tcp readiness, as a healthcheck that fails once the ready timeout has passed.
    expect(named(back, 'cache').health).toMatchObject({ interval: 250, retries: 20 });
    // The cleanup is there, but only on demand (a profile).
    expect(named(back, 'migrate-cleanup').disabled).toBe(true);
  });

  it('keeps values with $, quotes, newlines and % literal', async () => {
    const spec = specFrom(`
version: 1
name: odd
processes:
  a:
    command: echo "$HOME costs $$5 100%"
    env: { PRICE: "$$5", QUOTED: "it's \\"here\\"", LINES: "one\\ntwo", HASH: "a #b", SECRET_TOKEN: "t'k" }
  b:
    command: [printf, "%s $PS", "$$x"]
    env: { API_KEY: "k$$y" }
`);
    const { back, dir } = await roundTrip(spec);
    for (const original of spec.processes) {
      expect(named(back, original.name).env).toEqual({ ...original.env, PS: original.name });
    }
    expect(commandArgv(named(back, 'a').command)).toEqual(commandArgv(named(spec, 'a').command));
    expect(commandArgv(named(back, 'b').command)).toEqual(['printf', '%s b', '$$x']);
    // Secrets that an env file can hold are not in compose.yaml.
    const compose = parse(readFileSync(join(dir, 'compose.yaml'), 'utf8'));
    expect(compose.services.b.environment).toEqual({ PS: 'b' });
    expect(compose.services.b.env_file).toEqual(['odd-b.env']);
  });

  it('quotes "no" and writes restart, ports and profiles as compose reads them', async () => {
    const result = await exportProject(
      specFrom(`
version: 1
name: p
processes:
  a: { command: ./a, port: 8080 }
  b: { command: ./b, disabled: true, restart: unless-stopped, user: "1000:1000" }
`),
      'compose',
      { outDir: '/tmp/p-out', path: '' },
    );
    const text = result.files[0]?.content ?? '';
    expect(text).toContain('restart: "no"');
    const data = parse(text);
    expect(data.services.a.ports).toEqual(['8080:8080']);
    expect(data.services.a.volumes).toEqual(['/srv/shop:/app']);
    expect(data.services.b).toMatchObject({
      restart: 'unless-stopped',
      profiles: ['disabled'],
      user: '1000:1000',
    });
  });

  it('mounts the project relative to the compose file when it is written inside the project', async () => {
    const result = await exportProject(
      specFrom('version: 1\nprocesses:\n  a: { command: ./a, cwd: sub }\n'),
      'compose',
      {
        outDir: '/srv/shop/deploy/compose',
        path: '',
      },
    );
    const data = parse(result.files[0]?.content ?? '');
    expect(data.services.a.volumes).toEqual(['../..:/app']);
    expect(data.services.a.working_dir).toBe('/app/sub');
  });
});
