import { request } from 'node:http';
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
 * A small client of the supervisor's API over its unix socket (node:http with `socketPath`; fetch
 * cannot reach a unix socket). Non-2xx answers become an OvrseerError carrying the API's code.
 */
export class ApiClient {
  constructor(readonly socketPath: string) {}

  async get<T>(path: string): Promise<T> {
    return (await this.#send<T>('GET', path)).body;
  }

  async post<T>(path: string, body?: unknown): Promise<T> {
    return (await this.#send<T>('POST', path, body)).body;
  }

  /** Raw bytes (e.g. stdin for `attach`). */
  async postBytes<T>(path: string, data: Buffer): Promise<T> {
    return (await this.#send<T>('POST', path, data)).body;
  }

  /** Whether a supervisor answers on the socket. */
  async ping(timeoutMs = 1000): Promise<boolean> {
    try {
      await this.#send('GET', '/v1/processes', undefined, timeoutMs);
      return true;
    } catch (error) {
      if (error instanceof OvrseerError && error.code === 'OVRSEER_NOT_RUNNING') return false;
      throw error;
    }
  }

  /**
   * Follows a server-sent-event stream; `onEvent` gets each event's name and parsed data. Resolves when
   * the server ends the stream; `signal` ends it from this side.
   */
  stream(path: string, onEvent: (event: string, data: unknown) => void, signal?: AbortSignal): Promise<void> {
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
      const req = request({
        socketPath: this.socketPath,
        path,
        method,
        timeout: timeoutMs,
        headers:
          payload === undefined
            ? {}
            : {
                'content-type': Buffer.isBuffer(body) ? 'application/octet-stream' : 'application/json',
                'content-length': payload.length,
              },
      });
      req.on('timeout', () =>
        req.destroy(
          new OvrseerError('OVRSEER_API_FAILED', `no answer from ${this.socketPath} within ${timeoutMs}ms`),
        ),
      );
      req.on('error', (error) => reject(toClientError(error, this.socketPath)));
      req.on('response', (response) => {
        collect(response).then((text) => {
          const status = response.statusCode ?? 500;
          if (status >= 400) {
            reject(apiError(status, text));
            return;
          }
          resolve({ status, body: (text === '' ? undefined : JSON.parse(text)) as T });
        }, reject);
      });
      req.end(payload);
    });
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
