import type { Socket } from 'node:net';
import { type Clock, type ClockTimer, systemClock } from '../../core/clock.js';
import { DEFAULT_API_LIMITS } from './limits.js';

/** A request head is read up to this size; anything larger goes to node:http (which refuses it). */
const MAX_HEAD_BYTES = 8 * 1024;
/** A connection kept open by a client that says nothing more is closed after this long. */
export const QUICK_IDLE_TIMEOUT_MS = 5_000;

export interface RequestHead {
  method: string;
  target: string;
  version: string;
  /** Lower-cased names; the last of repeated headers wins. */
  headers: Map<string, string>;
  /** Bytes of the head, the blank line included. */
  length: number;
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
 * Lets the supervisor serve `GET /v1/processes` — what `ps`, `up -d` and every ping ask — without
 * loading node:http, which costs an idle supervisor ~1 MB of RSS for as long as it lives.
 */
export function serveQuickly(
  socket: Socket,
  answer: (head: RequestHead) => QuickResponse | null,
  handOff: (socket: Socket) => void,
  deadline: HeadDeadline = {
    ms: DEFAULT_API_LIMITS.headerTimeoutMs,
    clock: systemClock,
    onExpired: () => undefined,
  },
): void {
  let buffered: Buffer = Buffer.alloc(0);
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
  const onData = (chunk: Buffer): void => {
    startHead();
    buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
    for (;;) {
      const head = readRequestHead(buffered);
      if (head === 'incomplete') {
        if (buffered.length > MAX_HEAD_BYTES) giveUp();
        return;
      }
      const response = head === null || hasBody(head) ? null : answer(head);
      if (head === null || response === null) {
        giveUp();
        return;
      }
      endHead();
      buffered = buffered.subarray(head.length);
      const close = wantsClose(head);
      socket.write(responseBytes(response, close));
      if (close) {
        socket.off('data', onData);
        socket.end();
        return;
      }
      if (buffered.length === 0) return;
      startHead();
    }
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

function hasBody(head: RequestHead): boolean {
  const length = head.headers.get('content-length');
  return (
    head.headers.has('transfer-encoding') ||
    head.headers.has('expect') ||
    head.headers.has('upgrade') ||
    (length !== undefined && length !== '0')
  );
}

function wantsClose(head: RequestHead): boolean {
  const connection = head.headers.get('connection')?.toLowerCase();
  return head.version === '1.0' ? connection !== 'keep-alive' : connection === 'close';
}

const STATUS_TEXT: Record<number, string> = { 200: 'OK', 401: 'Unauthorized', 500: 'Internal Server Error' };

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
