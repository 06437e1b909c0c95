import { randomBytes } from 'node:crypto';
import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type OutgoingHttpHeaders,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { OvrseerError } from '../../errors.js';
import { createTokenCheck } from '../../supervisor/api/auth.js';
import { bearerToken } from '../../supervisor/api/bearer-token.js';
import {
  cookieValue,
  queryToken,
  TOKEN_COOKIE,
  tokenCookie,
  withoutToken,
} from '../../supervisor/api/page-token.js';

export interface ForwarderOptions {
  /** A loopback address unless `configuredToken` is true. @default '127.0.0.1' */
  host?: string;
  /** @default 0 (a free port) */
  port?: number;
  /** The supervisor's API socket, asked again for every request (a restarted supervisor's is new). */
  socketPath: () => string;
  /**
   * Called when no supervisor answers on `socketPath()` (at most one call at a time): finds the
   * project's supervisor again — restarted with another `settings.state_dir`, its socket elsewhere —
   * so that `socketPath()` names the new socket for the requests after it. @default none
   */
  relocate?: () => Promise<void>;
  /** @default a random one-time token for this run */
  token?: string;
  /**
   * The token is the project's `settings.api.token` (which the user knows), not one made up for
   * this run: only then may `host` be other than loopback. @default false
   */
  configuredToken?: boolean;
}

/** Headers of the browser that mean nothing to the supervisor's socket (or must not reach it). */
const DROPPED_REQUEST_HEADERS = new Set(['cookie', 'authorization', 'host', 'connection', 'keep-alive']);

/**
 * `ovrseer dashboard`'s local server: checks the token (from the URL once, then a cookie) and
 * forwards every request as it is to the supervisor's unix socket, where the API serves the page
 * and its data. Responses stream through as they come (server-sent events unbuffered). A request
 * made while no supervisor answers (it is restarting) gets a 502 the page waits out.
 */
export class DashboardForwarder {
  readonly token: string;
  readonly #check: (presented: string | undefined) => boolean;
  readonly #server: Server;
  readonly #host: string;
  readonly #port: number;
  #relocating: Promise<void> | null = null;

  constructor(private readonly options: ForwarderOptions) {
    this.#host = options.host ?? '127.0.0.1';
    this.#port = options.port ?? 0;
    if (!isLoopback(this.#host) && options.configuredToken !== true)
      throw new OvrseerError(
        'OVRSEER_USAGE',
        `--host ${this.#host}: not a loopback address; serving the dashboard beyond this machine needs settings.api.token set in the config (or use --host 127.0.0.1)`,
      );
    this.token = options.token ?? randomBytes(24).toString('base64url');
    this.#check = createTokenCheck(this.token);
    this.#server = createServer((request, response) => this.#handle(request, response));
  }

  /** Starts listening; resolves with the URL to open (token included). */
  listen(): Promise<string> {
    return new Promise((resolve, reject) => {
      this.#server.once('error', (error: NodeJS.ErrnoException) =>
        reject(
          new OvrseerError(
            'OVRSEER_USAGE',
            `cannot listen on ${this.#host}:${this.#port}: ${error.message}${error.code === 'EADDRINUSE' ? ' (choose another --port, or leave it out for a free one)' : ''}`,
          ),
        ),
      );
      this.#server.listen(this.#port, this.#host, () => resolve(this.url()));
    });
  }

  /** `http://host:port/?token=…`, once listening. */
  url(): string {
    const { port } = this.#server.address() as AddressInfo;
    const host = this.#host.includes(':') ? `[${this.#host}]` : this.#host;
    return `http://${host}:${port}/?token=${encodeURIComponent(this.token)}`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.#server.close(() => resolve());
      this.#server.closeAllConnections();
    });
  }

  #handle(request: IncomingMessage, response: ServerResponse): void {
    const url = request.url ?? '/';
    const path = url.split('?')[0];
    const inUrl = request.method === 'GET' && path === '/' ? queryToken(url) : undefined;
    if (inUrl !== undefined && this.#check(inUrl)) {
      request.resume();
      response.writeHead(302, { location: withoutToken(url), 'set-cookie': tokenCookie(inUrl) });
      response.end();
      return;
    }
    const presented =
      bearerToken(request.headers.authorization) ?? cookieValue(request.headers.cookie, TOKEN_COOKIE);
    if (!this.#check(presented)) {
      request.resume();
      sendError(
        response,
        401,
        'OVRSEER_UNAUTHORIZED',
        'missing or wrong token: open the dashboard with the URL `ovrseer dashboard` printed (it ends in ?token=…)',
      );
      return;
    }
    this.#forward(request, response, url);
  }

  #relocate(): void {
    const relocate = this.options.relocate;
    if (relocate === undefined || this.#relocating !== null) return;
    this.#relocating = relocate().finally(() => {
      this.#relocating = null;
    });
  }

  #forward(request: IncomingMessage, response: ServerResponse, url: string): void {
    const headers: OutgoingHttpHeaders = { host: 'localhost' };
    for (const [name, value] of Object.entries(request.headers))
      if (!DROPPED_REQUEST_HEADERS.has(name) && value !== undefined) headers[name] = value;
    const socketPath = this.options.socketPath();
    const upstream = httpRequest({ socketPath, method: request.method, path: url, headers });
    upstream.on('response', (answer) => {
      response.writeHead(answer.statusCode ?? 502, answer.headers);
      // Server-sent events must reach the page as each is written, not when a buffer fills.
      response.flushHeaders();
      response.socket?.setNoDelay(true);
      answer.pipe(response);
      answer.on('error', () => response.destroy());
    });
    upstream.on('error', (error: NodeJS.ErrnoException) => {
      if (response.headersSent) {
        response.destroy();
        return;
      }
      const gone = error.code === 'ENOENT' || error.code === 'ECONNREFUSED';
      if (gone) this.#relocate();
      sendError(
        response,
        502,
        gone ? 'OVRSEER_NOT_RUNNING' : 'OVRSEER_API_FAILED',
        gone
          ? `no supervisor answers on ${socketPath} (restarting, or stopped: \`ovrseer up -d\` starts it again; the page reconnects by itself)`
          : `the supervisor's API failed: ${error.message}`,
      );
    });
    // The browser left (a closed EventSource): end the stream on the supervisor's side too.
    response.on('close', () => upstream.destroy());
    request.pipe(upstream);
  }
}

/** `127.0.0.0/8`, `::1` and `localhost`: the addresses only this machine reaches. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}

function sendError(response: ServerResponse, status: number, code: string, message: string): void {
  const body = JSON.stringify({ error: { code, message } });
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
  });
  response.end(body);
}
