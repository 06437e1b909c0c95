import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { killStrayClis, startCli } from '../helpers/cli.js';
import { freePort } from '../helpers/ports.js';
import { isRunning, killMarked, markedPids } from '../helpers/processes.js';
import { copyExample } from '../helpers/project.js';
import { waitFor } from '../helpers/wait-for.js';

const copies: string[] = [];

/** A copy of an example in a fresh directory, whose name (the project's) is unique to this test. */
function example(name: string): { dir: string; project: string } {
  const dir = mkdtempSync(join(tmpdir(), `ovrseer-ex-${name}-`));
  copyExample(name, dir);
  copies.push(dir);
  return { dir, project: basename(dir) };
}

afterEach(() => {
  killStrayClis();
  for (const dir of copies.splice(0)) {
    killMarked(basename(dir));
    rmSync(dir, { recursive: true, force: true });
  }
});

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** A base port such that base + each offset is free (for -p and its +1 / +100 neighbours). */
async function freeBase(offsets: readonly number[]): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const base = await freePort();
    if (base + Math.max(...offsets) > 65535) continue;
    const free = await Promise.all(offsets.map((offset) => canListen(base + offset)));
    if (free.every(Boolean)) return base;
  }
  throw new Error('no free block of ports found');
}

async function get(port: number, path = '/'): Promise<string> {
  return (await fetch(`http://127.0.0.1:${port}${path}`)).text();
}

/** Where `pattern` first matches in `text`, failing when it does not. */
function at(text: string, pattern: RegExp): number {
  const index = text.search(pattern);
  expect(index, `${pattern} in:\n${text}`).toBeGreaterThan(-1);
  return index;
}

describe('examples/procfile', () => {
  it('with only a Procfile, `ovrseer up` serves HTTP on 5000 and 5100 (foreman ports), and stops clean', async (context) => {
    if (!(await canListen(5000)) || !(await canListen(5100))) {
      context.skip('port 5000 or 5100 is taken on this machine');
    }
    const { dir, project } = example('procfile');
    const cli = startCli(['up'], { cwd: dir });
    const listening = [
      /web\.1: listening on http:\/\/127\.0\.0\.1:5000/,
      /api\.1: listening on http:\/\/127\.0\.0\.1:5100/,
    ];
    await waitFor(
      () =>
        listening.every((line) => line.test(cli.stdout())) ||
        /cannot listen on port/.test(cli.stderr() + cli.stdout()),
      `web on 5000 and api on 5100; got:\n${cli.stdout()}`,
      { timeout: 20_000 },
    );
    if (/cannot listen on port/.test(cli.stderr() + cli.stdout())) {
      // Another program took the port after the check above (a test run beside this one).
      cli.signal('SIGINT');
      await cli.exited;
      context.skip('port 5000 or 5100 was taken while the test ran');
    }
    expect(await get(5000)).toBe('web.1 on port 5000: hello from .env\n');
    expect(await get(5100)).toBe('api.1 on port 5100: hello from .env\n');
    await cli.waitForOutput(/worker +\| worker\.1: job 1 done \(hello from \.env\)/);
    cli.signal('SIGINT');
    expect(await cli.exited).toBe(0);
    expect(cli.stdout()).toMatch(/worker +\| worker\.1: stopping/);
    expect(markedPids(project)).toEqual([]);
  });

  it('-p, -m and -e: instances on base, base + 1 and base + 100; worker=0 does not run', async () => {
    const { dir, project } = example('procfile');
    writeFileSync(join(dir, 'other.env'), 'GREETING=from other.env\n');
    const base = await freeBase([0, 1, 100]);
    const cli = startCli(['up', '-p', String(base), '-m', 'web=2,api=1,worker=0', '-e', 'other.env'], {
      cwd: dir,
    });
    await cli.waitForOutput(new RegExp(`api\\.1: listening on http://127\\.0\\.0\\.1:${base + 100}`));
    await cli.waitForOutput(new RegExp(`web\\.2: listening on http://127\\.0\\.0\\.1:${base + 1}`));
    await cli.waitForOutput(new RegExp(`web\\.1: listening on http://127\\.0\\.0\\.1:${base}`));
    expect(await get(base)).toBe(`web.1 on port ${base}: from other.env\n`);
    expect(await get(base + 1)).toBe(`web.2 on port ${base + 1}: from other.env\n`);
    expect(await get(base + 100)).toBe(`api.1 on port ${base + 100}: from other.env\n`);
    cli.signal('SIGINT');
    expect(await cli.exited).toBe(0);
    expect(cli.stdout()).not.toMatch(/worker +\|/);
    expect(markedPids(project)).toEqual([]);
  });
});

describe('examples/microservices', () => {
  it('starts seven processes in dependency order behind readiness and health gates, stops them in reverse', async () => {
    const { dir, project } = example('microservices');
    const names = ['DB_PORT', 'CACHE_PORT', 'USERS_PORT', 'ORDERS_PORT', 'GATEWAY_PORT'];
    const ports = Object.fromEntries(
      await Promise.all(names.map(async (name) => [name, String(await freePort())])),
    );
    const cli = startCli(['up'], { cwd: dir, env: ports });
    await cli.waitForOutput(
      /worker +\| worker: job 2: gateway ok \| users: users ok \| orders: orders ok/,
      25_000,
    );
    expect(await get(Number(ports.GATEWAY_PORT))).toBe(
      'gateway ok | users: users ok | orders: orders ok | users: users ok\n',
    );
    const out = cli.stdout();
    expect(at(out, /db +\* ready \(tcp/)).toBeLessThan(at(out, /migrate +\* starting/));
    expect(at(out, /migrate +\* exited with code 0/)).toBeLessThan(at(out, /users +\* starting/));
    expect(at(out, /cache +\* ready/)).toBeLessThan(at(out, /orders +\* starting/));
    expect(at(out, /users +\* healthy/)).toBeLessThan(at(out, /gateway +\* starting/));
    expect(at(out, /gateway +\* ready/)).toBeLessThan(at(out, /worker +\* starting/));
    cli.signal('SIGINT');
    expect(await cli.exited).toBe(0);
    const all = cli.stdout();
    const stopped = (name: string) => at(all, new RegExp(`${name} +\\* stopped`));
    expect(stopped('worker')).toBeLessThan(stopped('gateway'));
    expect(stopped('gateway')).toBeLessThan(stopped('orders'));
    expect(stopped('orders')).toBeLessThan(stopped('users'));
    expect(stopped('users')).toBeLessThan(stopped('db'));
    expect(markedPids(project)).toEqual([]);
  }, 60_000);
});

describe('examples/polyglot', () => {
  it('Node.js, Python 3 and sh work together, and each stops its own way', async () => {
    const { dir, project } = example('polyglot');
    const cli = startCli(['up'], { cwd: dir, env: { API_PORT: String(await freePort()) } });
    await cli.waitForOutput(/py-worker +\| py-worker: processed GAMMA/, 20_000);
    await cli.waitForOutput(/ticker +\| ticker: tick 2/);
    const out = cli.stdout();
    expect(out).toMatch(/seed +\| seed \(python 3\.\d+\.\d+\): alpha -> queued 1/);
    expect(at(out, /seed +\* exited with code 0/)).toBeLessThan(at(out, /py-worker +\* starting/));
    cli.signal('SIGINT');
    expect(await cli.exited).toBe(0);
    expect(cli.stdout()).toMatch(/ticker +\| ticker: interrupted after \d+ ticks/);
    expect(cli.stdout()).toMatch(/py-worker +\| py-worker: stopping after 3 jobs/);
    expect(cli.stdout()).toMatch(/api +\| api: 3 jobs handed out, 0 left/);
    expect(markedPids(project)).toEqual([]);
  }, 60_000);
});

describe('examples/crash-test', () => {
  it('gives up on the crasher, kills the stubborn one, ends the escaped grandchild: nothing is left', async () => {
    const { dir, project } = example('crash-test');
    const cli = startCli(['up'], { cwd: dir });
    await cli.waitForOutput(
      /crasher +\* failed: gave up after 3 restarts; last run exited with code 1/,
      20_000,
    );
    await cli.waitForOutput(/forker +\| forker: pid \d+; escaped grandchild via setsid \(pid \d+\)/);
    await cli.waitForOutput(/stubborn +\| stubborn: pid \d+/);
    const escapee = Number(/escaped grandchild via setsid \(pid (\d+)\)/.exec(cli.stdout())?.[1]);
    expect(isRunning(escapee)).toBe(true);
    const out = cli.stdout();
    expect(out).toMatch(/crasher +\* restarting: restart 1 in 200ms/);
    expect(out).toMatch(/crasher +\* restarting: restart 2 in 400ms/);
    expect(out).toMatch(/crasher +\* restarting: restart 3 in 800ms/);
    cli.signal('SIGINT');
    const code = await cli.exited;
    const all = cli.stdout();
    expect(at(all, /stubborn +\| stubborn: got SIGTERM, ignoring it/)).toBeLessThan(
      at(all, /stubborn +\* stopped/),
    );
    expect(all).toMatch(/ended 1 escaped descendant/);
    expect(code).toBe(0);
    expect(isRunning(escapee)).toBe(false);
    expect(markedPids(project)).toEqual([]);
  }, 60_000);
});
