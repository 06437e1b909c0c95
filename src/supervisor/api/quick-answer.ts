import type { Socket } from 'node:net';
import { type Clock, type ClockTimer, systemClock } from '../../core/clock.js';
import { DEFAULT_API_LIMITS } from './limits.js';

/** A request head is read up to this size; anything larger goes to node:http (which refuses it). */
const MAX_HEAD_BYTES = 8 * 1024;
/** A connection kept open by a client that says nothing more is closed after this long. */
export const QUICK_IDLE_TIMEOUT_MS = 5_000;
/** The largest body read here: an action's `{targets}` is far smaller; larger ones go to node:http. */
export const QUICK_MAX_BODY_BYTES = 64 * 1024;

export interface RequestHead {
  method: string;
  target: string;
  version: string;
  /** Lower-cased names; the last of repeated headers wins. */
  headers: Map<string, string>;
  /** Bytes of the head, the blank line included. */
  length: number;
}

/** A request with its whole body (`content-length` bytes; none without that header). */
export interface QuickRequest extends RequestHead {
  body: Buffer;
}

export interface QuickResponse {
  status: number;
  body: string;
}

/** How long a request head may take to arrive, from its first byte (or from the connection). */
export interface HeadDeadline {
  ms: number;
  clock: Clock;
  /** Called before the connection is closed with a 408. */
  onExpired(): void;
}

/**
 * Answers the requests that `answer` accepts straight on the socket; at the first request it does not
 * accept (or anything it cannot read), the connection and every byte read so far go to `handOff`.
 * Lets the supervisor serve `GET /v1/processes` — what `ps`, `up -d` and every ping ask — and the
 * CLI's start/stop/restart without loading node:http (~1 MB of RSS), Hono and zod, nor undici, which
 * the first `Request` or `Headers` loads (~9 MB): an idle supervisor keeps them for as long as it lives.
 * A body is read only when `content-length` gives its size, at most `maxBodyBytes` (the deadline
 * covers it as it covers the head); a promised answer holds the connection's next request until it
 * is written, and must not reject.
 */
export function serveQuickly(
  socket: Socket,
  answer: (request: QuickRequest) => QuickResponse | Promise<QuickResponse> | null,
  handOff: (socket: Socket) => void,
  deadline: HeadDeadline = {
    ms: DEFAULT_API_LIMITS.headerTimeoutMs,
    clock: systemClock,
    onExpired: () => undefined,
  },
  /** @default QUICK_MAX_BODY_BYTES */
  maxBodyBytes = QUICK_MAX_BODY_BYTES,
): void {
  let buffered: Buffer = Buffer.alloc(0);
  let busy = false;
  // The idle timeout below restarts with every byte: a client trickling one every few seconds would
  // hold the connection forever without this one, which does not.
  let headTimer: ClockTimer | null = null;
  const startHead = (): void => {
    headTimer ??= deadline.clock.setTimeout(() => {
      headTimer = null;
      deadline.onExpired();
      socket.off('data', onData);
      socket.end('HTTP/1.1 408 Request Timeout\r\nconnection: close\r\ncontent-length: 0\r\n\r\n', () =>
        socket.destroy(),
      );
    }, deadline.ms);
  };
  const endHead = (): void => {
    if (headTimer !== null) deadline.clock.clearTimeout(headTimer);
    headTimer = null;
  };
  const giveUp = (): void => {
    endHead();
    socket.off('data', onData);
    socket.setTimeout(0);
    socket.off('timeout', onTimeout);
    socket.pause();
    if (buffered.length > 0) socket.unshift(buffered);
    handOff(socket);
  };
  const onTimeout = (): void => {
    socket.destroy();
  };
  /** Writes the answer; true when the connection ends with it. */
  const send = (response: QuickResponse, close: boolean): boolean => {
    socket.write(responseBytes(response, close));
    if (!close) return false;
    socket.off('data', onData);
    socket.end();
    return true;
  };
  const pump = (): void => {
    while (!busy) {
      const head = readRequestHead(buffered);
      if (head === 'incomplete') {
        if (buffered.length > MAX_HEAD_BYTES) giveUp();
        return;
      }
      const bodyLength = head === null ? null : readableBodyLength(head, maxBodyBytes);
      if (head === null || bodyLength === null) {
        giveUp();
        return;
      }
      const end = head.length + bodyLength;
      if (buffered.length < end) return;
      const response = answer({ ...head, body: buffered.subarray(head.length, end) });
      if (response === null) {
        giveUp();
        return;
      }
      endHead();
      buffered = buffered.subarray(end);
      const close = wantsClose(head);
      if (response instanceof Promise) {
        busy = true;
        socket.pause();
        // An action may take as long as its processes take to stop: the client waits, and so do we.
        socket.setTimeout(0);
        response.then(
          (resolved) => {
            busy = false;
            if (socket.destroyed) return;
            socket.setTimeout(QUICK_IDLE_TIMEOUT_MS);
            if (send(resolved, close)) return;
            socket.resume();
            if (buffered.length > 0) startHead();
            pump();
          },
          // Documented never to happen: the answerer turns its failures into error answers.
          () => socket.destroy(),
        );
        return;
      }
      if (send(response, close)) return;
      if (buffered.length === 0) return;
      startHead();
    }
  };
  const onData = (chunk: Buffer): void => {
    // The next request's time starts once the one before it is answered.
    if (!busy) startHead();
    buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
    pump();
  };
  startHead();
  socket.once('close', endHead);
  socket.setTimeout(QUICK_IDLE_TIMEOUT_MS);
  socket.on('timeout', onTimeout);
  socket.on('data', onData);
}

/** The head at the start of `data`; `'incomplete'` until its blank line arrives; null if malformed. */
export function readRequestHead(data: Buffer): RequestHead | 'incomplete' | null {
  const end = data.indexOf('\r\n\r\n');
  if (end === -1) return 'incomplete';
  const lines = data.toString('latin1', 0, end).split('\r\n');
  const request = /^([A-Z]+) (\S+) HTTP\/(1\.[01])$/.exec(lines[0] ?? '');
  if (request === null) return null;
  const headers = new Map<string, string>();
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    if (colon <= 0) return null;
    headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return {
    method: request[1] as string,
    target: request[2] as string,
    version: request[3] as string,
    headers,
    length: end + 4,
  };
}

/** The body's size when it is given and small enough to read here, else null (node:http reads it). */
function readableBodyLength(head: RequestHead, max: number): number | null {
  const { headers } = head;
  if (headers.has('transfer-encoding') || headers.has('expect') || headers.has('upgrade')) return null;
  const length = headers.get('content-length');
  if (length === undefined) return 0;
  if (!/^\d{1,9}$/.test(length)) return null;
  const size = Number(length);
  return size <= max ? size : null;
}

function wantsClose(head: RequestHead): boolean {
  const connection = head.headers.get('connection')?.toLowerCase();
  return head.version === '1.0' ? connection !== 'keep-alive' : connection === 'close';
}

const STATUS_TEXT: Record<number, string> = {
  200: 'OK',
  400: 'Bad Request',
  401: 'Unauthorized',
  404: 'Not Found',
  409: 'Conflict',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

function responseBytes(response: QuickResponse, close: boolean): Buffer {
  const body = Buffer.from(response.body);
  const head = [
    `HTTP/1.1 ${response.status} ${STATUS_TEXT[response.status] ?? 'Error'}`,
    'content-type: application/json',
    `content-length: ${body.length}`,
    `date: ${new Date().toUTCString()}`,
    `connection: ${close ? 'close' : 'keep-alive'}`,
    '',
    '',
  ].join('\r\n');
  return Buffer.concat([Buffer.from(head, 'latin1'), body]);
}
