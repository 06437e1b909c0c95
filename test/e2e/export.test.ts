import { spawn, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { loadProject } from '../../src/config/load.js';
import type { ProbeSpec } from '../../src/config/spec.js';
import { buildDependencyGraph } from '../../src/core/graph.js';
import { probeArgv } from '../../src/export/common.js';
import { environOf, pidsWithEnv, Supervisord } from '../fixtures/export/supervisord-harness.js';
import { validateManifests, verifyUnits } from '../fixtures/export/validators.js';
import { killStrayClis, runCli } from '../helpers/cli.js';
import { freePort } from '../helpers/ports.js';
import { isRunning } from '../helpers/processes.js';
import { FIXTURES, fixtureCommand, NODE, type TempProject, tempProject } from '../helpers/project.js';
import { waitFor } from '../helpers/wait-for.js';

const MICROSERVICES = fileURLToPath(new URL('../../examples/microservices/', import.meta.url));
const EXPORT_FIXTURES = fileURLToPath(new URL('../fixtures/export/', import.meta.url));

const projects: TempProject[] = [];
const dirs: string[] = [];
const daemons: Supervisord[] = [];

function project(yaml: string): TempProject {
  const created = tempProject(yaml);
  projects.push(created);
  return created;
}

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ovrseer-export-e2e-'));
  dirs.push(dir);
  return dir;
}

afterEach(async () => {
  killStrayClis();
  for (const daemon of daemons.splice(0)) await daemon.stop();
  for (const created of projects.splice(0)) created.remove();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** The variety fixture, its commands pointing at this checkout's fixtures. */
function variety(): TempProject {
  const text = readFileSync(join(EXPORT_FIXTURES, 'variety.yml'), 'utf8');
  return project(text.replaceAll('{{sleeper}}', fixtureCommand('sleeper.mjs')));
}

describe('ovrseer export', () => {
  it('writes systemd units that systemd-analyze verify accepts', async () => {
    const p = variety();
    const run = await runCli(['export', 'systemd', '-o', 'units'], { cwd: p.dir });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      new RegExp(`^wrote 10 files to units \\(systemd\\):\\n  ${p.name}\\.target\\n`),
    );
    expect(run.stdout).toContain(`  ${p.name}-api-2.service\n`);
    expect(run.stdout).toContain('not translated (');
    expect(run.stdout).toContain('  processes.api.health: systemd has no health checks');
    verifyUnits(join(p.dir, 'units'));
  });

  it('refuses an unknown format, existing files without --force and an unwritable directory (exit 2)', async () => {
    const p = variety();
    const unknown = await runCli(['export', 'upstart', '-o', 'out'], { cwd: p.dir });
    expect(unknown.code, unknown.stderr).toBe(2);
    expect(unknown.stderr).toContain('Allowed choices are systemd, supervisord, compose, kubernetes.');
    expect(existsSync(join(p.dir, 'out'))).toBe(false);

    const first = await runCli(['export', 'compose', '-o', 'out'], { cwd: p.dir });
    expect(first.code, first.stderr).toBe(0);
    const before = readFileSync(join(p.dir, 'out', 'compose.yaml'), 'utf8');
    writeFileSync(join(p.dir, 'out', 'compose.yaml'), 'mine\n');
    const again = await runCli(['export', 'compose', '-o', 'out'], { cwd: p.dir });
    expect(again.code, again.stderr).toBe(2);
    expect(again.stderr).toMatch(/already has compose\.yaml, .*: use --force to replace them\n$/);
    expect(readFileSync(join(p.dir, 'out', 'compose.yaml'), 'utf8')).toBe('mine\n');
    const forced = await runCli(['export', 'compose', '-o', 'out', '--force'], { cwd: p.dir });
    expect(forced.code, forced.stderr).toBe(0);
    expect(forced.stdout).toContain('  compose.yaml (replaced)\n');
    expect(readFileSync(join(p.dir, 'out', 'compose.yaml'), 'utf8')).toBe(before);
    // Nothing but the exported files: no staging directory left behind.
    expect(readdirSync(join(p.dir, 'out')).filter((name) => name.startsWith('.'))).toEqual([]);

    writeFileSync(join(p.dir, 'a-file'), '');
    const unwritable = await runCli(['export', 'kubernetes', '-o', 'a-file/k8s'], { cwd: p.dir });
    expect(unwritable.code, unwritable.stderr).toBe(2);
    expect(unwritable.stderr).toMatch(/^ovrseer: cannot write to .*a-file\/k8s: /);
    const noOutput = await runCli(['export', 'kubernetes'], { cwd: p.dir });
    expect(noOutput.code, noOutput.stderr).toBe(2);
    expect(noOutput.stderr).toContain("required option '-o, --output <dir>' not specified");
  });

  it('checks http and tcp probes with the commands compose and systemd run, as ovrseer would', async () => {
    const dir = tempDir();
    const port = await freePort();
    const sick = join(dir, 'sick');
    const server = spawn(NODE, [join(FIXTURES, 'http-server.mjs')], {
      env: { ...process.env, PORT: String(port), SICK_FILE: sick },
      stdio: 'ignore',
    });
    try {
      const http = (status = { min: 200, max: 399 }): ProbeSpec => ({
        kind: 'http',
        url: `http://127.0.0.1:${port}/health`,
        method: 'GET',
        headers: { 'X-Check': 'export' },
        status,
      });
      const passes = (probe: ProbeSpec): boolean => {
        const [command = '', ...args] = probeArgv(probe, 2000) ?? [];
        return spawnSync(command, args, { stdio: 'ignore' }).status === 0;
      };
      await waitFor(() => passes({ kind: 'tcp', host: '127.0.0.1', port }), 'the server listens');
      expect(passes(http())).toBe(true);
      writeFileSync(sick, '');
      expect(passes(http())).toBe(false);
      expect(passes(http({ min: 500, max: 599 }))).toBe(true);
    } finally {
      server.kill('SIGKILL');
    }
    await waitFor(() => server.exitCode !== null || server.signalCode !== null, 'the server is gone');
    expect(spawnSync('timeout', ['2', 'bash', '-c', `: </dev/tcp/127.0.0.1/${port}`]).status).not.toBe(0);
  });

  it('writes a supervisord conf that a real supervisord runs, replicas included; stop all leaves nothing', async () => {
    const base = await freePort();
    const id = `OVRSEER_EXPORT_E2E=${process.pid}-${Date.now()}`;
    const p = project(`
name: "{{name}}"
env: { ${id.replace('=', ': "')}", QUOTED: 'say "hi" now', PERCENT: "100%" }
processes:
  web:
    command: ${fixtureCommand('sleeper.mjs')}
    port: ${base}
    replicas: 2
  tree:
    command: ${fixtureCommand('tree.mjs')}
    depends_on: [web]
  once:
    type: task
    command: node -e "process.exit(0)"
`);
    const logs = join(p.dir, 'logs');
    mkdirSync(logs);
    const run = await runCli(['export', 'supervisord', '-o', 'sv', '--app', 'app', '--log-dir', logs], {
      cwd: p.dir,
    });
    expect(run.code).toBe(0);
    const daemon = new Supervisord(p.dir, join(p.dir, 'sv', 'app.conf'));
    daemons.push(daemon);
    daemon.start();
    const status = await daemon.waitForStates({
      'app:web-1': 'RUNNING',
      'app:web-2': 'RUNNING',
      'app:tree': 'RUNNING',
      'app:once': 'EXITED',
    });
    const pid = (name: string): number => status.get(name)?.pid ?? -1;
    expect(environOf(pid('app:web-1')).get('PORT')).toBe(String(base));
    expect(environOf(pid('app:web-2')).get('PORT')).toBe(String(base + 1));
    expect(environOf(pid('app:web-2')).get('PS')).toBe('web.2');
    expect(environOf(pid('app:web-1')).get('QUOTED')).toBe('say "hi" now');
    expect(environOf(pid('app:web-1')).get('PERCENT')).toBe('100%');
    // tree.mjs: a child and a grandchild besides the program itself.
    await waitFor(() => pidsWithEnv(id).length === 5, `5 processes with ${id}: ${pidsWithEnv(id)}`);

    const stopped = await daemon.ctl('stop', 'all');
    expect(stopped.stdout).toContain('app:web-2: stopped');
    await waitFor(() => pidsWithEnv(id).length === 0, `nothing left with ${id}: ${pidsWithEnv(id)}`);
    for (const name of ['app:web-1', 'app:web-2', 'app:tree']) expect(isRunning(pid(name))).toBe(false);
  });

  it('exports examples/microservices to all four formats, each accepted by its validator', async () => {
    const out = tempDir();
    const ports = { DB_PORT: 0, CACHE_PORT: 0, USERS_PORT: 0, ORDERS_PORT: 0, GATEWAY_PORT: 0 };
    for (const key of Object.keys(ports) as (keyof typeof ports)[]) ports[key] = await freePort();
    const env = Object.fromEntries(Object.entries(ports).map(([key, value]) => [key, String(value)]));
    for (const format of ['systemd', 'supervisord', 'compose', 'kubernetes']) {
      const args = ['export', format, '-o', join(out, format), '--log-dir', join(out, 'logs')];
      const run = await runCli(format === 'supervisord' ? args : args.slice(0, 4), {
        cwd: MICROSERVICES,
        env,
      });
      expect(run.stderr, format).toBe('');
      expect(run.code, format).toBe(0);
    }
    verifyUnits(join(out, 'systemd'));

    const original = loadProject({ cwd: MICROSERVICES, env });
    const back = loadProject({ file: join(out, 'compose', 'compose.yaml'), cwd: out, env: {} });
    expect(buildDependencyGraph(back.processes).edges).toEqual(
      buildDependencyGraph(original.processes).edges,
    );
    expect(back.processes.map((p) => [p.name, p.replicas, p.health?.probe.kind])).toEqual(
      original.processes.map((p) => [
        p.name,
        p.replicas,
        p.health === null && p.ready.length === 0 ? undefined : 'exec',
      ]),
    );

    const objects = validateManifests(join(out, 'kubernetes'));
    expect(objects.filter((o) => o.kind === 'Deployment')).toHaveLength(6);
    expect(objects.filter((o) => o.kind === 'Job').map((o) => o.metadata.name)).toEqual([
      'microservices-migrate',
    ]);
    expect(objects.filter((o) => o.kind === 'Service')).toHaveLength(5);

    mkdirSync(join(out, 'logs'));
    const daemon = new Supervisord(out, join(out, 'supervisord', 'microservices.conf'));
    daemons.push(daemon);
    daemon.start();
    // supervisord starts by priority without waiting for readiness: the long-running ones must all run.
    const running = Object.fromEntries(
      ['db', 'cache', 'users', 'orders', 'gateway', 'worker'].map((name) => [
        `microservices:${name}`,
        'RUNNING',
      ]),
    );
    const status = await daemon.waitForStates(running);
    await daemon.ctl('stop', 'all');
    for (const name of Object.keys(running)) {
      await waitFor(() => !isRunning(status.get(name)?.pid ?? -1), `${name} stopped`);
    }
  });
});
