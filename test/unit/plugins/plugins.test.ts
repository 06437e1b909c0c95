import { createServer } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import type { StateChangeEvent } from '../../../src/core/events.js';
import { PluginHost } from '../../../src/core/plugin-host.js';
import { createWebhookPlugin } from '../../../src/plugins/webhook.js';

const reported: string[] = [];
const host = (): PluginHost => new PluginHost((error) => reported.push(error.message));

afterEach(() => {
  reported.length = 0;
});

const stateEvent = (to: StateChangeEvent['to'], reason = 'exited with code 1'): StateChangeEvent => ({
  process: 'api',
  name: 'api',
  instance: null,
  from: 'running',
  to,
  reason,
  time: Date.UTC(2026, 10, 22),
  pid: 42,
  exitCode: 1,
  signal: null,
});

describe('PluginHost', () => {
  it('calls hooks in order per plugin, after the caller has moved on', async () => {
    const seen: string[] = [];
    const h = host();
    h.add({ name: 'a', onStateChange: (event) => void seen.push(`a:${event.to}`) });
    h.add({ name: 'b', onStateChange: async (event) => void seen.push(`b:${event.to}`) });
    h.call('onStateChange', stateEvent('crashed'));
    h.call('onStateChange', stateEvent('backoff'));
    expect(seen).toEqual([]);
    await h.drain();
    expect(seen).toEqual(['a:crashed', 'b:crashed', 'a:backoff', 'b:backoff']);
  });

  it('reports a throwing hook and keeps calling the others', async () => {
    const seen: string[] = [];
    const h = host();
    h.add({
      name: 'broken',
      onStateChange: () => {
        throw new Error('boom');
      },
    });
    h.add({ name: 'fine', onStateChange: () => void seen.push('fine') });
    h.call('onStateChange', stateEvent('crashed'));
    await h.drain();
    expect(seen).toEqual(['fine']);
    expect(reported).toEqual(['plugin broken: onStateChange failed: boom']);
  });

  it('knows which hooks are wanted, and refuses a plugin without a name', () => {
    const h = host();
    h.add({ name: 'x', onLog: () => undefined });
    expect(h.wants('onLog')).toBe(true);
    expect(h.wants('onCrashReport')).toBe(false);
    expect(() => h.add({ name: '' })).toThrow('a plugin needs a "name"');
  });

  it('drops calls past its bound for a plugin that is stuck, and says so once', async () => {
    const h = host();
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let calls = 0;
    h.add({
      name: 'slow',
      onLog: async () => {
        calls += 1;
        await gate;
      },
    });
    const line = { process: 'api', name: 'api', instance: null, stream: 'out' as const, text: 'x', time: 0 };
    for (let i = 0; i < 1005; i += 1) h.call('onLog', line);
    expect(reported).toEqual(['plugin slow is behind: 1 onLog call(s) dropped']);
    release();
    await h.drain();
    expect(calls).toBe(1000);
  });
});

describe('webhook plugin', () => {
  it('POSTs crash and failed events with a Slack-compatible text, and ignores the rest', async () => {
    const bodies: unknown[] = [];
    const server = createServer((request, response) => {
      let text = '';
      request.on('data', (chunk: Buffer) => {
        text += chunk.toString();
      });
      request.on('end', () => {
        bodies.push(JSON.parse(text));
        response.end('ok');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    try {
      const plugin = createWebhookPlugin({
        url: `http://127.0.0.1:${port}/hook`,
        project: 'shop',
        events: ['crash', 'failed'],
      });
      await plugin.onStateChange?.(stateEvent('crashed'));
      await plugin.onStateChange?.(stateEvent('ready', 'ready'));
      await plugin.onStateChange?.(stateEvent('failed', 'gave up after 3 restarts'));
      expect(bodies).toEqual([
        {
          event: 'crash',
          process: 'api',
          reason: 'exited with code 1',
          time: '2026-11-22T00:00:00.000Z',
          text: '[shop] api: crash — exited with code 1',
        },
        {
          event: 'failed',
          process: 'api',
          reason: 'gave up after 3 restarts',
          time: '2026-11-22T00:00:00.000Z',
          text: '[shop] api: failed — gave up after 3 restarts',
        },
      ]);
    } finally {
      server.close();
    }
  });

  it('refuses a URL that is not http(s)', () => {
    expect(() => createWebhookPlugin({ url: 'file:///etc/passwd' })).toThrow(
      'webhook: "url" must use http or https',
    );
    expect(() => createWebhookPlugin({ url: 'not a url' })).toThrow(
      'webhook: "url" must be an absolute http(s) URL',
    );
  });
});
