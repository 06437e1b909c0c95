import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { killStrayClis, runCli } from '../helpers/cli.js';
import { freePort } from '../helpers/ports.js';
import { isRunning, killMarked, markedPids } from '../helpers/processes.js';
import { fixtureCommand, type TempProject, tempProject } from '../helpers/project.js';
import { waitFor } from '../helpers/wait-for.js';

// Issue 16: the API under abuse — stalled subscribers, large bodies, slow and many clients, remote
// listening, an unsafe socket directory.

const projects: TempProject[] = [];
const sockets: Socket[] = [];
const scratch: string[] = [];

function project(yaml: string): TempProject {
  const created = tempProject(yaml);
  projects.push(created);
  return created;
}

function stateOf(p: TempProject): { supervisor: { pid: number } } | null {
  const file = join(p.dir, '.ovrseer', 'state.json');
  return existsSync(file)
    ? (JSON.parse(readFileSync(file, 'utf8')) as { supervisor: { pid: number } })
    : null;
}

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  for (const created of projects.splice(0)) {
    await runCli(['down'], { cwd: created.dir });
    const pid = stateOf(created)?.supervisor.pid;
    if (pid !== undefined && isRunning(pid)) process.kill(pid, 'SIGKILL');
    killMarked(created.name);
    created.remove();
  }
  for (const dir of scratch.splice(0)) rmSync(dir, { recursive: true, force: true });
  killStrayClis();
}, 60_000);

const socketOf = (p: TempProject): string => join(p.dir, '.ovrseer', 'ovrseer.sock');
const supervisorLog = (p: TempProject): string =>
  readFileSync(join(p.dir, '.ovrseer', 'ovrseer.log'), 'utf8');

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1]) / 1024;
}

/** Starts `p` detached with the internal limits given; returns the supervisor's pid. */
async function up(
  p: TempProject,
  limits: Record<string, number> = {},
  names: string[] = [],
): Promise<number> {
  const env = { OVRSEER_INTERNAL_API_LIMITS: JSON.stringify(limits) };
  const result = await runCli(['up', '-d', ...names], { cwd: p.dir, env });
  expect(result.code, result.stderr).toBe(0);
  const pid = stateOf(p)?.supervisor.pid;
  if (pid === undefined) throw new Error('no state.json after up -d');
  return pid;
}

function call(
  p: TempProject,
  method: string,
  path: string,
  body?: Buffer,
): Promise<{ status: number; json: { error?: { code: string; message: string } } }> {
  return new Promise((resolve, reject) => {
    const headers = body === undefined ? {} : { 'content-type': 'application/json' };
    const req = httpRequest({ socketPath: socketOf(p), method, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, json: JSON.parse(Buffer.concat(chunks).toString() || '{}') }),
      );
    });
    // The server may answer 413 and close before it read the whole body: that is the point.
    req.on('error', reject);
    // The server may close after a 413 while the body is still going out: EPIPE then, not a failure.
    req.on('socket', (socket) => socket.on('error', () => socket.destroy()));
    req.end(body);
  });
}

/** A raw connection to the socket, collecting what it receives. */
function rawConnection(p: TempProject): { socket: Socket; received: () => string; closed: Promise<void> } {
  const socket = connect(socketOf(p));
  sockets.push(socket);
  let text = '';
  socket.on('data', (chunk: Buffer) => {
    text += chunk.toString();
  });
  socket.on('error', () => socket.destroy());
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  return { socket, received: () => text, closed };
}

describe('a stalled /v1/events subscriber', () => {
  it('is told how much it missed, and the supervisor does not grow with what it did not read', async () => {
    const crashers = Array.from(
      { length: 16 },
      (_, i) =>
        `  c${i}: { command: "exit 1", restart: { policy: always, delay: 20ms, backoff: 1, crash_loop: false } }`,
    );
    const p = project(
      `name: "{{name}}"\nprocesses:\n  idle: { command: ${fixtureCommand('sleeper.mjs')} }\n${crashers.join('\n')}\n`,
    );
    // `up -d` waits while start-up goes on, which a crash loop never ends: the loop starts later.
    const pid = await up(p, { eventQueue: 50 }, ['idle']);
    const before = rssMb(pid);
    const stalled = Array.from({ length: 4 }, () => {
      const connection = rawConnection(p);
      connection.socket.write('GET /v1/events HTTP/1.1\r\nhost: x\r\n\r\n');
      return connection;
    });
    await waitFor(() => stalled.every((s) => s.received().includes('200 OK')), 'the streams to start');
    for (const s of stalled) s.socket.pause();
    const targets = crashers.map((_, i) => `c${i}`);
    expect(
      (await call(p, 'POST', '/v1/actions/start', Buffer.from(JSON.stringify({ targets })))).status,
    ).toBe(200);
    // Far more events than the socket buffers hold (each restart is ~4 state events).
    await waitFor(
      async () => {
        const rows = (await call(p, 'GET', '/v1/processes')).json as unknown as { restarts: number }[];
        return rows.reduce((sum, row) => sum + row.restarts, 0) > 1_500;
      },
      '1,500 restarts',
      { timeout: 90_000, interval: 500 },
    );
    const after = rssMb(pid);
    const first = stalled[0];
    if (first === undefined) throw new Error('no subscriber');
    first.socket.resume();
    const droppedPattern = /event: dropped\ndata: \{"count":(\d+)\}/;
    await waitFor(() => droppedPattern.test(first.received()), 'a dropped event', { timeout: 20_000 });
    // The proof of a bounded queue: most of the ~6,000 events were dropped, not kept. (The kernel's
    // socket buffers hold a few hundred; the queue holds 50.)
    const count = Number(droppedPattern.exec(first.received())?.[1]);
    expect(count).toBeGreaterThan(2_000);
    // RSS only catches something gross: the crash loop itself costs memory and the GC is lazy.
    expect(after - before).toBeLessThan(150);
  }, 150_000);
});

describe('request bodies', () => {
  it('a 2 MB body gets 413 with the JSON error; /input to a process that does not read is bounded', async () => {
    const p = project(`name: "{{name}}"\nprocesses:\n  api: { command: ${fixtureCommand('sleeper.mjs')} }\n`);
    await up(p);
    const big = await call(p, 'POST', '/v1/actions/start', Buffer.alloc(2 * 1024 * 1024, 'x'));
    expect(big.status).toBe(413);
    expect(big.json.error?.code).toBe('OVRSEER_PAYLOAD_TOO_LARGE');
    expect(big.json.error?.message).toContain('limit of 1048576 bytes');
    const results: { status: number; code?: string; message?: string }[] = [];
    for (let i = 0; i < 8; i += 1) {
      const sent = await call(p, 'POST', '/v1/processes/api/input', Buffer.alloc(512 * 1024, 'y'));
      results.push({ status: sent.status, code: sent.json.error?.code, message: sent.json.error?.message });
    }
    // The pipe takes 64 KiB, the supervisor keeps at most 1 MiB more: from then on, a clear refusal.
    expect(results.slice(0, 2).map((r) => r.status)).toEqual([200, 200]);
    const refused = results.find((r) => r.status === 503);
    expect(refused?.code).toBe('OVRSEER_INPUT_FULL');
    expect(refused?.message).toMatch(/api is not reading its stdin: \d+ bytes already wait/);
    expect(
      results.slice(results.indexOf(refused as (typeof results)[number])).every((r) => r.status === 503),
    ).toBe(true);
    // After a restart, the new process gets a fresh pipe: nothing of the old input is kept.
    expect((await call(p, 'POST', '/v1/processes/api/restart')).status).toBe(200);
    expect((await call(p, 'POST', '/v1/processes/api/input', Buffer.alloc(512 * 1024, 'z'))).status).toBe(
      200,
    );
  }, 60_000);
});

describe('slow and many clients', () => {
  it('closes a connection that trickles its request head, before and after node:http, and logs it', async () => {
    const p = project(`name: "{{name}}"\nprocesses:\n  api: { command: ${fixtureCommand('sleeper.mjs')} }\n`);
    await up(p, { headerTimeoutMs: 2_000 });
    const quick = rawConnection(p);
    // A full request first hands the connection to node:http; then a second one, a byte at a time.
    const handed = rawConnection(p);
    handed.socket.write('GET /v1/reports HTTP/1.1\r\nhost: x\r\n\r\n');
    await waitFor(() => handed.received().includes('200 OK'), 'the first answer');
    const head = 'GET /v1/processes HTTP/1.1\r\nhost: x\r\nx-slow: ';
    let sent = 0;
    const trickle = setInterval(() => {
      for (const c of [quick, handed])
        if (!c.socket.destroyed) c.socket.write(head[sent % head.length] ?? 'x');
      sent += 1;
    }, 250);
    try {
      await Promise.all([quick.closed, handed.closed]);
    } finally {
      clearInterval(trickle);
    }
    expect(quick.received()).toContain('408 Request Timeout');
    expect(handed.received()).toContain('408 Request Timeout');
    await waitFor(
      () => /did not send a request within 2000 ms/.test(supervisorLog(p)),
      'the log line about slow clients',
    );
  }, 60_000);

  it('refuses connections past the limit of a listener, and logs it', async () => {
    const p = project(`name: "{{name}}"\nprocesses:\n  api: { command: ${fixtureCommand('sleeper.mjs')} }\n`);
    await up(p, { maxConnections: 10, headerTimeoutMs: 30_000 });
    const held = Array.from({ length: 10 }, () => rawConnection(p));
    // Each says a little every second: the idle timeout does not end them, the limit stays reached.
    const trickle = setInterval(() => {
      for (const c of held.slice(0, 9)) if (!c.socket.destroyed) c.socket.write('G');
    }, 1_000);
    // The last one's answer means the ten were accepted (in order) and count.
    const last = held[9];
    await new Promise<void>((resolve) => last?.socket.once('connect', () => resolve()));
    last?.socket.write('GET /v1/processes HTTP/1.1\r\nhost: x\r\n\r\n');
    await waitFor(() => last?.received().includes('200 OK') === true, 'the tenth connection answered');
    const extra = Array.from({ length: 5 }, () => rawConnection(p));
    await Promise.all(extra.map((c) => c.closed));
    await waitFor(
      () => /refused \d+ connection\(s\): the limit of 10 open connections is reached/.test(supervisorLog(p)),
      'the log line about the connection limit',
    );
    clearInterval(trickle);
    for (const c of held) c.socket.destroy();
    // Once they are gone, clients get in again.
    await waitFor(
      async () => (await call(p, 'GET', '/v1/processes').catch(() => ({ status: 0 }))).status === 200,
      'a new client',
    );
  }, 60_000);
});

describe('listening beyond loopback', () => {
  it('refuses a non-loopback listen without allow_remote before binding, and a short token with it', async () => {
    const port = await freePort();
    const p = project(`
name: "{{name}}"
settings: { api: { listen: "0.0.0.0:${port}", token: "12345" } }
processes:
  api: { command: ${fixtureCommand('sleeper.mjs')} }
`);
    const refused = await runCli(['up', '-d'], { cwd: p.dir });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('settings.api.listen');
    expect(refused.stderr).toContain(`0.0.0.0:${port} is not a loopback address`);
    expect(refused.stderr).toContain('set settings.api.allow_remote: true');
    expect(markedPids(p.name)).toEqual([]);

    const short = project(`
name: "{{name}}"
settings: { api: { listen: "0.0.0.0:${port}", token: "12345", allow_remote: true, tls: { cert: c.pem, key: k.pem } } }
processes:
  api: { command: ${fixtureCommand('sleeper.mjs')} }
`);
    const tooShort = await runCli(['up'], { cwd: short.dir });
    expect(tooShort.code).toBe(2);
    expect(tooShort.stderr).toMatch(
      /settings\.api\.token: .*at least 32 characters, got 5; for example OVRSEER_TOKEN=\S{43}/,
    );
    expect(markedPids(short.name)).toEqual([]);
  }, 60_000);

  const hasOpenssl = spawnSync('openssl', ['version']).status === 0;
  it.skipIf(!hasOpenssl)(
    'serves TCP over TLS with a self-signed certificate (on 127.0.0.1)',
    async () => {
      const port = await freePort();
      const token = 't'.repeat(40);
      const p = project(`
name: "{{name}}"
settings: { api: { listen: "127.0.0.1:${port}", token: "${token}", tls: { cert: cert.pem, key: key.pem } } }
processes:
  api: { command: ${fixtureCommand('sleeper.mjs')} }
`);
      const made = spawnSync(
        'openssl',
        [
          'req',
          '-x509',
          '-newkey',
          'rsa:2048',
          '-nodes',
          '-keyout',
          'key.pem',
          '-out',
          'cert.pem',
          '-days',
          '1',
          '-subj',
          '/CN=127.0.0.1',
          '-addext',
          'subjectAltName=IP:127.0.0.1',
        ],
        { cwd: p.dir },
      );
      expect(made.status, made.stderr.toString()).toBe(0);
      await up(p);
      const ca = readFileSync(join(p.dir, 'cert.pem'));
      const get = (authorization: string): Promise<number> =>
        new Promise((resolve, reject) => {
          const req = httpsRequest(
            { host: '127.0.0.1', port, path: '/v1/reports', ca, headers: { authorization } },
            (res) => {
              res.resume();
              resolve(res.statusCode ?? 0);
            },
          );
          req.on('error', reject);
          req.end();
        });
      expect(await get(`Bearer ${token}`)).toBe(200);
      expect(await get('Bearer wrong')).toBe(401);
    },
    60_000,
  );
});

describe('the fallback socket directory', () => {
  it('is refused when others can write to it', async () => {
    const runtime = mkdtempSync(join(tmpdir(), 'ovrseer-xdg-'));
    scratch.push(runtime);
    chmodSync(runtime, 0o777);
    const p = project(`
name: "{{name}}"
settings: { state_dir: ${'d'.repeat(60)}/${'e'.repeat(60)} }
processes:
  api: { command: ${fixtureCommand('sleeper.mjs')} }
`);
    mkdirSync(join(p.dir, 'd'.repeat(60)), { recursive: true });
    const refused = await runCli(['up'], { cwd: p.dir, env: { XDG_RUNTIME_DIR: runtime } });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`${runtime} (where the API socket goes`);
    expect(refused.stderr).toContain('is mode 0777: others can reach into it');
    expect(refused.stderr).toContain(`chmod 700 ${runtime}`);
    expect(markedPids(p.name)).toEqual([]);
    chmodSync(runtime, 0o700);
    const ok = await runCli(['up', '-d'], { cwd: p.dir, env: { XDG_RUNTIME_DIR: runtime } });
    expect(ok.code, ok.stderr).toBe(0);
    expect((await runCli(['down'], { cwd: p.dir, env: { XDG_RUNTIME_DIR: runtime } })).code).toBe(0);
  }, 60_000);
});
