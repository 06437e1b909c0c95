import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ApiClient, parseResponse } from '../../../src/supervisor/client.js';

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

describe('ApiClient.ping', () => {
  it('counts a supervisor that takes the connection but is too busy to answer as there', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ovrseer-ping-'));
    const held: Socket[] = [];
    const server = createServer((socket) => held.push(socket));
    const path = join(dir, 'ovrseer.sock');
    await new Promise<void>((resolve) => server.listen(path, resolve));
    try {
      expect(await new ApiClient(path).ping(100)).toBe(true);
    } finally {
      for (const socket of held) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('says no supervisor when nothing listens', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ovrseer-ping-'));
    try {
      expect(await new ApiClient(join(dir, 'ovrseer.sock')).ping(100)).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
