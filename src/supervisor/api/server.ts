import { chmodSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { Server as HttpServer, IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server, type Socket } from 'node:net';
import { type ApiListenSettings, apiSettingsProblems, parseListen } from '../../config/api-listen.js';
import { type Clock, systemClock } from '../../core/clock.js';
import { errorMessage, OvrseerError } from '../../errors.js';
import type { StatePaths } from '../../os/state-dir.js';
import type { ApiBackend } from './backend.js';
import { bearerToken } from './bearer-token.js';
import { type ApiLimits, DEFAULT_API_LIMITS, LimitNotice, UnauthenticatedGate } from './limits.js';
import { cookieValue, TOKEN_COOKIE } from './page-token.js';
import { quickAction } from './quick-actions.js';
import { QUICK_MAX_BODY_BYTES, type QuickRequest, type QuickResponse, serveQuickly } from './quick-answer.js';
import { errorReply } from './request-checks.js';
import { ensureSocketDir, socketPathFor } from './socket-path.js';

export { socketPathFor } from './socket-path.js';

type Listener = (request: IncomingMessage, response: ServerResponse) => void;
type TokenCheck = (presented: string | undefined) => boolean;

export interface ApiServerOptions extends Omit<ApiListenSettings, 'allowRemote' | 'tls'> {
  /** @default false */
  allowRemote?: boolean;
  /** @default null (plain HTTP on TCP) */
  tls?: ApiListenSettings['tls'];
  paths: StatePaths;
  projectId: string;
  /** @default DEFAULT_API_LIMITS */
  limits?: ApiLimits;
  /** A limit was hit (a warning for the supervisor's log), at most once per 10 s per kind and listener. */
  onLimit?(text: string): void;
  /** @default systemClock */
  clock?: Clock;
  /** The dashboard's built page (`GET /`, `/assets/*`). @default dist/web/ of this package */
  webRoot?: string;
}

/** What one listener (the socket, or TCP) holds: its own counts, so one cannot starve the other. */
interface Listening {
  name: string;
  token: TokenCheck | null;
  gate: UnauthenticatedGate | null;
  headTimeouts: LimitNotice;
}

/**
 * Serves the API on the project's unix socket (mode 0600 in the 0700 state dir) and optionally on TCP.
 * The listeners are plain `node:net` servers: `GET /v1/processes` — what `up -d`, `ps`, `down` and
 * every ping ask — and, without a token, the CLI's start/stop/restart (quick-actions.ts) are
 * answered on the socket directly (see `serveQuickly`); any other request hands
 * its connection to node:http, and Hono and zod, loaded on the first request that needs them. A
 * supervisor that only those clients talk to never loads them (~10 MB of RSS for as long as it lives).
 * Every listener bounds its connections, their heads, bodies and time (see `ApiLimits`).
 */
export class ApiServer {
  readonly socketPath: string;
  #servers: Server[] = [];
  readonly #sockets = new Set<Socket>();
  readonly #http = new Map<Listening, Promise<HttpServer>>();
  readonly #notices: LimitNotice[] = [];
  readonly #limits: ApiLimits;
  readonly #clock: Clock;

  constructor(
    private readonly backend: ApiBackend,
    private readonly options: ApiServerOptions,
  ) {
    this.socketPath = socketPathFor(options.paths, options.projectId);
    this.#limits = options.limits ?? { ...DEFAULT_API_LIMITS };
    this.#clock = options.clock ?? systemClock;
  }

  async listen(): Promise<void> {
    // Before anything is bound: a half-configured remote API must not be reachable even for a moment.
    const { allowRemote = false, tls: tlsFiles = null } = this.options;
    const problem = apiSettingsProblems({ ...this.options, allowRemote, tls: tlsFiles })[0];
    if (problem !== undefined)
      throw new OvrseerError('OVRSEER_USAGE', `settings.api.${problem.key}: ${problem.message}`);
    const tls = tlsFiles === null ? null : readTls(tlsFiles);
    ensureSocketDir(this.socketPath, this.options.paths);
    if (this.socketPath !== this.options.paths.socket)
      writeFileSync(`${this.options.paths.root}/socket-path`, `${this.socketPath}\n`, { mode: 0o600 });
    // A socket file left by a killed supervisor: the caller has checked that nobody answers on it.
    if (existsSync(this.socketPath)) rmSync(this.socketPath);
    const onSocket = this.#listening('the socket', null);
    const unix = this.#bounded(
      createServer((socket) => this.#accept(socket, onSocket)),
      onSocket.name,
    );
    await listenOn(unix, () => unix.listen(this.socketPath));
    this.#servers.push(unix);
    chmodSync(this.socketPath, 0o600);
    if (this.options.listen !== null && this.options.token !== null) {
      const { host, port } = parseListen(this.options.listen) ?? { host: '127.0.0.1', port: 0 };
      const { createTokenCheck } = await import('./auth.js');
      const onTcp = this.#listening(`TCP ${this.options.listen}`, createTokenCheck(this.options.token));
      const accept = (socket: Socket): void => {
        if (onTcp.gate?.admit(socket) === true) this.#accept(socket, onTcp);
      };
      let tcp: Server;
      if (tls === null) tcp = createServer(accept);
      else {
        const { createServer: createTlsServer } = await import('node:tls');
        const handshakeTimeout = this.#limits.headerTimeoutMs;
        tcp = createTlsServer({ ...tls, handshakeTimeout }, accept);
        tcp.on('tlsClientError', () => onTcp.headTimeouts.hit());
      }
      this.#bounded(tcp, onTcp.name);
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
    for (const server of this.#http.values()) void server.then((http) => http.close());
    for (const notice of this.#notices) notice.dispose();
    rmSync(this.socketPath, { force: true });
  }

  #notice(describe: (count: number) => string): LimitNotice {
    const write = this.options.onLimit ?? (() => undefined);
    const notice = new LimitNotice(this.#clock, write, describe);
    this.#notices.push(notice);
    return notice;
  }

  #listening(name: string, token: TokenCheck | null): Listening {
    const limits = this.#limits;
    return {
      name,
      token,
      gate:
        token === null
          ? null
          : new UnauthenticatedGate(
              limits.maxUnauthenticated,
              this.#notice(
                (count) =>
                  `API on ${name}: refused ${count} connection(s): ${limits.maxUnauthenticated} are already open without the token`,
              ),
            ),
      headTimeouts: this.#notice(
        (count) =>
          `API on ${name}: closed ${count} connection(s) that did not send a request within ${limits.headerTimeoutMs} ms (slow or stalled clients)`,
      ),
    };
  }

  /** `maxConnections` per listener; node closes the ones past it and says so with `drop`. */
  #bounded(server: Server, name: string): Server {
    const max = this.#limits.maxConnections;
    server.maxConnections = max;
    const dropped = this.#notice(
      (count) =>
        `API on ${name}: refused ${count} connection(s): the limit of ${max} open connections is reached`,
    );
    server.on('drop', () => dropped.hit());
    return server;
  }

  #accept(socket: Socket, on: Listening): void {
    this.#sockets.add(socket);
    socket.on('close', () => this.#sockets.delete(socket));
    // A client that vanishes mid-request; node:http adds its own handling once it has the socket.
    socket.on('error', () => socket.destroy());
    serveQuickly(
      socket,
      (request) => this.#quickAnswer(request, on, socket),
      (handed) => void this.#handOff(handed, on),
      { ms: this.#limits.headerTimeoutMs, clock: this.#clock, onExpired: () => on.headTimeouts.hit() },
      // A larger body is Hono's to refuse (413) or to read.
      Math.min(QUICK_MAX_BODY_BYTES, this.#limits.maxBodyBytes),
    );
  }

  async #handOff(socket: Socket, on: Listening): Promise<void> {
    let server = this.#http.get(on);
    if (server === undefined) {
      server = import('node:http').then(({ createServer: createHttpServer }) =>
        this.#httpServer(createHttpServer, on),
      );
      this.#http.set(on, server);
    }
    try {
      (await server).emit('connection', socket);
      socket.resume();
    } catch (error) {
      this.backend.reportError(error instanceof Error ? error : new Error(String(error)), 'load the API');
      socket.destroy();
    }
  }

  #httpServer(create: typeof import('node:http').createServer, on: Listening): HttpServer {
    const { headerTimeoutMs, requestTimeoutMs } = this.#limits;
    const server = create(
      {
        headersTimeout: headerTimeoutMs,
        requestTimeout: Math.max(requestTimeoutMs, headerTimeoutMs),
        connectionsCheckingInterval: Math.min(1_000, headerTimeoutMs),
      },
      this.#lazyListener(on),
    );
    server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
      const timeout = error.code === 'ERR_HTTP_REQUEST_TIMEOUT';
      if (timeout) on.headTimeouts.hit();
      if (socket.writable) {
        const status = timeout
          ? '408 Request Timeout'
          : error.code === 'HPE_HEADER_OVERFLOW'
            ? '431 Request Header Fields Too Large'
            : '400 Bad Request';
        socket.end(`HTTP/1.1 ${status}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
      }
      socket.destroy();
    });
    // node:http checks headersTimeout and requestTimeout from a timer it starts on 'listening'; this
    // server never listens (it is handed connections), so without this no slow client is ever cut off.
    server.emit('listening');
    return server;
  }

  #quickAnswer(
    request: QuickRequest,
    on: Listening,
    socket: Socket,
  ): QuickResponse | Promise<QuickResponse> | null {
    if (request.method === 'GET' && isProcessList(request.target))
      return request.body.length > 0
        ? null
        : this.#processList(
            presentedToken(request.headers.get('authorization'), request.headers.get('cookie')),
            on,
            socket,
          );
    // With a token, Hono checks it (and the page's cookie and URL token) as for every other route.
    return on.token === null ? quickAction(request, this.backend) : null;
  }

  #lazyListener(on: Listening): Listener {
    let handler: Promise<Listener> | null = null;
    return (request, response) => {
      if (request.method === 'GET' && isProcessList(request.url)) {
        // A body on a GET means nothing here, but it must be read for the connection to be reusable.
        request.resume();
        const { status, body } = this.#processList(
          presentedToken(request.headers.authorization, request.headers.cookie),
          on,
          request.socket,
        );
        sendJson(response, status, body);
        return;
      }
      if (on.token?.(presentedToken(request.headers.authorization, request.headers.cookie)) === true)
        on.gate?.authenticated(request.socket);
      handler ??= Promise.all([import('@hono/node-server'), import('./routes.js')]).then(([node, routes]) =>
        node.getRequestListener(
          routes.createApp(
            this.backend,
            on.token,
            this.#limits,
            this.options.webRoot === undefined ? {} : { webRoot: this.options.webRoot },
          ).fetch,
        ),
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
  #processList(presented: string | undefined, on: Listening, socket: Socket): QuickResponse {
    if (on.token !== null && !on.token(presented)) {
      const error = { code: 'OVRSEER_UNAUTHORIZED', message: 'missing or wrong bearer token' };
      return { status: 401, body: JSON.stringify({ error }) };
    }
    on.gate?.authenticated(socket);
    try {
      return { status: 200, body: JSON.stringify(this.backend.rows()) };
    } catch (error) {
      const reply = errorReply(error, (failure) => this.backend.reportError(failure, 'api request'));
      return { status: reply.status, body: JSON.stringify(reply.body) };
    }
  }
}

/** The bearer token, else the dashboard page's cookie (see page-token.ts). */
function presentedToken(authorization: string | undefined, cookie: string | undefined): string | undefined {
  return bearerToken(authorization) ?? cookieValue(cookie, TOKEN_COOKIE);
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

function readTls(tls: { cert: string; key: string }): { cert: Buffer; key: Buffer } {
  const read = (key: 'cert' | 'key'): Buffer => {
    try {
      return readFileSync(tls[key]);
    } catch (error) {
      throw new OvrseerError(
        'OVRSEER_USAGE',
        `settings.api.tls.${key}: cannot read ${tls[key]}: ${errorMessage(error)}`,
      );
    }
  };
  return { cert: read('cert'), key: read('key') };
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
