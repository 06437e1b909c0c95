import { chmodSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import type { Server as HttpServer, IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { errorMessage, OvrseerError } from '../../errors.js';
import type { StatePaths } from '../../os/state-dir.js';
import type { ApiBackend } from './backend.js';
import { bearerToken } from './bearer-token.js';
import { type QuickResponse, type RequestHead, serveQuickly } from './quick-answer.js';

/** sun_path is 108 bytes on Linux (104 on macOS), NUL included. */
const MAX_SOCKET_PATH = 100;

type Listener = (request: IncomingMessage, response: ServerResponse) => void;
type TokenCheck = (presented: string | undefined) => boolean;

export interface ApiServerOptions {
  paths: StatePaths;
  projectId: string;
  /** `host:port` for an optional TCP listener; refused without a token. */
  listen: string | null;
  token: string | null;
}

/**
 * Serves the API on the project's unix socket (mode 0600 in the 0700 state dir) and optionally on TCP.
 * The listeners are plain `node:net` servers: `GET /v1/processes` — what `up -d`, `ps`, `down` and
 * every ping ask — is answered on the socket directly (see `serveQuickly`); any other request hands
 * its connection to node:http, and Hono and zod, loaded on the first request that needs them. A
 * supervisor that only those clients talk to never loads them (~10 MB of RSS for as long as it lives).
 */
export class ApiServer {
  readonly socketPath: string;
  #servers: Server[] = [];
  readonly #sockets = new Set<Socket>();
  readonly #http = new Map<TokenCheck | null, Promise<HttpServer>>();

  constructor(
    private readonly backend: ApiBackend,
    private readonly options: ApiServerOptions,
  ) {
    this.socketPath = socketPathFor(options.paths, options.projectId);
  }

  async listen(): Promise<void> {
    if (this.options.listen !== null && (this.options.token === null || this.options.token === '')) {
      throw new OvrseerError(
        'OVRSEER_USAGE',
        `settings.api.listen is ${this.options.listen} but settings.api.token is empty: a TCP API needs a token (set OVRSEER_TOKEN)`,
      );
    }
    if (this.socketPath !== this.options.paths.socket) {
      mkdirSync(join(this.socketPath, '..'), { recursive: true, mode: 0o700 });
      writeFileSync(`${this.options.paths.root}/socket-path`, `${this.socketPath}\n`, { mode: 0o600 });
    }
    // A socket file left by a killed supervisor: the caller has checked that nobody answers on it.
    if (existsSync(this.socketPath)) rmSync(this.socketPath);
    const unix = createServer((socket) => this.#accept(socket, null));
    await listenOn(unix, () => unix.listen(this.socketPath));
    this.#servers.push(unix);
    chmodSync(this.socketPath, 0o600);
    if (this.options.listen !== null && this.options.token !== null) {
      const { host, port } = parseListen(this.options.listen);
      const { createTokenCheck } = await import('./auth.js');
      const check = createTokenCheck(this.options.token);
      const tcp = createServer((socket) => this.#accept(socket, check));
      await listenOn(tcp, () => tcp.listen(port, host));
      this.#servers.push(tcp);
    }
  }

  async close(): Promise<void> {
    const closed = Promise.all(
      this.#servers.map(
        (server) =>
          new Promise<void>((resolve) => {
            server.close(() => resolve());
          }),
      ),
    );
    for (const socket of this.#sockets) socket.destroy();
    await closed;
    this.#servers = [];
    rmSync(this.socketPath, { force: true });
  }

  #accept(socket: Socket, token: TokenCheck | null): void {
    this.#sockets.add(socket);
    socket.on('close', () => this.#sockets.delete(socket));
    // A client that vanishes mid-request; node:http adds its own handling once it has the socket.
    socket.on('error', () => socket.destroy());
    serveQuickly(
      socket,
      (head) => this.#quickAnswer(head, token),
      (handed) => void this.#handOff(handed, token),
    );
  }

  async #handOff(socket: Socket, token: TokenCheck | null): Promise<void> {
    let server = this.#http.get(token);
    if (server === undefined) {
      server = import('node:http').then(({ createServer: createHttpServer }) =>
        createHttpServer(this.#lazyListener(token)),
      );
      this.#http.set(token, server);
    }
    try {
      (await server).emit('connection', socket);
      socket.resume();
    } catch (error) {
      this.backend.reportError(error instanceof Error ? error : new Error(String(error)), 'load the API');
      socket.destroy();
    }
  }

  #quickAnswer(head: RequestHead, token: TokenCheck | null): QuickResponse | null {
    return head.method === 'GET' && isProcessList(head.target)
      ? this.#processList(head.headers.get('authorization'), token)
      : null;
  }

  #lazyListener(token: TokenCheck | null): Listener {
    let handler: Promise<Listener> | null = null;
    return (request, response) => {
      if (request.method === 'GET' && isProcessList(request.url)) {
        // A body on a GET means nothing here, but it must be read for the connection to be reusable.
        request.resume();
        const { status, body } = this.#processList(request.headers.authorization, token);
        sendJson(response, status, body);
        return;
      }
      handler ??= Promise.all([import('@hono/node-server'), import('./routes.js')]).then(([node, routes]) =>
        node.getRequestListener(routes.createApp(this.backend, token).fetch),
      );
      handler.then(
        (listener) => listener(request, response),
        (error: unknown) => {
          this.backend.reportError(error instanceof Error ? error : new Error(String(error)), 'load the API');
          response.statusCode = 500;
          response.end(JSON.stringify({ error: { code: 'OVRSEER_INTERNAL', message: errorMessage(error) } }));
        },
      );
    };
  }

  /** `GET /v1/processes` as the Hono route answers it (same body, status and error shapes). */
  #processList(authorization: string | undefined, token: TokenCheck | null): QuickResponse {
    if (token !== null && !token(bearerToken(authorization))) {
      const error = { code: 'OVRSEER_UNAUTHORIZED', message: 'missing or wrong bearer token' };
      return { status: 401, body: JSON.stringify({ error }) };
    }
    try {
      return { status: 200, body: JSON.stringify(this.backend.rows()) };
    } catch (error) {
      this.backend.reportError(error instanceof Error ? error : new Error(String(error)), 'api request');
      return {
        status: 500,
        body: JSON.stringify({ error: { code: 'OVRSEER_INTERNAL', message: errorMessage(error) } }),
      };
    }
  }
}

/** `/v1/processes`, with or without a query string (which that route ignores, as Hono's does). */
function isProcessList(url: string | undefined): boolean {
  return url === '/v1/processes' || (url?.startsWith('/v1/processes?') ?? false);
}

function sendJson(response: ServerResponse, status: number, text: string): void {
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
  });
  response.end(text);
}

/** The socket in the state dir, or — when that path is too long for a unix socket — a short one. */
export function socketPathFor(paths: StatePaths, projectId: string): string {
  if (Buffer.byteLength(paths.socket) <= MAX_SOCKET_PATH) return paths.socket;
  const uid = process.getuid?.() ?? 0;
  const base = process.env.XDG_RUNTIME_DIR ?? join(tmpdir(), `ovrseer-${uid}`);
  return join(base, `${projectId}.sock`);
}

function listenOn(server: Server, start: () => void): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.once('listening', () => {
      server.off('error', reject);
      resolve();
    });
    start();
  });
}

function parseListen(listen: string): { host: string; port: number } {
  const match = /^(?:(.*):)?(\d+)$/.exec(listen);
  if (match === null)
    throw new OvrseerError('OVRSEER_USAGE', `settings.api.listen: expected host:port, got "${listen}"`);
  return {
    host: match[1] === undefined || match[1] === '' ? '127.0.0.1' : match[1].replace(/^\[|\]$/g, ''),
    port: Number(match[2]),
  };
}
