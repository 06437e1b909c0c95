import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { createConnection, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MessageBus } from '../../../src/core/ipc/message-bus.js';
import { OvrseerError } from '../../../src/errors.js';
import { waitFor } from '../../helpers/wait-for.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function openBus(): Promise<MessageBus> {
  const dir = mkdtempSync(join(tmpdir(), 'ovrseer-bus-'));
  const ids = ['api', 'worker.1', 'worker.2'];
  const bus = new MessageBus({
    socketPath: join(dir, 'ipc.sock'),
    resolve: (to) => {
      const found = ids.filter((id) => id === to || id.startsWith(`${to}.`));
      if (found.length === 0) throw new OvrseerError('OVRSEER_UNKNOWN_PROCESS', `unknown process "${to}"`);
      return found;
    },
    all: () => ids,
    now: () => 0,
    reportError: (error) => {
      throw error;
    },
  });
  await bus.listen();
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  cleanups.push(() => bus.close());
  return bus;
}

interface Client {
  socket: Socket;
  lines: string[];
}

async function connect(bus: MessageBus, id: string, token?: string): Promise<Client> {
  const env = bus.envFor(id);
  const socket = createConnection(env.OVRSEER_IPC as string);
  cleanups.push(() => void socket.destroy());
  const lines: string[] = [];
  let pending = '';
  socket.on('data', (chunk) => {
    const parts = (pending + chunk.toString()).split('\n');
    pending = parts.pop() ?? '';
    lines.push(...parts);
  });
  socket.write(`${JSON.stringify({ hello: id, token: token ?? env.OVRSEER_IPC_TOKEN })}\n`);
  await waitFor(() => lines.length > 0, `the answer to ${id}'s hello`);
  return { socket, lines };
}

describe('MessageBus over its socket', () => {
  it('routes between identified clients, to every replica of a name, and refuses a wrong token', async () => {
    const bus = await openBus();
    expect(statSync(bus.socketPath as string).mode & 0o777).toBe(0o600);
    const seen: string[] = [];
    bus.onMessage((m) => seen.push(`${m.from}->${m.to}:${m.delivered.join(',')}`));
    const api = await connect(bus, 'api');
    const w1 = await connect(bus, 'worker.1');
    const w2 = await connect(bus, 'worker.2');
    expect(api.lines[0]).toBe('{"ok":true,"name":"api"}');
    api.socket.write('{"to":"worker","message":{"job":1}}\n');
    await waitFor(() => w1.lines.length > 1 && w2.lines.length > 1, 'both replicas got it');
    expect(w2.lines[1]).toBe('{"from":"api","message":{"job":1}}');
    expect(seen).toEqual(['api->worker:worker.1,worker.2']);

    const impostor = await connect(bus, 'api', bus.envFor('worker.1').OVRSEER_IPC_TOKEN);
    expect(impostor.lines[0]).toContain('"code":"unauthorized"');
    api.socket.write('{"to":"nope","message":1}\n{"message":1}\n');
    await waitFor(() => api.lines.length >= 3, 'two error lines');
    expect(api.lines[1]).toContain('OVRSEER_UNKNOWN_PROCESS');
    expect(api.lines[2]).toContain('bad_message');
  });

  it('throws for a target that does not listen, and for a message over the maximum', async () => {
    const bus = await openBus();
    expect(() => bus.send('@ovrseer', 'api', 1)).toThrow(/api does not listen for messages/);
    await connect(bus, 'api');
    expect(() => bus.send('@ovrseer', 'api', 'x'.repeat(1024 * 1024))).toThrow(
      /exceeds the maximum of 1048576/,
    );
    expect(bus.send('@ovrseer', 'api', 'ok').delivered).toEqual(['api']);
  });

  it('drops and counts messages for a reader that does not read, without blocking, then says how many', async () => {
    const bus = await openBus();
    const slow = await connect(bus, 'api');
    slow.socket.pause();
    const chunk = 'x'.repeat(256 * 1024);
    let refused = 0;
    for (let i = 0; i < 200; i += 1) {
      try {
        bus.send('@ovrseer', 'api', chunk);
      } catch (error) {
        expect((error as OvrseerError).code).toBe('OVRSEER_NOT_LISTENING');
        refused += 1;
      }
    }
    expect(refused).toBeGreaterThan(0);
    expect(bus.dropped('api')).toBe(refused);
    slow.socket.resume();
    await waitFor(() => slow.lines.some((line) => line === `{"dropped":${refused}}`), 'the dropped count');
  });
});
