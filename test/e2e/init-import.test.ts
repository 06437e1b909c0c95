import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { killStrayClis, runCli, startCli } from '../helpers/cli.js';
import { freePort } from '../helpers/ports.js';
import { killMarked, markedPids } from '../helpers/processes.js';
import { FIXTURES, NODE } from '../helpers/project.js';

const dirs: string[] = [];

/** A fresh directory (its name is the project's) holding these files. */
function folder(files: Record<string, string>): { dir: string; project: string } {
  const dir = mkdtempSync(join(tmpdir(), 'ovrseer-import-e2e-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return { dir, project: basename(dir) };
}

afterEach(() => {
  killStrayClis();
  for (const dir of dirs.splice(0)) {
    killMarked(basename(dir));
    rmSync(dir, { recursive: true, force: true });
  }
});

const HTTP_SERVER = join(FIXTURES, 'http-server.mjs');
const at = (text: string, pattern: RegExp) => {
  const index = text.search(pattern);
  expect(index, `${pattern} in:\n${text}`).toBeGreaterThan(-1);
  return index;
};

describe('ovrseer init', () => {
  it('turns a Procfile into ovrseer.yml that validates and runs the same processes', async () => {
    const base = await freePort();
    const { dir, project } = folder({
      Procfile: `web: ${NODE} ${HTTP_SERVER}\nworker: ${NODE} -e "console.log('worker on', process.env.PORT); setInterval(() => {}, 1000)"\n`,
      '.env': `PORT=${base}\n`,
    });
    const init = await runCli(['init'], { cwd: dir });
    expect(init.code).toBe(0);
    expect(init.stdout).toBe(
      'found: Procfile\nusing Procfile: 2 processes (web, worker)\nwrote ovrseer.yml: check it with `ovrseer validate`, run it with `ovrseer up`\n',
    );
    const written = readFileSync(join(dir, 'ovrseer.yml'), 'utf8');
    expect(written).toContain(`    port: ${base}\n`);
    expect(written).toContain('env_file:\n  - {path: .env, format: foreman}\n');
    expect((await runCli(['validate'], { cwd: dir })).stdout).toBe(
      `ok: ${project}: 2 processes (2 services) from ovrseer.yml\n`,
    );

    const again = await runCli(['init'], { cwd: dir });
    expect(again.code).toBe(2);
    expect(again.stderr).toBe(
      'ovrseer: ovrseer.yml already exists: use --force to overwrite it, or --stdout to print the result\n',
    );
    const printed = await runCli(['init', '--stdout'], { cwd: dir });
    expect(printed.code).toBe(0);
    expect(printed.stdout).toBe(written);

    const cli = startCli(['up'], { cwd: dir });
    await cli.waitForOutput(new RegExp(`web +\\| listening on ${base}`));
    await cli.waitForOutput(new RegExp(`worker +\\| worker on ${base + 100}`));
    expect(await (await fetch(`http://127.0.0.1:${base}/`)).text()).toBe('ok');
    cli.signal('SIGINT');
    expect(await cli.exited).toBe(0);
    expect(markedPids(project)).toEqual([]);
  });

  it('says what it could not translate, and fails clearly with nothing to import', async () => {
    const { dir } = folder({
      'process-compose.yaml': 'log_level: debug\nprocesses:\n  a:\n    command: echo a\n    is_tty: true\n',
    });
    const result = await runCli(['init', '--stdout'], { cwd: dir });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(
      'not translated:\n  log_level: ovrseer has its own log (.ovrseer/ovrseer.log)\n  processes.a.is_tty: ',
    );
    expect(result.stdout).toContain('  # not translated: processes.a.is_tty: ');
    expect(existsSync(join(dir, 'ovrseer.yml'))).toBe(false);
    const empty = await runCli(['init'], { cwd: folder({}).dir });
    expect(empty.code).toBe(2);
    expect(empty.stderr).toMatch(/^ovrseer: nothing to import in /);
  });
});

describe('ovrseer up -f <other format>', () => {
  it('runs a process-compose.yaml: conditions and readiness probes as process-compose has them', async () => {
    const port = await freePort();
    const { dir, project } = folder({
      'process-compose.yaml': `
version: "0.5"
processes:
  migrate:
    command: ${NODE} -e "console.log('migrated')"
  api:
    command: ${NODE} ${HTTP_SERVER} 300
    environment: ["PORT=${port}"]
    depends_on:
      migrate: { condition: process_completed_successfully }
    readiness_probe:
      http_get: { host: 127.0.0.1, port: ${port}, path: /health }
      period_seconds: 1
  client:
    command: ${NODE} -e "console.log('client started'); setInterval(() => {}, 1000)"
    depends_on:
      api: { condition: process_healthy }
`,
    });
    const cli = startCli(['up', '-f', 'process-compose.yaml'], { cwd: dir });
    await cli.waitForOutput(/client +\| client started/);
    const out = cli.stdout();
    expect(at(out, /migrate +\* exited with code 0/)).toBeLessThan(at(out, /api +\* starting/));
    // process-compose's readiness probe is polled for good: ovrseer's health check (docs/compat).
    expect(at(out, /api +\* healthy/)).toBeLessThan(at(out, /client +\* starting/));
    cli.signal('SIGINT');
    expect(await cli.exited).toBe(0);
    expect(markedPids(project)).toEqual([]);
  });

  it('runs a pm2 ecosystem file: instances, and --env production merging env_production', async () => {
    const { dir, project } = folder({
      'app.js':
        "console.log(process.env.PS + ' says ' + process.env.GREETING); setInterval(() => {}, 1000);\n",
      'ecosystem.config.cjs': `module.exports = {
  apps: [{ name: 'app', script: 'app.js', instances: 2, env: { GREETING: 'dev' }, env_production: { GREETING: 'prod' } }],
};\n`,
    });
    const cli = startCli(['up', '-f', 'ecosystem.config.cjs', '--env', 'production'], { cwd: dir });
    await cli.waitForOutput(/app\.1 +\| app\.1 says prod/);
    await cli.waitForOutput(/app\.2 +\| app\.2 says prod/);
    cli.signal('SIGINT');
    expect(await cli.exited).toBe(0);
    expect(markedPids(project)).toEqual([]);
  });

  it('runs the command services of a compose file: ports → PORT, healthcheck → service_healthy', async () => {
    const port = await freePort();
    const check = `${NODE} -e "fetch('http://127.0.0.1:' + process.env.PORT + '/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"`;
    const { dir, project } = folder({
      'compose.yaml': `
services:
  setup:
    command: ${NODE} -e "console.log('setup done')"
  web:
    command: ${NODE} ${HTTP_SERVER} 300
    ports: ["${port}:3000"]
    depends_on:
      setup: { condition: service_completed_successfully }
    healthcheck:
      test: ["CMD-SHELL", ${JSON.stringify(check)}]
      interval: 200ms
      timeout: 2s
  client:
    command: ${NODE} -e "console.log('client saw a healthy web'); setInterval(() => {}, 1000)"
    depends_on:
      web: { condition: service_healthy }
`,
    });
    const cli = startCli(['up', '-f', 'compose.yaml'], { cwd: dir });
    await cli.waitForOutput(/client +\| client saw a healthy web/);
    const out = cli.stdout();
    expect(out).toMatch(new RegExp(`web +\\| listening on ${port}`));
    expect(at(out, /web +\* healthy/)).toBeLessThan(at(out, /client +\* starting/));
    cli.signal('SIGINT');
    expect(await cli.exited).toBe(0);
    expect(markedPids(project)).toEqual([]);
  });

  it('runs package.json scripts with npm', async () => {
    const { dir, project } = folder({
      'package.json': JSON.stringify({
        name: 'app',
        scripts: { dev: 'node -e "console.log(\'dev server up\'); setInterval(() => {}, 1000)"' },
      }),
    });
    const cli = startCli(['up', '-f', 'package.json'], { cwd: dir });
    await cli.waitForOutput(/dev +\| dev server up/, 20_000);
    cli.signal('SIGINT');
    expect(await cli.exited).toBe(0);
    expect(markedPids(project)).toEqual([]);
  });
});

describe('usage errors exit 2 with a message', () => {
  it.each([
    [
      ['up', '-p', '70000'],
      /error: option '-p, --port <port>' argument '70000' is invalid\. expected a port number/,
    ],
    [['up', '-m', 'web:2'], /^ovrseer: -m "web:2": expected NAME=COUNT pairs such as web=2,worker=1/],
    [['up', '-m', 'webb=2'], /^ovrseer: -m webb=…: no process named 'webb' \(did you mean 'web'\?\)/],
    [
      ['up', '-e', 'missing.env'],
      /^ovrseer: invalid config:\n {2}Procfile: -e missing\.env: .*missing\.env does not exist/,
    ],
    [
      ['up', '--env', 'prod'],
      /^ovrseer: invalid config:\n {2}Procfile: --env prod: no \.env\.prod or \.env\.prod\.local in /,
    ],
    [
      ['up', '-f', 'other.yml', '-p', '8000'],
      /^ovrseer: -p\/--port sets the base port of a Procfile; in other\.yml, give each process its port:/,
    ],
  ])('%j', async (args, message) => {
    const { dir } = folder({
      Procfile: 'web: node web.js\n',
      'other.yml': 'processes:\n  a: { command: x }\n',
    });
    const result = await runCli(args, { cwd: dir, env: { OVRSEER_ENV: '' } });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
  });
});
