import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { killStrayClis, runCli } from '../helpers/cli.js';
import { killMarked } from '../helpers/processes.js';
import { FIXTURES, type TempProject, tempProject } from '../helpers/project.js';

/*
 * What a command loads is what it costs to start (docs/startup.md): `validate` and `up -d` must not
 * read the terminal UI, the HTTP server, the exporters' Kubernetes models or the metrics library, and
 * the detached supervisor must not read the config parser. Each run is traced by a preloaded module
 * hook; `export kubernetes` shows that the trace does see a package the bundle imports.
 */

const HEAVY = ['ink', 'react', 'kubernetes-models', 'hono', '@hono/node-server', 'prom-client', 'chokidar'];

const projects: TempProject[] = [];
const traces: string[] = [];

afterEach(async () => {
  killStrayClis();
  for (const created of projects.splice(0)) {
    await runCli(['down'], { cwd: created.dir });
    killMarked(created.name);
    created.remove();
  }
  for (const dir of traces.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function project(): TempProject {
  const created = tempProject(`
name: "{{name}}"
processes:
  api: { command: sleep 600 }
  worker: { command: sleep 601, cron_restart: "0 4 * * *" }
`);
  projects.push(created);
  return created;
}

/** Runs the CLI with the trace; returns the packages each process loaded, by its entry file. */
async function traced(
  args: string[],
  cwd: string,
): Promise<{ code: number | null; loaded: Map<string, Set<string>> }> {
  const dir = mkdtempSync(join(tmpdir(), 'ovrseer-trace-'));
  traces.push(dir);
  const file = join(dir, 'trace.txt');
  const { code } = await runCli(args, {
    cwd,
    env: {
      NODE_OPTIONS: `--import ${join(FIXTURES, 'trace-packages.mjs')}`,
      OVRSEER_TEST_PACKAGE_TRACE: file,
    },
  });
  return { code, loaded: packagesByEntry(readFileSync(file, 'utf8')) };
}

function packagesByEntry(trace: string): Map<string, Set<string>> {
  const byEntry = new Map<string, Set<string>>();
  for (const line of trace.split('\n')) {
    const [, entry, where] = line.split(' ');
    if (entry === undefined || where === undefined) continue;
    const set = byEntry.get(entry) ?? new Set<string>();
    byEntry.set(entry, set);
    const match = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(where);
    set.add(match === null ? where.replace(/^.*\/dist\//, 'dist/') : (match[1] as string));
  }
  return byEntry;
}

describe('start-up loads only what the command needs', () => {
  it('the trace sees the packages a command does load (export kubernetes: kubernetes-models)', async () => {
    const p = project();
    const { code, loaded } = await traced(['export', 'kubernetes', '-o', join(p.dir, 'k8s')], p.dir);
    expect(code).toBe(0);
    expect([...(loaded.get('cli/bin.js') ?? [])]).toContain('kubernetes-models');
  });

  it('validate loads no terminal UI, HTTP server, Kubernetes models or metrics library', async () => {
    const p = project();
    const { code, loaded } = await traced(['validate'], p.dir);
    expect(code).toBe(0);
    const cli = loaded.get('cli/bin.js') ?? new Set<string>();
    expect([...cli]).toContain('dist/cli/bin.js');
    // No pattern to check: the regex engine is not loaded either.
    expect([...HEAVY, 're2js'].filter((name) => cli.has(name))).toEqual([]);
  });

  it('validate leaves process.stdin uncreated (its stream classes cost ~10 ms); the trace sees one created', async () => {
    const p = project();
    const { code, loaded } = await traced(['validate'], p.dir);
    expect(code).toBe(0);
    expect([...(loaded.get('cli/bin.js') ?? [])]).not.toContain('process.stdin');
    const dir = mkdtempSync(join(tmpdir(), 'ovrseer-trace-'));
    traces.push(dir);
    const file = join(dir, 'trace.txt');
    const script = join(dir, 'reads-stdin.cjs');
    writeFileSync(script, 'process.stdin.on("error", () => {});\n');
    const control = spawnSync(process.execPath, ['--import', join(FIXTURES, 'trace-packages.mjs'), script], {
      env: { ...process.env, OVRSEER_TEST_PACKAGE_TRACE: file },
      stdio: 'ignore',
    });
    expect(control.status).toBe(0);
    expect([
      ...(packagesByEntry(readFileSync(file, 'utf8')).get(`${basename(dir)}/reads-stdin.cjs`) ?? []),
    ]).toContain('process.stdin');
  });

  it('up -d loads none of them in the CLI, and the detached supervisor no config parser', async () => {
    const p = project();
    const { code, loaded } = await traced(['up', '-d'], p.dir);
    expect(code).toBe(0);
    const cli = loaded.get('cli/bin.js') ?? new Set<string>();
    expect([...cli]).toContain('dist/cli/bin.js');
    expect(HEAVY.filter((name) => cli.has(name))).toEqual([]);
    // The supervisor's trace is written when it exits: after `down`.
    const trace = join(traces.at(-1) as string, 'trace.txt');
    await runCli(['down'], { cwd: p.dir });
    const daemon = packagesByEntry(readFileSync(trace, 'utf8')).get('supervisor/daemon.cjs') ?? new Set();
    expect([...daemon]).toContain('dist/supervisor/daemon.cjs');
    expect(
      ['yaml', 'dotenv', ...HEAVY.filter((name) => name !== 'hono' && name !== '@hono/node-server')].filter(
        (name) => daemon.has(name),
      ),
    ).toEqual([]);
  });
});
