import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, request, type Server, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DashboardForwarder, isLoopback } from '../../../src/web/server/forwarder.js';
import { waitFor } from '../../helpers/wait-for.js';

interface Answer {
  status: number;
  headers: IncomingMessage['headers'];
  body: string;
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A stand-in supervisor on a unix socket: echoes what reached it; `/v1/events` streams. */
function fakeSupervisor(socketPath: string, seen: { streamClosed: boolean }): Promise<Server> {
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    if (req.url === '/v1/events') {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('event: rows\ndata: []\n\n');
      // Held open, as the supervisor's stream is: the test sees the first event before any end.
      req.on('close', () => {
        seen.streamClosed = true;
      });
      return;
    }
    let body = '';
    req.on('data', (chunk: Buffer) => {
      body += chunk.toString();
    });
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ method: req.method, url: req.url, headers: req.headers, body }));
    });
  });
  return new Promise((resolve) => server.listen(socketPath, () => resolve(server)));
}

async function setup(): Promise<{
  forwarder: DashboardForwarder;
  base: string;
  socket: string;
  seen: { streamClosed: boolean };
  stop(): Promise<void>;
  start(): Promise<void>;
}> {
  const dir = mkdtempSync(join(tmpdir(), 'ovrseer-fwd-'));
  const socket = join(dir, 'ovrseer.sock');
  const seen = { streamClosed: false };
  let server: Server | null = await fakeSupervisor(socket, seen);
  const forwarder = new DashboardForwarder({ socketPath: () => socket, token: 'secret-token' });
  const url = await forwarder.listen();
  const stop = async (): Promise<void> => {
    const running = server;
    server = null;
    if (running !== null) {
      running.closeAllConnections();
      await new Promise<void>((resolve) => running.close(() => resolve()));
    }
  };
  cleanups.push(
    () => rmSync(dir, { recursive: true, force: true }),
    stop,
    () => forwarder.close(),
  );
  return {
    forwarder,
    base: url.replace(/\/\?token=.*$/, ''),
    socket,
    seen,
    stop,
    start: async () => {
      server = await fakeSupervisor(socket, seen);
    },
  };
}

function send(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: options.method ?? 'GET', headers: options.headers ?? {} }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

const COOKIE = { cookie: 'ovrseer_token=secret-token' };

describe('DashboardForwarder', () => {
  it('prints a URL with the token; without it (or with a wrong one) every request is a 401 JSON error', async () => {
    const { forwarder, base } = await setup();
    expect(forwarder.url()).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=secret-token$/);
    for (const path of ['/', '/v1/processes', '/assets/main.js', '/?token=wrong']) {
      const answer = await send(`${base}${path}`);
      expect(answer.status, path).toBe(401);
      expect(answer.headers['content-type']).toBe('application/json');
      expect(JSON.parse(answer.body)).toEqual({
        error: { code: 'OVRSEER_UNAUTHORIZED', message: expect.stringContaining('?token=') },
      });
    }
    const wrongCookie = await send(`${base}/v1/processes`, { headers: { cookie: 'ovrseer_token=nope' } });
    expect(wrongCookie.status).toBe(401);
  });

  it('trades the token in the URL for an HttpOnly cookie and a URL without it', async () => {
    const { base } = await setup();
    const first = await send(`${base}/?token=secret-token&view=logs`);
    expect(first.status).toBe(302);
    expect(first.headers.location).toBe('/?view=logs');
    expect(first.headers['set-cookie']).toEqual([
      'ovrseer_token=secret-token; Path=/; HttpOnly; SameSite=Strict',
    ]);
  });

  it('forwards method, path, query and body to the socket, without the cookie or the Authorization header', async () => {
    const { base } = await setup();
    const answer = await send(`${base}/v1/actions/restart?x=1`, {
      method: 'POST',
      headers: { ...COOKIE, 'content-type': 'application/json' },
      body: '{"targets":["api"]}',
    });
    expect(answer.status).toBe(200);
    const echoed = JSON.parse(answer.body) as {
      method: string;
      url: string;
      headers: Record<string, string>;
      body: string;
    };
    expect(echoed).toMatchObject({
      method: 'POST',
      url: '/v1/actions/restart?x=1',
      body: '{"targets":["api"]}',
    });
    expect(echoed.headers.cookie).toBeUndefined();
    expect(echoed.headers['content-type']).toBe('application/json');
    const bearer = await send(`${base}/v1/processes`, { headers: { authorization: 'Bearer secret-token' } });
    expect(bearer.status).toBe(200);
    expect(
      (JSON.parse(bearer.body) as { headers: Record<string, string> }).headers.authorization,
    ).toBeUndefined();
  });

  it('streams server-sent events as they come, and ends the upstream stream when the browser leaves', async () => {
    const { base, seen } = await setup();
    const first = await new Promise<string>((resolve, reject) => {
      const req = request(`${base}/v1/events`, { headers: COOKIE }, (res) => {
        res.setEncoding('utf8');
        res.once('data', (chunk: string) => {
          resolve(chunk);
          req.destroy();
        });
      });
      req.on('error', (error: NodeJS.ErrnoException) => {
        if (error.code !== 'ECONNRESET') reject(error);
      });
      req.end();
    });
    expect(first).toBe('event: rows\ndata: []\n\n');
    await waitFor(() => seen.streamClosed, 'the upstream stream closed');
  });

  it('answers 502 while no supervisor listens, and forwards again once one does on the same socket', async () => {
    const { base, stop, start, socket } = await setup();
    await stop();
    const away = await send(`${base}/v1/processes`, { headers: COOKIE });
    expect(away.status).toBe(502);
    expect(JSON.parse(away.body)).toEqual({
      error: { code: 'OVRSEER_NOT_RUNNING', message: expect.stringContaining(socket) },
    });
    rmSync(socket, { force: true });
    await start();
    expect((await send(`${base}/v1/processes`, { headers: COOKIE })).status).toBe(200);
  });

  it('finds the supervisor again when its socket moved (another state dir): relocate is asked once a request fails', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ovrseer-fwd-moved-'));
    const moved = join(dir, 'elsewhere.sock');
    const server = await fakeSupervisor(moved, { streamClosed: false });
    let socket = join(dir, 'gone.sock');
    let relocations = 0;
    const forwarder = new DashboardForwarder({
      socketPath: () => socket,
      token: 'secret-token',
      relocate: async () => {
        relocations += 1;
        socket = moved;
      },
    });
    const base = (await forwarder.listen()).replace(/\/\?token=.*$/, '');
    cleanups.push(
      () => rmSync(dir, { recursive: true, force: true }),
      () => new Promise<void>((resolve) => server.close(() => resolve())),
      () => forwarder.close(),
    );
    const first = await send(`${base}/v1/processes`, { headers: COOKIE });
    expect(first.status).toBe(502);
    expect(JSON.parse(first.body).error.code).toBe('OVRSEER_NOT_RUNNING');
    await waitFor(
      async () => (await send(`${base}/v1/processes`, { headers: COOKIE })).status === 200,
      'forwarded to the moved socket',
    );
    expect(relocations).toBe(1);
  });

  it('refuses an address beyond loopback unless the token is the configured one', () => {
    expect(() => new DashboardForwarder({ socketPath: () => '/x', host: '0.0.0.0' })).toThrow(
      expect.objectContaining({
        code: 'OVRSEER_USAGE',
        message: expect.stringContaining('settings.api.token'),
      }),
    );
    expect(
      () =>
        new DashboardForwarder({
          socketPath: () => '/x',
          host: '0.0.0.0',
          token: 't',
          configuredToken: true,
        }),
    ).not.toThrow();
    expect(['127.0.0.1', '127.1.2.3', '::1', 'localhost'].every(isLoopback)).toBe(true);
    expect(['0.0.0.0', '10.0.0.1', '::', '127.0.0.1.example.com'].some(isLoopback)).toBe(false);
  });

  it('makes a new random token for each run', () => {
    const one = new DashboardForwarder({ socketPath: () => '/x' });
    const two = new DashboardForwarder({ socketPath: () => '/x' });
    expect(one.token).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(one.token).not.toBe(two.token);
  });
});
