/**
 * `npm run bench -- api-abuse`: the supervisor's RSS under API abuse (issue 16) — idle, then with 20
 * stalled `/v1/events` subscribers under an event flood (16 crash loops), after 20 × 2 MB POSTs (all
 * 413), and with 500 slow clients trickling their request heads. Passes when each stays within 20 MB
 * of idle (the subscribers: of the crash loops alone, which cost memory without any client).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rssOf } from './proc.js';
import { report, row, sleep } from './report.js';

const BIN = fileURLToPath(new URL('../dist/cli/bin.js', import.meta.url));
const SLEEPER = fileURLToPath(new URL('../test/fixtures/sleeper.mjs', import.meta.url));
const MB = 1024 ** 2;
const BOUND_MB = 20;

function cli(args: string[], cwd: string): number | null {
  // Slow clients are cut after 10 s by default; the bench keeps them for its whole minute.
  const env = { ...process.env, NO_COLOR: '1', OVRSEER_INTERNAL_API_LIMITS: '{"maxConnections":1000}' };
  return spawnSync(process.execPath, [BIN, ...args], { cwd, env, stdio: 'ignore' }).status;
}

function post(socketPath: string, path: string, body: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath, method: 'POST', path }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    // The server may close after a 413 while the body is still going out: EPIPE then, not a failure.
    req.on('socket', (socket) => socket.on('error', () => socket.destroy()));
    req.end(body);
  });
}

function open(socketPath: string, head: string): Socket {
  const socket = connect(socketPath);
  socket.on('error', () => socket.destroy());
  socket.write(head);
  return socket;
}

/** RSS after a full GC is not ours to ask for: the median of a few samples, in MB. */
async function settledRss(pid: number): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < 5; i += 1) {
    samples.push(rssOf(pid) / MB);
    await sleep(400);
  }
  return samples.sort((a, b) => a - b)[2] ?? Number.NaN;
}

export async function benchApiAbuse(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'ovrseer-bench-abuse-'));
  const crashers = Array.from(
    { length: 16 },
    (_, i) =>
      `  c${i}: { command: "exit 1", restart: { policy: always, delay: 20ms, backoff: 1, crash_loop: false } }`,
  );
  writeFileSync(
    join(dir, 'ovrseer.yml'),
    `name: bench-abuse\nprocesses:\n  idle: { command: [${JSON.stringify(process.execPath)}, ${JSON.stringify(SLEEPER)}] }\n${crashers.join('\n')}\n`,
  );
  const socketPath = join(dir, '.ovrseer', 'ovrseer.sock');
  const sockets: Socket[] = [];
  try {
    if (cli(['up', '-d', 'idle'], dir) !== 0) throw new Error('up -d failed');
    const pid = (
      JSON.parse(readFileSync(join(dir, '.ovrseer', 'state.json'), 'utf8')) as { supervisor: { pid: number } }
    ).supervisor.pid;
    // Hono and node:http loaded, as any client but ps would have them.
    await post(socketPath, '/v1/actions/start', Buffer.from('{"targets":["idle"]}'));
    await sleep(2_000);
    const idle = await settledRss(pid);

    const statuses: number[] = [];
    for (let i = 0; i < 20; i += 1)
      statuses.push(await post(socketPath, '/v1/actions/start', Buffer.alloc(2 * MB, 'x')));
    const bodies = await settledRss(pid);

    const head = 'GET /v1/processes HTTP/1.1\r\nhost: x\r\nx-slow: ';
    for (let i = 0; i < 500; i += 1) sockets.push(open(socketPath, head.slice(0, 10)));
    for (let second = 0; second < 8; second += 1) {
      await sleep(1_000);
      for (const socket of sockets) if (!socket.destroyed) socket.write('x');
    }
    const slow = await settledRss(pid);
    const open500 = sockets.filter((socket) => !socket.destroyed).length;
    for (const socket of sockets.splice(0)) socket.destroy();
    await sleep(2_000);

    // The crash loops cost memory of their own (process records, logs): their baseline is taken first.
    const targets = crashers.map((_, i) => `c${i}`);
    await post(socketPath, '/v1/actions/start', Buffer.from(JSON.stringify({ targets })));
    // The loops' own memory (rings, histories, V8's heap) levels off within about 35 s (measured
    // every 5 s over 60 s); the subscribers are compared with that level, not with its climb.
    await sleep(45_000);
    const flood = await settledRss(pid);
    for (let i = 0; i < 20; i += 1) {
      const socket = open(socketPath, 'GET /v1/events HTTP/1.1\r\nhost: x\r\n\r\n');
      socket.pause();
      sockets.push(socket);
    }
    await sleep(30_000);
    const stalled = await settledRss(pid);
    await post(socketPath, '/v1/actions/stop', Buffer.from(JSON.stringify({ targets })));
    for (const socket of sockets.splice(0)) socket.destroy();

    const scenarios: [string, number, number][] = [
      [`20 × 2 MB POSTs (${statuses.filter((s) => s === 413).length} got 413)`, bodies, idle],
      [`500 slow clients (${open500} still open after 8 s)`, slow, idle],
      [`crash loops of 16 processes, no subscriber (baseline of the next)`, flood, idle],
      ['20 stalled /v1/events subscribers, 30 s more of those loops', stalled, flood],
    ];
    const rows = [
      row('idle RSS', idle, 'MB'),
      ...scenarios
        .slice(0, 2)
        .concat(scenarios.slice(3))
        .flatMap(([scenario, rss, base]) => [
          row(`${scenario}: RSS`, rss, 'MB'),
          row(`${scenario}: delta`, rss - base, 'MB', `≤ ${BOUND_MB} MB`, rss - base <= BOUND_MB),
        ]),
    ];
    report('api-abuse', rows, { boundMb: BOUND_MB });
    const table = [
      '| scenario | RSS MB | delta vs idle (the last: vs the loops alone) | bound | ok |',
      '|---|---:|---:|---:|---|',
      `| idle | ${idle.toFixed(1)} | | | |`,
      ...scenarios.map(
        ([scenario, rss, base]) =>
          `| ${scenario} | ${rss.toFixed(1)} | ${(rss - base).toFixed(1)} | ${BOUND_MB} MB | ${rss - base <= BOUND_MB ? 'ok' : 'MISSED'} |`,
      ),
    ];
    process.stdout.write(`${table.join('\n')}\n\n`);
  } finally {
    for (const socket of sockets) socket.destroy();
    cli(['down'], dir);
    rmSync(dir, { recursive: true, force: true });
  }
}
