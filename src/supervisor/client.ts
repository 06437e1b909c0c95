import { connect } from 'node:net';
import { OvrseerError } from '../errors.js';

export interface ApiResponse<T> {
  status: number;
  body: T;
}

/** `{error: {code, message}}`, as every API error is shaped. */
interface ApiErrorBody {
  error?: { code?: string; message?: string };
}

/**
 * A small client of the supervisor's API over its unix socket (fetch cannot reach a unix socket).
 * Non-2xx answers become an OvrseerError carrying the API's code.
 *
 * Plain requests are written as HTTP/1.1 with `Connection: close` straight on a `node:net` socket, and
 * the answer is read to the end: a CLI command makes one or two of them and exits, and node:http's
 * client costs such a short-lived process ~8 ms of start-up (module loading and cold code), a tenth
 * of `ovrseer ps`'s budget. Event streams, long-lived, use node:http, loaded when first needed.
 */
export class ApiClient {
  constructor(readonly socketPath: string) {}

  /** @param timeoutMs without an answer by then: `OVRSEER_API_TIMEOUT`. @default 30 s */
  async get<T>(path: string, timeoutMs?: number): Promise<T> {
    return (await this.#send<T>('GET', path, undefined, timeoutMs)).body;
  }

  async post<T>(path: string, body?: unknown): Promise<T> {
    return (await this.#send<T>('POST', path, body)).body;
  }

  /** Raw bytes (e.g. stdin for `attach`). */
  async postBytes<T>(path: string, data: Buffer): Promise<T> {
    return (await this.#send<T>('POST', path, data)).body;
  }

  /**
   * Whether a supervisor is there. One that took the connection but has not answered within
   * `timeoutMs` is there and busy (spawning or stopping a thousand processes on a loaded machine):
   * that is `true`, not an error, so `down` and `ps` wait for it instead of failing.
   */
  async ping(timeoutMs = 1000): Promise<boolean> {
    try {
      await this.#send('GET', '/v1/processes', undefined, timeoutMs);
      return true;
    } catch (error) {
      if (error instanceof OvrseerError && error.code === 'OVRSEER_NOT_RUNNING') return false;
      if (error instanceof OvrseerError && error.code === 'OVRSEER_API_TIMEOUT') return true;
      throw error;
    }
  }

  /**
   * Follows a server-sent-event stream; `onEvent` gets each event's name and parsed data. Resolves when
   * the server ends the stream; `signal` ends it from this side.
   */
  async stream(
    path: string,
    onEvent: (event: string, data: unknown) => void,
    signal?: AbortSignal,
  ): Promise<void> {
    const { request } = await import('node:http');
    return new Promise((resolve, reject) => {
      const req = request({
        socketPath: this.socketPath,
        path,
        method: 'GET',
        headers: { accept: 'text/event-stream' },
      });
      signal?.addEventListener('abort', () => {
        req.destroy();
        resolve();
      });
      req.on('error', (error) =>
        signal?.aborted ? resolve() : reject(toClientError(error, this.socketPath)),
      );
      req.on('response', (response) => {
        if ((response.statusCode ?? 500) >= 400) {
          collect(response).then((text) => reject(apiError(response.statusCode ?? 500, text)), reject);
          return;
        }
        let buffer = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          buffer += chunk;
          let end = buffer.indexOf('\n\n');
          while (end !== -1) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            dispatch(block, onEvent);
            end = buffer.indexOf('\n\n');
          }
        });
        response.on('end', () => resolve());
        response.on('error', (error) => (signal?.aborted ? resolve() : reject(error)));
      });
      req.end();
    });
  }

  #send<T>(method: string, path: string, body?: unknown, timeoutMs = 30_000): Promise<ApiResponse<T>> {
    return new Promise((resolve, reject) => {
      const payload =
        body === undefined ? undefined : Buffer.isBuffer(body) ? body : Buffer.from(JSON.stringify(body));
      const head = [`${method} ${path} HTTP/1.1`, 'Host: localhost', 'Connection: close'];
      if (payload !== undefined) {
        head.push(`Content-Type: ${Buffer.isBuffer(body) ? 'application/octet-stream' : 'application/json'}`);
      }
      head.push(`Content-Length: ${payload?.length ?? 0}`, '', '');
      const chunks: Buffer[] = [];
      const socket = connect({ path: this.socketPath });
      socket.setTimeout(timeoutMs, () =>
        socket.destroy(
          new OvrseerError('OVRSEER_API_TIMEOUT', `no answer from ${this.socketPath} within ${timeoutMs}ms`),
        ),
      );
      socket.on('error', (error) => reject(toClientError(error, this.socketPath)));
      socket.on('data', (chunk: Buffer) => chunks.push(chunk));
      socket.on('end', () => {
        socket.destroy();
        const response = parseResponse(Buffer.concat(chunks));
        if (response === null) {
          // Closed before a whole answer: the supervisor is going away (as node:http's "socket hang up").
          reject(new OvrseerError('OVRSEER_NOT_RUNNING', `no supervisor answers on ${this.socketPath}`));
          return;
        }
        if (response.status >= 400) {
          reject(apiError(response.status, response.text));
          return;
        }
        try {
          resolve({
            status: response.status,
            body: (response.text === '' ? undefined : JSON.parse(response.text)) as T,
          });
        } catch (error) {
          reject(error);
        }
      });
      // No half-close after the request: a node:http server ends a connection whose client ended
      // before the answer is written. `Connection: close` has the server close it after answering.
      socket.write(
        payload === undefined ? head.join('\r\n') : Buffer.concat([Buffer.from(head.join('\r\n')), payload]),
      );
    });
  }
}

/**
 * Status and body text of a whole HTTP/1.1 response (read until the server closed the connection),
 * or null when it is cut short. The body is `Content-Length` bytes, chunked, or all that follows.
 */
export function parseResponse(raw: Buffer): { status: number; text: string } | null {
  const headEnd = raw.indexOf('\r\n\r\n');
  if (headEnd === -1) return null;
  const lines = raw.toString('latin1', 0, headEnd).split('\r\n');
  const status = /^HTTP\/1\.[01] (\d{3})/.exec(lines[0] ?? '');
  if (status === null) return null;
  const headers = new Map<string, string>();
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  let body = raw.subarray(headEnd + 4);
  if (/chunked/i.test(headers.get('transfer-encoding') ?? '')) {
    const decoded = decodeChunked(body);
    if (decoded === null) return null;
    body = decoded;
  } else if (headers.has('content-length')) {
    const length = Number(headers.get('content-length'));
    if (!(body.length >= length)) return null;
    body = body.subarray(0, length);
  }
  return { status: Number(status[1]), text: body.toString('utf8') };
}

/** The data of a chunked body, or null when the last (empty) chunk is missing. */
function decodeChunked(body: Buffer): Buffer | null {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const lineEnd = body.indexOf('\r\n', at);
    if (lineEnd === -1) return null;
    const size = Number.parseInt(body.toString('latin1', at, lineEnd), 16);
    if (Number.isNaN(size)) return null;
    if (size === 0) return Buffer.concat(parts);
    const start = lineEnd + 2;
    if (body.length < start + size) return null;
    parts.push(body.subarray(start, start + size));
    at = start + size + 2;
  }
}

function collect(stream: NodeJS.ReadableStream): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      text += chunk;
    });
    stream.on('end', () => resolve(text));
    stream.on('error', reject);
  });
}

function dispatch(block: string, onEvent: (event: string, data: unknown) => void): void {
  let event = 'message';
  const data: string[] = [];
  for (const line of block.split('\n')) {
    if (line.startsWith('event:')) event = line.slice(6).trim();
    else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
  }
  if (data.length === 0) return;
  onEvent(event, JSON.parse(data.join('\n')));
}

function apiError(status: number, text: string): OvrseerError {
  let parsed: ApiErrorBody = {};
  try {
    parsed = JSON.parse(text) as ApiErrorBody;
  } catch {
    // Not JSON: the raw text is the message below.
  }
  const code = parsed.error?.code;
  const known = code?.startsWith('OVRSEER_') ? (code as OvrseerError['code']) : 'OVRSEER_API_FAILED';
  return new OvrseerError(known, parsed.error?.message ?? `HTTP ${status}: ${text.slice(0, 200)}`);
}

function toClientError(error: Error, socketPath: string): Error {
  const code = (error as NodeJS.ErrnoException).code;
  // ECONNRESET / EPIPE: the supervisor closed the socket while answering, i.e. it is going away.
  if (code === 'ENOENT' || code === 'ECONNREFUSED' || code === 'ECONNRESET' || code === 'EPIPE') {
    return new OvrseerError('OVRSEER_NOT_RUNNING', `no supervisor answers on ${socketPath}`);
  }
  return error;
}
