import { describe, expect, it } from 'vitest';
import { parseResponse } from '../../../src/supervisor/client.js';

const raw = (text: string): Buffer => Buffer.from(text, 'utf8');

describe('parseResponse', () => {
  it('reads a Content-Length body, multi-byte characters included', () => {
    const body = '[{"name":"api","reason":"é"}]';
    const response = raw(
      `HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
    expect(parseResponse(response)).toEqual({ status: 200, text: body });
  });

  it('decodes a chunked body', () => {
    const response = raw(
      'HTTP/1.1 404 Not Found\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n{"err\r\nA\r\nor":"x"}  \r\n0\r\n\r\n',
    );
    expect(parseResponse(response)).toEqual({ status: 404, text: '{"error":"x"}  ' });
  });

  it('takes what follows the head when there is neither', () => {
    expect(parseResponse(raw('HTTP/1.1 202 Accepted\r\n\r\n{"ok":true}'))).toEqual({
      status: 202,
      text: '{"ok":true}',
    });
  });

  it('returns null for an answer cut short', () => {
    expect(parseResponse(raw(''))).toBeNull();
    expect(parseResponse(raw('HTTP/1.1 200 OK\r\nContent-Len'))).toBeNull();
    expect(parseResponse(raw('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n[1,2'))).toBeNull();
    expect(parseResponse(raw('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\n[1,2'))).toBeNull();
    expect(parseResponse(raw('garbage\r\n\r\n'))).toBeNull();
  });
});
