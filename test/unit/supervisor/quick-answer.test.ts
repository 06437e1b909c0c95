import { mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readRequestHead, serveQuickly } from '../../../src/supervisor/api/quick-answer.js';
import { waitFor } from '../../helpers/wait-for.js';

describe('readRequestHead', () => {
  it('waits for the blank line, then reads the request line and headers', () => {
    expect(readRequestHead(Buffer.from('GET /v1/processes HTTP/1.1\r\nHost: x\r\n'))).toBe('incomplete');
    const head = readRequestHead(
      Buffer.from('GET /v1/processes?x=1 HTTP/1.1\r\nHost: x\r\nConnection:  Close \r\n\r\nrest'),
    );
    expect(head).toMatchObject({ method: 'GET', target: '/v1/processes?x=1', version: '1.1', length: 64 });
    expect(head !== 'incomplete' && head?.headers.get('connection')).toBe('Close');
  });

  it('rejects what is not an HTTP/1 request head', () => {
    expect(readRequestHead(Buffer.from('HELLO\r\n\r\n'))).toBeNull();
    expect(readRequestHead(Buffer.from('GET / HTTP/2.0\r\n\r\n'))).toBeNull();
    expect(readRequestHead(Buffer.from('GET / HTTP/1.1\r\nno colon here\r\n\r\n'))).toBeNull();
  });
});

describe('serveQuickly', () => {
  const cleanup: (() => void)[] = [];
  afterEach(() => {
    for (const step of cleanup.splice(0)) step();
  });

  /**
   * A unix-socket server answering `GET /quick` without a body with `{"n":<count>}`, and `POST /later`
   * with its body once `release` is called; anything else is handed off.
   */
  async function serve(): Promise<{
    path: string;
    handed: { socket: Socket; data: Buffer[] }[];
    answered: () => number;
    release: () => void;
  }> {
    const dir = mkdtempSync(join(tmpdir(), 'ovrseer-quick-'));
    const path = join(dir, 's.sock');
    const handed: { socket: Socket; data: Buffer[] }[] = [];
    let answered = 0;
    let release = (): void => undefined;
    const sockets = new Set<Socket>();
    const server: Server = createServer((socket) => {
      sockets.add(socket);
      serveQuickly(
        socket,
        (request) => {
          if (request.target === '/later')
            return new Promise((resolve) => {
              const body = request.body.toString();
              release = () => resolve({ status: 200, body });
            });
          return request.target === '/quick' && request.body.length === 0
            ? { status: 200, body: JSON.stringify({ n: ++answered }) }
            : null;
        },
        (taken) => {
          const entry = { socket: taken, data: [] as Buffer[] };
          handed.push(entry);
          taken.on('data', (chunk: Buffer) => entry.data.push(chunk));
          taken.resume();
        },
      );
    });
    await new Promise<void>((resolve) => server.listen(path, resolve));
    cleanup.push(() => {
      for (const socket of sockets) socket.destroy();
      server.close();
      rmSync(dir, { recursive: true, force: true });
    });
    return { path, handed, answered: () => answered, release: () => release() };
  }

  function client(path: string): { socket: Socket; received: () => string; ended: () => boolean } {
    const socket = connect(path);
    let text = '';
    let ended = false;
    socket.on('data', (chunk: Buffer) => {
      text += chunk.toString('latin1');
    });
    socket.on('end', () => {
      ended = true;
    });
    cleanup.push(() => socket.destroy());
    return { socket, received: () => text, ended: () => ended };
  }

  it('answers pipelined requests in order on a kept-alive connection', async () => {
    const { path } = await serve();
    const c = client(path);
    c.socket.write('GET /quick HTTP/1.1\r\nHost: x\r\n\r\nGET /quick HTTP/1.1\r\nHost: x\r\n\r\n');
    await waitFor(() => c.received().includes('{"n":2}'), 'two answers');
    const answers = c.received().split('HTTP/1.1 200 OK\r\n').slice(1);
    expect(answers).toHaveLength(2);
    expect(answers[0]).toContain('content-type: application/json\r\ncontent-length: 7\r\n');
    expect(answers[0]).toContain('connection: keep-alive\r\n\r\n{"n":1}');
    expect(c.ended()).toBe(false);
  });

  it('reads a head that arrives in pieces, and closes when asked to', async () => {
    const { path } = await serve();
    const c = client(path);
    c.socket.write('GET /qu');
    await new Promise((resolve) => setTimeout(resolve, 20));
    c.socket.write('ick HTTP/1.1\r\nConnection: close\r\n');
    c.socket.write('\r\n');
    await waitFor(() => c.ended(), 'the server to close');
    expect(c.received()).toMatch(/^HTTP\/1\.1 200 OK\r\n[\s\S]*connection: close\r\n\r\n\{"n":1\}$/);
  });

  it('hands off any other request with every byte it read, after answering those before it', async () => {
    const { path, handed, answered } = await serve();
    const c = client(path);
    const other = 'POST /v1/shutdown HTTP/1.1\r\nContent-Length: 2\r\n\r\n{}';
    c.socket.write(`GET /quick HTTP/1.1\r\n\r\n${other}`);
    await waitFor(
      () => handed.length === 1 && Buffer.concat(handed[0]?.data ?? []).length === other.length,
      'hand-off',
    );
    expect(Buffer.concat(handed[0]?.data ?? []).toString()).toBe(other);
    expect(answered()).toBe(1);
    c.socket.write('more');
    await waitFor(
      () =>
        Buffer.concat(handed[0]?.data ?? [])
          .toString()
          .endsWith('more'),
      'later bytes follow',
    );
  });

  it('hands off a quick path that carries a body, and anything malformed', async () => {
    const { path, handed, answered } = await serve();
    client(path).socket.write('GET /quick HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc');
    client(path).socket.write('NOT HTTP\r\n\r\n');
    await waitFor(() => handed.length === 2, 'both handed off');
    expect(answered()).toBe(0);
  });

  it('reads a body of content-length bytes in pieces, and holds the next request until a promised answer', async () => {
    const { path, answered, release, handed } = await serve();
    const c = client(path);
    c.socket.write('POST /later HTTP/1.1\r\nContent-Length: 11\r\n\r\n{"a"');
    await new Promise((resolve) => setTimeout(resolve, 20));
    c.socket.write(':"bcd"}GET /quick HTTP/1.1\r\n\r\n');
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(c.received()).toBe('');
    expect(answered()).toBe(0);
    release();
    await waitFor(() => c.received().includes('{"n":1}'), 'both answers');
    expect(c.received().indexOf('{"a":"bcd"}')).toBeLessThan(c.received().indexOf('{"n":1}'));
    expect(handed).toHaveLength(0);
  });

  it('hands off a body it cannot size or that is over its limit', async () => {
    const { path, handed } = await serve();
    client(path).socket.write(
      'POST /later HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n',
    );
    client(path).socket.write('POST /later HTTP/1.1\r\nContent-Length: 1x\r\n\r\n{}');
    client(path).socket.write(`POST /later HTTP/1.1\r\nContent-Length: ${64 * 1024 + 1}\r\n\r\n{}`);
    await waitFor(() => handed.length === 3, 'all handed off');
  });
});
