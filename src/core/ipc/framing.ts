/**
 * The wire format of `OVRSEER_IPC` (docs/ipc.md): one JSON value per line, UTF-8, `\n`-terminated.
 * Kept free of sockets so the framing and the checks are tested on their own.
 */

/** Largest line accepted or sent, newline excluded. @default 1 MiB */
export const MAX_MESSAGE_BYTES = 1024 * 1024;

/** Bytes a slow reader may have waiting before further messages to it are dropped. @default 4 MiB */
export const MAX_QUEUED_BYTES = 4 * 1024 * 1024;

/** What the supervisor sends before `{from, message}` lines: an error, or a count of dropped messages. */
export interface ErrorLine {
  error: { code: string; message: string };
}

export type FrameEvent = { kind: 'line'; text: string } | { kind: 'oversized'; bytes: number };

/**
 * Splits a byte stream into lines without ever holding more than `maxBytes` of one: a longer line is
 * reported once (`oversized`) and skipped up to its newline, so the stream stays in step.
 */
export class LineFramer {
  readonly #maxBytes: number;
  #parts: Buffer[] = [];
  #size = 0;
  /** Bytes of an oversized line seen so far, while it is being skipped; -1 when not skipping. */
  #skipping = -1;

  constructor(maxBytes = MAX_MESSAGE_BYTES) {
    this.#maxBytes = maxBytes;
  }

  push(chunk: Buffer): FrameEvent[] {
    const events: FrameEvent[] = [];
    let start = 0;
    while (start <= chunk.length) {
      const newline = chunk.indexOf(10, start);
      const end = newline === -1 ? chunk.length : newline;
      const piece = chunk.subarray(start, end);
      if (this.#skipping >= 0) {
        this.#skipping += piece.length;
      } else if (this.#size + piece.length > this.#maxBytes) {
        this.#skipping = this.#size + piece.length;
        this.#parts = [];
        this.#size = 0;
      } else if (piece.length > 0) {
        this.#parts.push(piece);
        this.#size += piece.length;
      }
      if (newline === -1) break;
      if (this.#skipping >= 0) {
        events.push({ kind: 'oversized', bytes: this.#skipping });
        this.#skipping = -1;
      } else {
        const text = Buffer.concat(this.#parts, this.#size).toString('utf8').trim();
        this.#parts = [];
        this.#size = 0;
        if (text !== '') events.push({ kind: 'line', text });
      }
      start = newline + 1;
    }
    // A part kept across chunks must not pin the whole chunk it came from.
    if (this.#parts.length > 0 && start < chunk.length) {
      const last = this.#parts.length - 1;
      this.#parts[last] = Buffer.from(this.#parts[last] as Buffer);
    }
    return events;
  }
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: ErrorLine };

export function errorLine(code: string, message: string): ErrorLine {
  return { error: { code, message } };
}

function parseObject(text: string): Parsed<Record<string, unknown>> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    return { ok: false, error: errorLine('bad_json', `not JSON (${why}): send one JSON object a line`) };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return {
      ok: false,
      error: errorLine('bad_message', 'expected a JSON object such as {"to": "api", "message": …}'),
    };
  }
  return { ok: true, value: value as Record<string, unknown> };
}

/** The first line of a socket client: `{"hello": NAME, "token": TOKEN}` from its environment. */
export function parseHello(text: string): Parsed<{ name: string; token: string }> {
  const parsed = parseObject(text);
  if (!parsed.ok) return parsed;
  const { hello, token } = parsed.value;
  if (typeof hello !== 'string' || typeof token !== 'string') {
    return {
      ok: false,
      error: errorLine(
        'hello_required',
        'the first line must be {"hello": $OVRSEER_IPC_NAME, "token": $OVRSEER_IPC_TOKEN}',
      ),
    };
  }
  return { ok: true, value: { name: hello, token } };
}

/** An outgoing request, from a socket line or a Node `process.send`: `{to, message}`. */
export function checkRequest(value: unknown): Parsed<{ to: string; message: unknown }> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, error: errorLine('bad_message', 'expected {"to": NAME, "message": …}') };
  }
  const { to, message } = value as Record<string, unknown>;
  if (typeof to !== 'string' || to === '') {
    return {
      ok: false,
      error: errorLine(
        'bad_message',
        '"to" must name a process (api, worker.2, group:G, tag:T) or be "*" for all',
      ),
    };
  }
  if (message === undefined) {
    return {
      ok: false,
      error: errorLine('bad_message', '"message" is missing (any JSON value, null included)'),
    };
  }
  return { ok: true, value: { to, message } };
}

export function parseRequest(text: string): Parsed<{ to: string; message: unknown }> {
  const parsed = parseObject(text);
  return parsed.ok ? checkRequest(parsed.value) : parsed;
}

/** The line a recipient reads, or an error when it would exceed the maximum. */
export function encodeDelivery(from: string, message: unknown, maxBytes = MAX_MESSAGE_BYTES): Parsed<string> {
  const line = JSON.stringify({ from, message });
  const bytes = Buffer.byteLength(line);
  if (bytes > maxBytes) {
    return {
      ok: false,
      error: errorLine('too_large', `message of ${bytes} bytes exceeds the maximum of ${maxBytes} bytes`),
    };
  }
  return { ok: true, value: `${line}\n` };
}
