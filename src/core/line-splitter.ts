const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;

/** @default 65536 — lines longer than this are cut, so one runaway line cannot exhaust memory. */
export const DEFAULT_MAX_LINE_BYTES = 64 * 1024;

export const TRUNCATION_MARKER = ' … [ovrseer: line cut';

/**
 * Turns a byte stream into lines. A partial line is held until its newline arrives and is emitted by
 * `end()`, so a last line without a trailing newline is never lost. Splitting happens on bytes, so a
 * multi-byte character split across chunks stays intact; invalid UTF-8 becomes U+FFFD.
 */
export class LineSplitter {
  readonly #maxLineBytes: number;
  readonly #onLine: (text: string) => void;
  #pending: Buffer[] = [];
  #pendingBytes = 0;
  /** Bytes dropped from the current over-long line, still waiting for its newline. */
  #discarding = 0;

  constructor(onLine: (text: string) => void, maxLineBytes = DEFAULT_MAX_LINE_BYTES) {
    this.#onLine = onLine;
    this.#maxLineBytes = maxLineBytes;
  }

  push(chunk: Buffer): void {
    let position = 0;
    while (position < chunk.length) {
      const newline = chunk.indexOf(NEWLINE, position);
      if (newline === -1) {
        this.#hold(chunk.subarray(position));
        return;
      }
      this.#completeLine(chunk.subarray(position, newline));
      position = newline + 1;
    }
  }

  /** Emits the held partial line, if any. */
  end(): void {
    if (this.#pendingBytes > 0 || this.#discarding > 0) {
      this.#completeLine(Buffer.alloc(0));
    }
  }

  #hold(part: Buffer): void {
    if (this.#discarding > 0) {
      this.#discarding += part.length;
      return;
    }
    this.#pending.push(part);
    this.#pendingBytes += part.length;
    // One byte of slack: the CR of a CRLF ending must not count against the cap.
    if (this.#pendingBytes > this.#maxLineBytes + 1) {
      const whole = Buffer.concat(this.#pending, this.#pendingBytes);
      const cut = utf8Boundary(whole, this.#maxLineBytes);
      this.#discarding = whole.length - cut;
      this.#pending = [whole.subarray(0, cut)];
      this.#pendingBytes = cut;
    }
  }

  #completeLine(tail: Buffer): void {
    let line: Buffer;
    if (this.#pendingBytes === 0 && this.#discarding === 0) {
      line = tail;
    } else {
      this.#hold(tail);
      line = this.#pending.length === 1 ? (this.#pending[0] as Buffer) : Buffer.concat(this.#pending);
    }
    if (this.#discarding === 0 && line.length > 0 && line[line.length - 1] === CARRIAGE_RETURN) {
      line = line.subarray(0, line.length - 1);
    }
    if (line.length > this.#maxLineBytes) {
      const cut = utf8Boundary(line, this.#maxLineBytes);
      this.#discarding += line.length - cut;
      line = line.subarray(0, cut);
    }
    let text = line.toString('utf8');
    if (this.#discarding > 0) {
      text += `${TRUNCATION_MARKER} at ${this.#maxLineBytes} bytes, ${this.#discarding} more bytes dropped]`;
    }
    this.#pending = [];
    this.#pendingBytes = 0;
    this.#discarding = 0;
    this.#onLine(text);
  }
}

/** The largest index <= `limit` that does not split a UTF-8 sequence. */
function utf8Boundary(buffer: Buffer, limit: number): number {
  let cut = Math.min(limit, buffer.length);
  // Continuation bytes look like 0b10xxxxxx; back off to the start of the character.
  while (cut > 0 && cut < buffer.length && ((buffer[cut] as number) & 0xc0) === 0x80) cut -= 1;
  return cut;
}
