type Slice = (this: Buffer, start: number, end: number) => string;
type Write = (this: Buffer, text: string, offset: number) => number;
const proto = Buffer.prototype as unknown as { latin1Slice?: Slice; utf8Slice?: Slice; utf8Write?: Write };

/*
 * The internal methods that `buffer.toString(encoding, …)` and `buffer.write(text, offset)` end in,
 * called without their argument checks: per line, those checks cost as much as the copy itself. They
 * are not in the typings, so they are looked up once, with the public methods as the fallback.
 */
const latin1: Slice =
  proto.latin1Slice ??
  function (this: Buffer, start, end) {
    return this.toString('latin1', start, end);
  };
const utf8: Slice =
  proto.utf8Slice ??
  function (this: Buffer, start, end) {
    return this.toString('utf8', start, end);
  };
const write: Write =
  proto.utf8Write ??
  function (this: Buffer, text, offset) {
    return this.write(text, offset);
  };

/** Bytes as one character each (exact for ASCII, and fast). */
export function latin1Slice(buffer: Buffer, start: number, end: number): string {
  return latin1.call(buffer, start, end);
}

export function utf8Slice(buffer: Buffer, start: number, end: number): string {
  return utf8.call(buffer, start, end);
}

/** Encodes `text` at `offset`; the caller has made sure it fits. Returns the bytes written. */
export function utf8Write(buffer: Buffer, text: string, offset: number): number {
  return write.call(buffer, text, offset);
}
