import { describe, expect, it } from 'vitest';
import { LogStore } from '../../../src/logs/log-store.js';
import type { ApiBackend } from '../../../src/supervisor/api/backend.js';
import { createApp } from '../../../src/supervisor/api/routes.js';

function app(): ReturnType<typeof createApp> {
  const store = new LogStore();
  store.append({ process: 'api', name: 'api', instance: null, stream: 'out', text: 'one', time: 1 });
  store.append({ process: 'api', name: 'api', instance: null, stream: 'out', text: 'two', time: 2 });
  const backend = {
    logStore: () => store,
    logTargets: (selectors: readonly string[]) => [...selectors],
    reportError: () => undefined,
  } as unknown as ApiBackend;
  return createApp(backend, null);
}

async function get(path: string): Promise<{ status: number; body: unknown }> {
  const response = await app().request(path);
  return { status: response.status, body: await response.json() };
}

describe('GET /v1/logs limit', () => {
  it('takes limit=0 as tail does: no earlier lines', async () => {
    expect(await get('/v1/logs?limit=0')).toEqual({ status: 200, body: [] });
    const one = await get('/v1/logs?limit=1');
    expect(one.body).toEqual([expect.objectContaining({ text: 'two', seq: 2 })]);
  });

  it('answers a bad limit with a JSON error a person can act on', async () => {
    for (const limit of ['-1', 'x', '1.5', '100001']) {
      expect(await get(`/v1/logs?limit=${limit}`)).toEqual({
        status: 400,
        body: {
          error: {
            code: 'OVRSEER_USAGE',
            message: `limit: expected a whole number of lines from 0 to 100000, got "${limit}"`,
          },
        },
      });
    }
  });

  it('names the selector that is not a target', async () => {
    expect(await get('/v1/logs?names=api,a%20b')).toEqual({
      status: 400,
      body: {
        error: {
          code: 'OVRSEER_USAGE',
          message: 'names: "a b" is not a target (name, name.N, group:G, tag:T or all)',
        },
      },
    });
  });
});
